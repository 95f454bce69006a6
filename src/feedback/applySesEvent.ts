/**
 * What an SES event does to our data, inside the webhook's transaction (the
 * same one that records the SNS MessageId, so a redelivery does nothing twice).
 *
 * - permanent bounce → suppression 'hard-bounce', every topic withdrawn on
 *   email (source 'bounce'), a campaign 'bounce' event;
 * - complaint → suppression 'complaint', every topic withdrawn on email
 *   (source 'complaint'; every topic we mail is marketing), a 'complaint' event;
 * - delivery → a campaign 'delivery' event;
 * - inbound mail to `unsubscribe+<recipient token>@MAIL_DOMAIN` → that
 *   recipient leaves its campaign's topic (source 'mailto'); inbound mail to
 *   any other of our addresses goes to the seed-mail check.
 *
 * Transient and undetermined bounces change nothing: SES retries those. An
 * event about a send we cannot match to a recipient still suppresses the
 * address (the address is what bounced), it just counts for no campaign.
 * Nothing here logs an address.
 */
import { sql } from 'drizzle-orm';
import { recordConsentChanges } from '../consent/recordConsent.ts';
import { type ConsentSource, TOPICS, type Topic } from '../consent/vocabulary.ts';
import type { Tx } from '../db/connect.ts';
import { campaignEvents } from '../db/schema.ts';
import { normalizeEmail } from '../members/email.ts';
import { recipientTokenFromMailto } from '../unsubscribe/links.ts';
import { withdrawTopic } from '../unsubscribe/unsubscribe.ts';
import type { SesEvent, SesMail } from './sesEvent.ts';

/** Inbound mail to one of our addresses, as the seed-mail check takes it. */
export interface InboundSeedMail {
  recipients: string[];
  sesMessageId: string;
  headers: { name: string; value: string }[];
}

export interface ApplyContext {
  mailDomain: string;
  /** Checks inbound mail to seed addresses; returns misuse alerts raised. */
  recordSeedMail: (tx: Tx, mail: InboundSeedMail) => Promise<number>;
}

/** What one event changed, for the webhook's answer and metrics (counts only, no addresses). */
export interface ApplyOutcome {
  suppressed: number;
  consentEntries: number;
  campaignEvents: number;
  seedAlerts: number;
}

/** The SES message tag our sends carry with the campaign id. */
export const CAMPAIGN_TAG = 'campaign';

export async function applySesEvent(tx: Tx, event: SesEvent, context: ApplyContext): Promise<ApplyOutcome> {
  const outcome: ApplyOutcome = { suppressed: 0, consentEntries: 0, campaignEvents: 0, seedAlerts: 0 };
  switch (event.type) {
    case 'bounce':
      if (event.bounceType !== 'Permanent') return outcome;
      for (const address of event.recipients) {
        await stopMailing(tx, outcome, event.mail, address, {
          reason: 'hard-bounce',
          source: 'bounce',
          note: `permanent bounce (${event.bounceSubType})`,
          eventType: 'bounce',
        });
      }
      return outcome;
    case 'complaint':
      for (const address of event.recipients) {
        await stopMailing(tx, outcome, event.mail, address, {
          reason: 'complaint',
          source: 'complaint',
          note: `complaint${event.feedbackType ? ` (${event.feedbackType})` : ''}`,
          eventType: 'complaint',
        });
      }
      return outcome;
    case 'delivery':
      for (const address of event.recipients) {
        const recipient = await findRecipient(tx, event.mail, address);
        if (recipient) await countEvent(tx, outcome, recipient, 'delivery');
      }
      return outcome;
    case 'received': {
      const others: string[] = [];
      for (const address of event.recipients) {
        const token = recipientTokenFromMailto(address, context.mailDomain);
        if (token === undefined) {
          others.push(address);
          continue;
        }
        const recipient = await recipientByToken(tx, token);
        if (!recipient || recipient.memberId === null) continue;
        outcome.consentEntries += await withdrawTopic(
          tx,
          {
            recipientId: recipient.recipientId,
            campaignId: recipient.campaignId,
            memberId: recipient.memberId,
            topic: recipient.topic,
          },
          'mailto',
        );
      }
      if (others.length > 0) {
        // Mail to one of our addresses that is not an unsubscribe address: only a seed should get any.
        outcome.seedAlerts += await context.recordSeedMail(tx, {
          recipients: others,
          sesMessageId: event.mail.messageId,
          headers: event.headers,
        });
      }
      return outcome;
    }
    case 'ignored':
    case 'malformed':
      return outcome;
  }
}

