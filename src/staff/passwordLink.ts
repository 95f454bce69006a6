import { and, eq, gt, isNull } from 'drizzle-orm';
import { recordAudit } from '../audit/recordAudit.ts';
import { hashPassword, passwordProblem } from '../console/password.ts';
import { closeAllStaffSessions } from '../console/sessions.ts';
import type { Db, Tx } from '../db/connect.ts';
import { staffPasswordLinks, staffUsers } from '../db/schema.ts';
import { hashSecret, newSecret } from './secretToken.ts';

/**
 * Single-use links to set a staff password: what an admin hands a new
 * colleague (or one who forgot theirs). Unlike an API token pasted into the
 * first sign-in page, a link works once and runs out, so one left in a chat
 * or a mailbox is soon worth nothing. Only its SHA-256 is stored.
 */
export const PASSWORD_LINK_MS = 72 * 60 * 60 * 1000;

/** The path of the page a link opens; the secret is the last segment. */
export const passwordLinkPath = (secret: string) => `/console/password-link/${secret}`;

/** A link secret's shape, checked before any lookup. */
export const LINK_SECRET = /^sml_[A-Za-z0-9_-]{40,60}$/;

/** Issues a link for a staff user; earlier unused links of theirs stop working. Returns the secret, once. */
export async function issuePasswordLink(
  tx: Tx,
  staffUserId: number,
  now: Date,
): Promise<{ secret: string; expiresAt: Date }> {
  await tx
    .update(staffPasswordLinks)
    .set({ usedAt: now })
    .where(and(eq(staffPasswordLinks.staffUserId, staffUserId), isNull(staffPasswordLinks.usedAt)));
  const secret = newSecret('sml');
  const expiresAt = new Date(now.getTime() + PASSWORD_LINK_MS);
  await tx
    .insert(staffPasswordLinks)
    .values({ tokenHash: hashSecret(secret), staffUserId, createdAt: now, expiresAt });
  return { secret, expiresAt };
}

/** The enabled staff user a live link belongs to, or null (unknown, used, expired, or account disabled). */
export async function passwordLinkHolder(db: Db, secret: string, now: Date) {
  if (!LINK_SECRET.test(secret)) return null;
  const [row] = await db
    .select({
      id: staffUsers.id,
      name: staffUsers.name,
      email: staffUsers.email,
      disabled: staffUsers.disabled,
    })
    .from(staffPasswordLinks)
    .innerJoin(staffUsers, eq(staffUsers.id, staffPasswordLinks.staffUserId))
    .where(
      and(
        eq(staffPasswordLinks.tokenHash, hashSecret(secret)),
        isNull(staffPasswordLinks.usedAt),
        gt(staffPasswordLinks.expiresAt, now),
      ),
    );
  return row && !row.disabled ? { id: row.id, name: row.name, email: row.email } : null;
}

export type UseLinkOutcome =
  | { type: 'set'; staffUserId: number }
  | { type: 'invalid' }
  | { type: 'weak'; message: string };

/**
 * Sets the password behind a link and spends the link, in one transaction:
 * of two tabs posting the same link, one wins. Lifts any lockout and ends
 * the user's open sessions, as setting a password always does.
 */
export async function usePasswordLink(
  db: Db,
  secret: string,
  password: string,
  now: Date,
): Promise<UseLinkOutcome> {
  if (!LINK_SECRET.test(secret)) return { type: 'invalid' };
  const weak = passwordProblem(password);
  if (weak)
    return (await passwordLinkHolder(db, secret, now))
      ? { type: 'weak', message: weak }
      : { type: 'invalid' };
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const [link] = await tx
      .update(staffPasswordLinks)
      .set({ usedAt: now })
      .where(
        and(
          eq(staffPasswordLinks.tokenHash, hashSecret(secret)),
          isNull(staffPasswordLinks.usedAt),
          gt(staffPasswordLinks.expiresAt, now),
        ),
      )
      .returning({ staffUserId: staffPasswordLinks.staffUserId });
    if (!link) return { type: 'invalid' } as const;
    const [user] = await tx
      .update(staffUsers)
      .set({ passwordHash, failedSignIns: 0, lockedUntil: null })
      .where(and(eq(staffUsers.id, link.staffUserId), eq(staffUsers.disabled, false)))
      .returning({ id: staffUsers.id });
    if (!user) return { type: 'invalid' } as const;
    await closeAllStaffSessions(tx, user.id);
    await recordAudit(tx, {
      actor: `staff:${user.id}`,
      action: 'staff.password-set',
      target: `staff:${user.id}`,
      details: { via: 'link' },
    });
    return { type: 'set', staffUserId: user.id } as const;
  });
}
