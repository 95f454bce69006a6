import { asc, desc, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/connect.ts';
import { auditLog, contracts, disclosures, misuseAlerts, subcontractors } from '../db/schema.ts';

/** Read-only views for the administration pages. */

export async function contractOverview(db: Db) {
  return db
    .select({ contract: contracts, subcontractor: subcontractors.name, service: subcontractors.service })
    .from(contracts)
    .innerJoin(subcontractors, eq(subcontractors.id, contracts.subcontractorId))
    .orderBy(contracts.id);
}

/** The newest disclosures, with whether their deletion is confirmed, due or overdue. */
export async function recentDisclosures(db: Db, limit = 50) {
  return db
    .select({ d: disclosures, subcontractor: subcontractors.name, contract: contracts.reference })
    .from(disclosures)
    .innerJoin(subcontractors, eq(subcontractors.id, disclosures.subcontractorId))
    .innerJoin(contracts, eq(contracts.id, disclosures.contractId))
    .orderBy(desc(disclosures.id))
    .limit(limit);
}

/** Disclosures whose deletion is not confirmed yet, the longest overdue first. */
export async function pendingDeletions(db: Db, limit = 200) {
  return db
    .select({ d: disclosures, subcontractor: subcontractors.name, contract: contracts.reference })
    .from(disclosures)
    .innerJoin(subcontractors, eq(subcontractors.id, disclosures.subcontractorId))
    .innerJoin(contracts, eq(contracts.id, disclosures.contractId))
    .where(isNull(disclosures.deletionConfirmedAt))
    .orderBy(asc(disclosures.deleteBy), asc(disclosures.id))
    .limit(limit);
}

export async function recentMisuseAlerts(db: Db, limit = 50) {
  return db
    .select({ a: misuseAlerts, subcontractor: subcontractors.name })
    .from(misuseAlerts)
    .leftJoin(subcontractors, eq(subcontractors.id, misuseAlerts.subcontractorId))
    .orderBy(desc(misuseAlerts.id))
    .limit(limit);
}

export const AUDIT_PAGE = 50;

/** One page of the audit log, newest first, keyset-paged by id (`before`: the last id of the previous page). */
export async function auditPage(db: Db, before?: number) {
  return db
    .select()
    .from(auditLog)
    .where(before ? lt(auditLog.id, before) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(AUDIT_PAGE);
}

export interface QueueCount {
  queue: string;
  state: string;
  count: number;
}

/** Jobs by queue and state from pg-boss's own table: what is waiting, running, retrying or failed. */
export async function queueHealth(db: Db): Promise<QueueCount[]> {
  const rows = await db.execute<{ queue: string; state: string; count: number }>(sql`
    select name as queue, state::text as state, count(*)::int as count
      from pgboss.job group by name, state order by name, state`);
  return [...rows];
}