interface Recipient {
  recipientId: number;
  campaignId: number;
  memberId: number | null;
}

async function stopMailing(
  tx: Tx,
  outcome: ApplyOutcome,
  mail: SesMail,
  address: string,
  how: {
    reason: 'hard-bounce' | 'complaint';
    source: Extract<ConsentSource, 'bounce' | 'complaint'>;
    note: string;
    eventType: 'bounce' | 'complaint';
  },
) {
  const email = normalizeEmail(address);
  const inserted = await tx.execute(sql`
    insert into suppressions (email_normalized, reason, note) values (${email}, ${how.reason}, ${how.note})
    on conflict (email_normalized) do nothing`);
  outcome.suppressed += inserted.count;

  const recipient = await findRecipient(tx, mail, address);
  const memberId = recipient?.memberId ?? (await memberByEmail(tx, email));
  if (memberId !== null) {
    await tx.execute(sql`select 1 from members where id = ${memberId} for no key update`);
    outcome.consentEntries += await recordConsentChanges(
      tx,
      TOPICS.map((topic) => ({ memberId, topic, channel: 'email' as const, granted: false })),
      { source: how.source, actor: 'ses', note: how.note },
    );
  }
  if (recipient) await countEvent(tx, outcome, recipient, how.eventType);
}

/**
 * The recipient an event is about: by the `campaign` tag and the address, or,
 * for identity notifications that carry no tags, by SES's message id.
 */
async function findRecipient(tx: Tx, mail: SesMail, address: string): Promise<Recipient | null> {
  const email = normalizeEmail(address);
  const tagged = Number(mail.tags[CAMPAIGN_TAG]?.[0]);
  const campaignId = Number.isSafeInteger(tagged) && tagged > 0 ? tagged : null;
  const rows = await tx.execute<{ id: string; campaign_id: string; member_id: string | null }>(sql`
    select id, campaign_id, member_id from campaign_recipients
     where email_normalized = ${email}
       and (campaign_id = ${campaignId} or provider_message_id = ${mail.messageId})
     order by (campaign_id = ${campaignId}) desc nulls last
     limit 1`);
  const row = rows[0];
  return row
    ? {
        recipientId: Number(row.id),
        campaignId: Number(row.campaign_id),
        memberId: row.member_id === null ? null : Number(row.member_id),
      }
    : null;
}

async function memberByEmail(tx: Tx, email: string): Promise<number | null> {
  const rows = await tx.execute<{ id: string }>(
    sql`select id from members where email_normalized = ${email}`,
  );
  return rows[0] ? Number(rows[0].id) : null;
}

async function recipientByToken(tx: Tx, token: string): Promise<(Recipient & { topic: Topic }) | null> {
  const rows = await tx.execute<{
    id: string;
    campaign_id: string;
    member_id: string | null;
    topic: Topic;
  }>(sql`
    select r.id, r.campaign_id, r.member_id, c.topic
      from campaign_recipients r join campaigns c on c.id = r.campaign_id
     where r.token = ${token}`);
  const row = rows[0];
  return row
    ? {
        recipientId: Number(row.id),
        campaignId: Number(row.campaign_id),
        memberId: row.member_id === null ? null : Number(row.member_id),
        topic: row.topic,
      }
    : null;
}

async function countEvent(
  tx: Tx,
  outcome: ApplyOutcome,
  recipient: Recipient,
  type: 'delivery' | 'bounce' | 'complaint',
) {
  await tx
    .insert(campaignEvents)
    .values({ campaignId: recipient.campaignId, recipientId: recipient.recipientId, type });
  outcome.campaignEvents++;
}
