import { eq } from 'drizzle-orm';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Db } from '../db/connect.ts';
import { staffUsers } from '../db/schema.ts';
import { normalizeEmail } from '../members/email.ts';
import { afterFailure, isLocked } from './lockout.ts';
import { verifyPassword } from './password.ts';
import { openStaffSession } from './sessions.ts';

export type SignInOutcome =
  | { type: 'signed-in'; sessionId: string; staffUserId: number }
  /** Wrong address or password, a disabled account, or no password set: one answer for all. */
  | { type: 'refused' }
  | { type: 'locked'; until: Date };

/**
 * Checks an email and password and opens a session. The account row is
 * locked for the check, so parallel guesses are counted one after another;
 * the fifth failure in a row locks the account (see lockout.ts).
 */
export function signIn(
  db: Db,
  input: { email: string; password: string },
  now: Date,
): Promise<SignInOutcome> {
  const email = normalizeEmail(input.email);
  return db.transaction(async (tx) => {
    const [user] = await tx.select().from(staffUsers).where(eq(staffUsers.email, email)).for('update');
    if (!user) {
      await verifyPassword(null, input.password);
      return { type: 'refused' } as const;
    }
    const state = { failedSignIns: user.failedSignIns, lockedUntil: user.lockedUntil };
    if (isLocked(state, now)) return { type: 'locked', until: state.lockedUntil! } as const;
    const ok = !user.disabled && (await verifyPassword(user.passwordHash, input.password));
    if (!ok) {
      const next = afterFailure(state, now);
      await tx.update(staffUsers).set(next).where(eq(staffUsers.id, user.id));
      if (isLocked(next, now)) {
        await recordAudit(tx, {
          actor: 'system',
          action: 'staff.locked',
          target: `staff:${user.id}`,
          details: { failures: next.failedSignIns, until: next.lockedUntil!.toISOString() },
        });
        return { type: 'locked', until: next.lockedUntil! } as const;
      }
      return { type: 'refused' } as const;
    }
    await tx
      .update(staffUsers)
      .set({ failedSignIns: 0, lockedUntil: null })
      .where(eq(staffUsers.id, user.id));
    const sessionId = await openStaffSession(tx, user.id, now);
    await recordAudit(tx, { actor: `staff:${user.id}`, action: 'staff.sign-in', target: `staff:${user.id}` });
    return { type: 'signed-in', sessionId, staffUserId: user.id } as const;
  });
}
