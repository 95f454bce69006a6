import { and, eq, gt } from 'drizzle-orm';
import { recordAudit } from '../audit/recordAudit.ts';
import { hashPassword, passwordProblem } from '../console/password.ts';
import type { Db, Tx } from '../db/connect.ts';
import { partnerUsers } from '../db/schema.ts';
import { hashSecret } from '../staff/secretToken.ts';
import { closeUserPortalSessions, partnerUserActor } from './portalSession.ts';

export type SetPartnerPasswordOutcome =
  | { type: 'set'; partnerUserId: number }
  /** Unknown, used, replaced or expired link, or a disabled user: one answer for all. */
  | { type: 'invalid-link' }
  | { type: 'weak'; message: string };

/** What a set-password link looks like; anything else is not looked up. */
export const SETUP_TOKEN_PATTERN = /^sml_[A-Za-z0-9_-]{20,100}$/;

/** The open link's conditions: this secret, not run out, its user enabled. */
function liveLink(token: string, now: Date) {
  return and(
    eq(partnerUsers.setupTokenHash, hashSecret(token)),
    gt(partnerUsers.setupExpiresAt, now),
    eq(partnerUsers.disabled, false),
  );
}

/** Whether a set-password link can still be used, so the page can say so before anyone types. */
export async function setupLinkIsLive(db: Db | Tx, token: string, now: Date): Promise<boolean> {
  if (!SETUP_TOKEN_PATTERN.test(token)) return false;
  const [row] = await db.select({ id: partnerUsers.id }).from(partnerUsers).where(liveLink(token, now));
  return row !== undefined;
}

/**
 * Sets a partner user's password through a set-password link. The link is
 * spent by the same conditional UPDATE that stores the hash, so two posts
 * of one link cannot both succeed. Lifts any lockout and ends the user's
 * open sessions, as the console does for staff.
 */
export async function setPasswordWithLink(
  db: Db,
  token: string,
  password: string,
  now: Date,
): Promise<SetPartnerPasswordOutcome> {
  if (!(await setupLinkIsLive(db, token, now))) return { type: 'invalid-link' };
  const weak = passwordProblem(password);
  if (weak) return { type: 'weak', message: weak };
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(partnerUsers)
      .set({ passwordHash, setupTokenHash: null, setupExpiresAt: null, failedSignIns: 0, lockedUntil: null })
      .where(liveLink(token, now))
      .returning({ id: partnerUsers.id });
    if (!row) return { type: 'invalid-link' } as const;
    await closeUserPortalSessions(tx, row.id);
    await recordAudit(tx, {
      actor: partnerUserActor(row.id),
      action: 'partner-user.password-set',
      target: `partner-user:${row.id}`,
    });
    return { type: 'set', partnerUserId: row.id } as const;
  });
}
