import { randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import type { Db, Tx } from '../db/connect.ts';
import { partners, partnerUsers, staffSessions } from '../db/schema.ts';
import { hashSecret, newSecret } from '../staff/secretToken.ts';

/**
 * Partner portal sessions. They live in staff_sessions beside the console's,
 * with the partner and the partner user they belong to; the browser holds a
 * random id, the table only its SHA-256.
 */
export const PORTAL_SESSION_MS = 8 * 60 * 60 * 1000;

export interface PortalSession {
  partnerId: number;
  partnerName: string;
  userId: number;
  userName: string;
  csrfToken: string;
}

/** The audit log's name for a partner user. */
export const partnerUserActor = (userId: number) => `partner-user:${userId}`;

/** Opens a portal session for a partner user who has just signed in; the id goes into a cookie. */
export async function openPortalSession(
  tx: Tx,
  user: { partnerId: number; partnerUserId: number },
  now: Date,
): Promise<string> {
  const id = newSecret('sms');
  await tx.insert(staffSessions).values({
    idHash: hashSecret(id),
    partnerId: user.partnerId,
    partnerUserId: user.partnerUserId,
    csrfToken: randomBytes(24).toString('base64url'),
    createdAt: now,
    expiresAt: new Date(now.getTime() + PORTAL_SESSION_MS),
  });
  // Housekeeping on the way: sessions that ran out are of no use to anyone.
  await tx.delete(staffSessions).where(lt(staffSessions.expiresAt, now));
  return id;
}

/**
 * The live session behind a cookie value, if its user is enabled and its
 * partner approved: suspending a partner or disabling a user shuts the
 * portal at once, even for sessions opened before.
 */
export async function portalSession(
  db: Db,
  sessionId: string | undefined,
  now: Date,
): Promise<PortalSession | null> {
  if (!sessionId || !/^sms_[A-Za-z0-9_-]{20,100}$/.test(sessionId)) return null;
  const [row] = await db
    .select({
      partnerId: partners.id,
      partnerName: partners.name,
      userId: partnerUsers.id,
      userName: partnerUsers.name,
      csrfToken: staffSessions.csrfToken,
    })
    .from(staffSessions)
    .innerJoin(partnerUsers, eq(partnerUsers.id, staffSessions.partnerUserId))
    .innerJoin(partners, eq(partners.id, partnerUsers.partnerId))
    .where(
      and(
        eq(staffSessions.idHash, hashSecret(sessionId)),
        eq(staffSessions.partnerId, partnerUsers.partnerId),
        gt(staffSessions.expiresAt, now),
        eq(partnerUsers.disabled, false),
        eq(partners.status, 'approved'),
      ),
    );
  return row ?? null;
}

export async function closePortalSession(db: Db | Tx, sessionId: string): Promise<void> {
  await db.delete(staffSessions).where(eq(staffSessions.idHash, hashSecret(sessionId)));
}

/** Ends every portal session of a partner user (when disabled, or after a new password). */
export async function closeUserPortalSessions(db: Db | Tx, partnerUserId: number): Promise<void> {
  await db.delete(staffSessions).where(eq(staffSessions.partnerUserId, partnerUserId));
}

/** Constant-time comparison of a form's CSRF token with the session's. */
export function csrfMatches(session: PortalSession, token: unknown): boolean {
  if (typeof token !== 'string') return false;
  const a = Buffer.from(session.csrfToken);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
