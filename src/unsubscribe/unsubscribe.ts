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
import { CHANNELS, type ConsentSource, TOPICS, type Topic } from '../consent/vocabulary.ts';
import type { Db, Tx } from '../db/connect.ts';
import { campaignEvents } from '../db/schema.ts';

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
  const written = await recordConsentChanges(
    tx,
    [{ memberId: recipient.memberId, topic: recipient.topic, channel: 'email', granted: false }],
    { source, actor: 'member', note: `campaign ${recipient.campaignId}` },
  );
  if (written > 0) {
    await tx.insert(campaignEvents).values({
      campaignId: recipient.campaignId,
      recipientId: recipient.recipientId,
      type: 'unsubscribe',
    });
  }
  return written;
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
    return recordConsentChanges(
      tx,
      [{ memberId: recipient.memberId, topic: recipient.topic, channel: 'email', granted: true }],
      { source: 'unsubscribe-link', actor: 'member', note: `undo from campaign ${recipient.campaignId}` },
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
