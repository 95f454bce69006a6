import { sql } from 'drizzle-orm';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Deps } from '../deps.ts';
import { ensureEmailContract } from '../subcontractors/defaultContract.ts';
import { createStaffUser, issueStaffToken } from './staffUsers.ts';

/**
 * On an empty database, creates the first admin (and the email service's
 * first contract) and returns its API token so
 * the operator can see it once; it is stored only as a hash. Two processes
 * starting together take turns on an advisory lock, so only one admin appears.
 */
export async function bootstrapFirstAdmin(deps: Pick<Deps, 'db' | 'config'>): Promise<string | undefined> {
  return deps.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(727002)`);
    await ensureEmailContract(tx, new Date());
    const [row] = await tx.execute<{ n: number }>(sql`select count(*)::int as n from staff_users`);
    if (row!.n > 0) return undefined;
    const id = await createStaffUser(tx, {
      email: `admin@${deps.config.MAIL_DOMAIN}`,
      name: 'First administrator',
      role: 'admin',
    });
    const token = await issueStaffToken(tx, id, 'first start');
    await recordAudit(tx, { actor: 'system', action: 'staff.bootstrap', target: `staff:${id}` });
    return token;
  });
}
