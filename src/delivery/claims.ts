import type { Channel, Topic } from '../consent/vocabulary.ts';
import type { Sql } from '../db/connect.ts';

/** A recipient claimed for sending now, with what its message needs. */
export interface ClaimedRecipient {
  id: number;
  token: string;
  email: string;
  name: string | null;
  language: string;
  isSeed: boolean;
  attempts: number;
}

/**
 * Claims up to `limit` pending recipients of one range for immediate sending,
 * re-checking each one's consent, suppression and membership in the same
 * statement: eligible ones become `claimed`, the rest `skipped`. This commit
 * is the last look before the SES call, so an opt-out committed before it
 * always wins. SKIP LOCKED lets several workers share a range safely.
 */
export async function claimBatch(
  sql_: Sql,
  input: { campaignId: number; fromId: number; toId: number; topic: Topic; channel: Channel; limit: number },
): Promise<ClaimedRecipient[]> {
  const rows = await sql_<
    {
      id: string;
      state: string;
      token: string;
      email: string;
      name: string | null;
      language: string;
      is_seed: boolean;
      attempts: number;
    }[]
  >`
    with next as (
      select r.id from campaign_recipients r
       where r.campaign_id = ${input.campaignId} and r.id between ${input.fromId} and ${input.toId}
         and r.state = 'pending' and (r.retry_after is null or r.retry_after <= now())
       order by r.id
       limit ${input.limit}
       for update skip locked
    ), facts as (
      select r.id,
             coalesce(m.email, sd.address) as email,
             coalesce(m.name, sd.name) as name,
             r.seed_id is not null as is_seed,
             (r.seed_id is not null and sd.active) or (
               m.status = 'active'
               and exists (select from consents c
                            where c.member_id = r.member_id and c.topic = ${input.topic}
                              and c.channel = ${input.channel} and c.granted)
               and not exists (select from suppressions s where s.email_normalized = r.email_normalized)
             ) as eligible
        from next join campaign_recipients r on r.id = next.id
        left join members m on m.id = r.member_id
        left join seeds sd on sd.id = r.seed_id
    )
    update campaign_recipients r
       set state = case when f.eligible then 'claimed' else 'skipped' end,
           claimed_at = now(),
           attempts = r.attempts + case when f.eligible then 1 else 0 end,
           outcome = case when f.eligible then null else 'no longer eligible at send time' end
      from facts f
     where r.id = f.id
    returning r.id, r.state, r.token, f.email, f.name, r.language, f.is_seed, r.attempts`;
  return rows
    .filter((r) => r.state === 'claimed')
    .map((r) => ({
      id: Number(r.id),
      token: r.token,
      email: r.email,
      name: r.name,
      language: r.language,
      isSeed: r.is_seed,
      attempts: r.attempts,
    }));
}

export type RecipientOutcome =
  | { id: number; state: 'sent'; messageId: string }
  | { id: number; state: 'failed'; reason: string }
  /** The subcontractor may or may not have taken it: never sent again. */
  | { id: number; state: 'in-doubt'; reason: string }
  /** Back to pending, not to be tried again for `retryInMs`. */
  | { id: number; state: 'pending'; reason: string; retryInMs: number };

/** Records what the subcontractor said for each claimed recipient, in one statement. */
export async function recordOutcomes(sql_: Sql, outcomes: readonly RecipientOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  const rows = outcomes.map((o) => ({
    id: o.id,
    state: o.state,
    message_id: o.state === 'sent' ? o.messageId : null,
    outcome: o.state === 'sent' ? null : o.reason,
    retry_ms: o.state === 'pending' ? Math.round(o.retryInMs) : null,
  }));
  await sql_`
    update campaign_recipients r
       set state = o.state,
           provider_message_id = o.message_id,
           outcome = o.outcome,
           sent_at = case when o.state = 'sent' then now() else r.sent_at end,
           retry_after = case when o.retry_ms is null then null else now() + make_interval(secs => o.retry_ms / 1000.0) end
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
           as o(id bigint, state text, message_id text, outcome text, retry_ms int)
     where r.id = o.id and r.state = 'claimed'`;
}

/**
 * Claims older than the lease belong to a worker that died during its SES
 * call: whether SES took the message is unknown, so the recipient is marked
 * in-doubt and never sent again (at most once). The lease is longer than any
 * SES call can last (its request timeout), so a live call is never caught.
 */
export async function resolveStaleClaims(
  sql_: Sql,
  campaignId: number,
  leaseSeconds: number,
): Promise<number> {
  const result = await sql_`
    update campaign_recipients set state = 'in-doubt', outcome = 'worker stopped during the send call'
     where campaign_id = ${campaignId} and state = 'claimed'
       and claimed_at < now() - make_interval(secs => ${leaseSeconds})`;
  return result.count;
}
