import { randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, gt, isNotNull } from 'drizzle-orm';
import type { Db, Tx } from '../db/connect.ts';
import { partners, staffSessions } from '../db/schema.ts';
import { hashSecret, newSecret } from '../staff/secretToken.ts';

/** How long a partner portal session lasts. */
export const PORTAL_SESSION_MS = 8 * 60 * 60 * 1000;

export interface PortalSession {
  partnerId: number;
  partnerName: string;
  csrfToken: string;
}

/** Opens a portal session for a partner (after it showed a valid key); the id goes into a cookie. */
export async function openPortalSession(tx: Tx, partnerId: number, now: Date): Promise<string> {
  const id = newSecret('sms');
  await tx.insert(staffSessions).values({
    idHash: hashSecret(id),
    partnerId,
    csrfToken: randomBytes(24).toString('base64url'),
    createdAt: now,
    expiresAt: new Date(now.getTime() + PORTAL_SESSION_MS),
  });
  return id;
}

/** The live session of an approved partner behind a cookie value, if any. */
export async function portalSession(
  db: Db,
  sessionId: string | undefined,
  now: Date,
): Promise<PortalSession | null> {
  if (!sessionId || sessionId.length > 200) return null;
  const [row] = await db
    .select({ partnerId: partners.id, partnerName: partners.name, csrfToken: staffSessions.csrfToken })
    .from(staffSessions)
    .innerJoin(partners, eq(partners.id, staffSessions.partnerId))
    .where(
      and(
        eq(staffSessions.idHash, hashSecret(sessionId)),
        isNotNull(staffSessions.partnerId),
        gt(staffSessions.expiresAt, now),
        eq(partners.status, 'approved'),
      ),
    );
  return row ?? null;
}

export async function closePortalSession(db: Db, sessionId: string): Promise<void> {
  await db.delete(staffSessions).where(eq(staffSessions.idHash, hashSecret(sessionId)));
}

/** Constant-time comparison of a form's CSRF token with the session's. */
export function csrfMatches(session: PortalSession, token: unknown): boolean {
  if (typeof token !== 'string') return false;
  const a = Buffer.from(session.csrfToken);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
