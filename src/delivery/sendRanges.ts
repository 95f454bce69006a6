import { sql } from 'drizzle-orm';
import { fromDrizzle, type PgBoss } from 'pg-boss';
import type { Tx } from '../db/connect.ts';
import { QUEUES } from '../jobs/queues.ts';

/** One send job's share of a campaign: recipient ids from..to inclusive. */
export interface SendRange {
  campaignId: number;
  fromId: number;
  toId: number;
}

/**
 * Splits a campaign's pending recipients into id ranges of about `size`
 * recipients, computed in one pass over the index, and enqueues one send job
 * per range in the caller's transaction: the jobs exist if and only if the
 * state change that needs them commits. Never one job per recipient.
 */
export async function enqueueSendRanges(
  tx: Tx,
  boss: PgBoss,
  campaignId: number,
  size: number,
): Promise<number> {
  const rows = await tx.execute<{ from_id: string; to_id: string }>(sql`
    select min(id) as from_id, max(id) as to_id
      from (select id, (row_number() over (order by id) - 1) / ${size} as bucket
              from campaign_recipients
             where campaign_id = ${campaignId} and state = 'pending') numbered
     group by bucket order by bucket`);
  if (rows.length === 0) return 0;
  const jobs = rows.map((r) => ({
    data: { campaignId, fromId: Number(r.from_id), toId: Number(r.to_id) } satisfies SendRange,
  }));
  await boss.insert(QUEUES.campaignSend, jobs, { db: fromDrizzle(tx, sql) });
  return jobs.length;
}
