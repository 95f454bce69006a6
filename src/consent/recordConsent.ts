import { type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../db/connect.ts';
import { type Channel, type ConsentSource, CURRENT_POLICY_VERSION, type Topic } from './vocabulary.ts';

/** One grant or withdrawal to append to the ledger. */
export interface ConsentChange {
  memberId: number;
  topic: Topic;
  channel: Channel;
  granted: boolean;
  /** When the member gave it; defaults to the database's now(). */
  occurredAt?: Date;
}

export interface ConsentContext {
  source: ConsentSource;
  /** Who recorded it: 'member', 'staff:<id>', 'import:<file>', 'ses'. */
  actor: string;
  note?: string;
  policyVersion?: string;
  /**
   * 'if-changed' (default) appends only entries that change the current
   * state, so re-sending the same facts is idempotent. 'always' appends every
   * entry, for requests whose record is evidence in itself.
   */
  mode?: 'if-changed' | 'always';
}

/**
 * Appends consent changes to the ledger in one statement. The current-state
 * table follows by trigger in the same transaction. Returns how many ledger
 * entries were written.
 */
export async function recordConsentChanges(
  tx: Tx,
  changes: readonly ConsentChange[],
  context: ConsentContext,
): Promise<number> {
  if (changes.length === 0) return 0;
  const rows = changes.map((c) => ({
    member_id: c.memberId,
    topic: c.topic,
    channel: c.channel,
    granted: c.granted,
    occurred_at: c.occurredAt?.toISOString() ?? null,
  }));
  const result = await tx.execute(
    ledgerInsert(
      sql`select * from rows from (jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
              as (member_id bigint, topic text, channel text, granted boolean, occurred_at timestamptz))
              with ordinality as c(member_id, topic, channel, granted, occurred_at, seq)`,
      context,
    ),
  );
  return result.count;
}

/**
 * The ledger insert over any query yielding `(member_id, topic, channel,
 * granted, occurred_at, seq)` rows (a null occurred_at means now), so a bulk
 * import can feed it straight from its staging table. Entries are written in
 * member order, then `seq` order: the per-row member foreign-key check then
 * mostly finds a member it has already checked (and key-share locked), which
 * is much cheaper than a first lock.
 */
export function ledgerInsert(changes: SQL, context: ConsentContext): SQL {
  const onlyChanges =
    context.mode === 'always'
      ? sql``
      : sql`where cur.member_id is null
               or (cur.granted <> c.granted and coalesce(c.occurred_at, now()) >= cur.occurred_at)`;
  return sql`
    insert into consent_events (member_id, topic, channel, granted, source, actor, note, policy_version, occurred_at)
    select c.member_id, c.topic, c.channel, c.granted, ${context.source}, ${context.actor}, ${context.note ?? null},
           ${context.policyVersion ?? CURRENT_POLICY_VERSION}, coalesce(c.occurred_at, now())
      from (${changes}) as c
      left join consents cur
        on cur.member_id = c.member_id and cur.topic = c.topic and cur.channel = c.channel
    ${onlyChanges}
     order by c.member_id, c.seq`;
}
