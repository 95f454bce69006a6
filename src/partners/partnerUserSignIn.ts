import { eq } from 'drizzle-orm';
import { recordAudit } from '../audit/recordAudit.ts';
import { afterFailure, isLocked } from '../console/lockout.ts';
import { verifyPassword } from '../console/password.ts';
import type { Db } from '../db/connect.ts';
import { partners, partnerUsers } from '../db/schema.ts';
import { normalizeEmail } from '../members/email.ts';
import { openPortalSession, partnerUserActor } from './portalSession.ts';

export type PartnerSignInOutcome =
  | { type: 'signed-in'; sessionId: string; partnerUserId: number }
  /**
   * Wrong address or password, a disabled user, a suspended partner, or no
   * password set yet: one answer for all, so the form reveals no account.
   */
  | { type: 'refused' }
  | { type: 'locked'; until: Date };

/**
 * Checks a partner user's email and password and opens a portal session,
 * with the console's lockout rules (see console/lockout.ts): the user row is
 * locked for the check, so parallel guesses are counted one after another.
 */
export function signInPartnerUser(
  db: Db,
  input: { email: string; password: string },
  now: Date,
): Promise<PartnerSignInOutcome> {
  const email = normalizeEmail(input.email);
  return db.transaction(async (tx) => {
    const [found] = await tx
      .select({ user: partnerUsers, partnerStatus: partners.status })
      .from(partnerUsers)
      .innerJoin(partners, eq(partners.id, partnerUsers.partnerId))
      .where(eq(partnerUsers.email, email))
      .for('update', { of: partnerUsers });
    if (!found) {
      await verifyPassword(null, input.password);
      return { type: 'refused' } as const;
    }
    const { user } = found;
    const state = { failedSignIns: user.failedSignIns, lockedUntil: user.lockedUntil };
    if (isLocked(state, now)) return { type: 'locked', until: state.lockedUntil! } as const;
    const allowed = !user.disabled && found.partnerStatus === 'approved';
    // The hash is checked even when the answer is already no, so timing tells nothing.
    const matches = await verifyPassword(user.passwordHash, input.password);
    if (!allowed || !matches) {
      const next = afterFailure(state, now);
      await tx.update(partnerUsers).set(next).where(eq(partnerUsers.id, user.id));
      if (isLocked(next, now)) {
        await recordAudit(tx, {
          actor: 'system',
          action: 'partner-user.locked',
          target: `partner-user:${user.id}`,
          details: { failures: next.failedSignIns, until: next.lockedUntil!.toISOString() },
        });
        return { type: 'locked', until: next.lockedUntil! } as const;
      }
      return { type: 'refused' } as const;
    }
    await tx
      .update(partnerUsers)
      .set({ failedSignIns: 0, lockedUntil: null })
      .where(eq(partnerUsers.id, user.id));
    const sessionId = await openPortalSession(tx, { partnerId: user.partnerId, partnerUserId: user.id }, now);
    await recordAudit(tx, {
      actor: partnerUserActor(user.id),
      action: 'partner-user.sign-in',
      target: `partner-user:${user.id}`,
      details: { partnerId: user.partnerId },
    });
    return { type: 'signed-in', sessionId, partnerUserId: user.id } as const;
  });
}
