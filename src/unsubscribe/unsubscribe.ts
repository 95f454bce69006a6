/**
 * What a member can do from an unsubscribe link or a mailto unsubscribe:
 * leave the link's topic, leave every mailing, or undo. Each commits before it
 * returns, so the send engine's check just before each message sees it (a
 * request that has returned is durable: invariant 4).
 *
 * Every write takes the member's row lock first, so two clicks racing (a mail
 * client's one-click POST and the member's own press) still write one ledger
 * entry, and re-sending the same request writes none.
 */
import { sql } from 'drizzle-orm';
import { recordConsentChanges } from '../consent/recordConsent.ts';
import {
  CHANNELS,
  type ConsentSource,
  CURRENT_POLICY_VERSION,
  TOPICS,
  type Topic,
} from '../consent/vocabulary.ts';
import type { Db, Tx } from '../db/connect.ts';

/** A member's recipient row of one campaign, for the campaign's unsubscribe count. */
export interface UnsubscribingRecipient {
  recipientId: number;
  campaignId: number;
  memberId: number;
  topic: Topic;
}

/**
 * Withdraws the recipient's topic on email. Writes a ledger entry and counts
 * an unsubscribe for the campaign only when the member was not already out.
 * Returns the number of ledger entries written (0 or 1).
 */
export function unsubscribeFromTopic(
  db: Db,
  recipient: UnsubscribingRecipient,
  source: Extract<ConsentSource, 'one-click' | 'unsubscribe-link' | 'mailto'>,
): Promise<number> {
  return db.transaction((tx) => withdrawTopic(tx, recipient, source));
}

/** `unsubscribeFromTopic` inside a caller's transaction (the SES webhook's). */
export async function withdrawTopic(
  tx: Tx,
  recipient: UnsubscribingRecipient,
  source: ConsentSource,
): Promise<number> {
  await lockMember(tx, recipient.memberId);
  return setTopicOnEmail(tx, recipient, false, source, `campaign ${recipient.campaignId}`);
}

/**
 * Appends one email consent entry for the member unless it would change
 * nothing, and counts an unsubscribe for the campaign when a withdrawal was
 * written — one statement, on the hot path of one-click.
 *
 * The same rule as `recordConsentChanges` in 'if-changed' mode (write when
 * there is no current state, or it differs and is not newer than now), written
 * for one row so the check is an index lookup: the general statement joins a
 * JSON record set whose size the planner cannot know, and scans `consents`.
 * Call it with the member's row locked (`lockMember`).
 */
async function setTopicOnEmail(
  tx: Tx,
  recipient: UnsubscribingRecipient,
  granted: boolean,
  source: ConsentSource,
  note: string,
): Promise<number> {
  const rows = await tx.execute<{ written: number }>(sql`
    with entry as (
      insert into consent_events (member_id, topic, channel, granted, source, actor, note, policy_version, occurred_at)
      select ${recipient.memberId}, ${recipient.topic}, 'email', ${granted}, ${source}, 'member', ${note},
             ${CURRENT_POLICY_VERSION}, now()
       where not exists (
         select 1 from consents cur
          where cur.member_id = ${recipient.memberId} and cur.topic = ${recipient.topic} and cur.channel = 'email'
            and (cur.granted = ${granted} or cur.occurred_at > now()))
      returning id
    ), counted as (
      insert into campaign_events (campaign_id, recipient_id, type)
      select ${recipient.campaignId}, ${recipient.recipientId}, 'unsubscribe' from entry where not ${granted}
    )
    select count(*)::int as written from entry`);
  return rows[0]?.written ?? 0;
}

/** Withdraws every topic on every channel: "leave all Society mailings". */
export function leaveAllMailings(db: Db, recipient: UnsubscribingRecipient): Promise<number> {
  return db.transaction(async (tx) => {
    await lockMember(tx, recipient.memberId);
    const changes = TOPICS.flatMap((topic) =>
      CHANNELS.map((channel) => ({ memberId: recipient.memberId, topic, channel, granted: false })),
    );
    return recordConsentChanges(tx, changes, {
      source: 'unsubscribe-link',
      actor: 'member',
      note: `left all mailings from campaign ${recipient.campaignId}`,
    });
  });
}

/** Grants the link's topic on email again, after an unsubscribe the member regrets. */
export function undoUnsubscribe(db: Db, recipient: UnsubscribingRecipient): Promise<number> {
  return db.transaction(async (tx) => {
    await lockMember(tx, recipient.memberId);
    return setTopicOnEmail(
      tx,
      recipient,
      true,
      'unsubscribe-link',
      `undo from campaign ${recipient.campaignId}`,
    );
  });
}

/**
 * Serialises consent writes made on a member's own behalf. NO KEY UPDATE does
 * not block the foreign-key checks of other writers, only other lockers.
 */
export async function lockMember(tx: Tx, memberId: number): Promise<void> {
  await tx.execute(sql`select 1 from members where id = ${memberId} for no key update`);
}
