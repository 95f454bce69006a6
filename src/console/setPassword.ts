import { eq } from 'drizzle-orm';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Db } from '../db/connect.ts';
import { staffUsers } from '../db/schema.ts';
import { normalizeEmail } from '../members/email.ts';
import { hashPassword, passwordProblem } from './password.ts';
import { closeAllStaffSessions } from './sessions.ts';

export type SetPasswordOutcome =
  | { type: 'set'; staffUserId: number }
  | { type: 'not-found' }
  | { type: 'weak'; message: string };

/**
 * Sets a staff user's password (found by id or email): stores its argon2id
 * hash, lifts any lockout, and ends the user's open sessions, so a password
 * changed because it leaked shuts out whoever used it.
 */
export async function setStaffPassword(
  db: Db,
  who: { id: number } | { email: string },
  password: string,
  actor: string,
): Promise<SetPasswordOutcome> {
  const weak = passwordProblem(password);
  if (weak) return { type: 'weak', message: weak };
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const where = 'id' in who ? eq(staffUsers.id, who.id) : eq(staffUsers.email, normalizeEmail(who.email));
    const [row] = await tx
      .update(staffUsers)
      .set({ passwordHash, failedSignIns: 0, lockedUntil: null })
      .where(where)
      .returning({ id: staffUsers.id });
    if (!row) return { type: 'not-found' } as const;
    await closeAllStaffSessions(tx, row.id);
    await recordAudit(tx, { actor, action: 'staff.password-set', target: `staff:${row.id}` });
    return { type: 'set', staffUserId: row.id } as const;
  });
}
