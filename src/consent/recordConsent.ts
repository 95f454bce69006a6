import { sql } from 'drizzle-orm';
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
  const onlyChanges =
    context.mode === 'always'
      ? sql``
      : sql`where cur.member_id is null
               or (cur.granted <> c.granted and coalesce(c.occurred_at, now()) >= cur.occurred_at)`;
  const result = await tx.execute(sql`
    insert into consent_events (member_id, topic, channel, granted, source, actor, note, policy_version, occurred_at)
    select c.member_id, c.topic, c.channel, c.granted, ${context.source}, ${context.actor}, ${context.note ?? null},
           ${context.policyVersion ?? CURRENT_POLICY_VERSION}, coalesce(c.occurred_at, now())
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
           as c(member_id bigint, topic text, channel text, granted boolean, occurred_at timestamptz)
      left join consents cur
        on cur.member_id = c.member_id and cur.topic = c.topic and cur.channel = c.channel
    ${onlyChanges}`);
  return result.count;
}
