import { eq, sql } from 'drizzle-orm';
import type { Segment } from '../audiences/segment.ts';
import type { Channel, Topic } from '../consent/vocabulary.ts';
import type { Tx } from '../db/connect.ts';
import { campaigns } from '../db/schema.ts';
import type { CampaignContent } from './campaignContent.ts';
import type { CampaignState } from './lifecycle.ts';

export type CampaignRow = typeof campaigns.$inferSelect;

/** A campaign as the engine and the API see it. */
export interface Campaign extends CampaignContent {
  id: number;
  name: string;
  kind: 'society' | 'partner-offer';
  channel: Channel;
  segment: Segment;
  state: CampaignState;
  stateReason: string | null;
  sendAt: Date | null;
  timeZone: string;
  fromAddress: string;
  replyTo: string | null;
  rateLimit: number | null;
  recipientLimit: number | null;
  contractId: number | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export function toCampaign(row: CampaignRow): Campaign {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as Campaign['kind'],
    topic: row.topic as Topic,
    channel: row.channel as Channel,
    subject: row.subject,
    template: row.template,
    mjml: row.mjml,
    defaultLanguage: row.defaultLanguage,
    variants: row.variants as Campaign['variants'],
    segment: row.segment as Segment,
    state: row.state as CampaignState,
    stateReason: row.stateReason,
    sendAt: row.sendAt,
    timeZone: row.timeZone,
    fromAddress: row.fromAddress,
    replyTo: row.replyTo,
    rateLimit: row.rateLimit,
    recipientLimit: row.recipientLimit,
    contractId: row.contractId,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
}

export async function findCampaign(
  tx: Tx,
  id: number,
  options: { lock?: boolean } = {},
): Promise<Campaign | null> {
  const query = tx.select().from(campaigns).where(eq(campaigns.id, id));
  const [row] = options.lock ? await query.for('update') : await query;
  return row ? toCampaign(row) : null;
}

/** Counts a campaign's member recipients (seeds aside) by what happened to them. */
export interface Progress {
  audience: number;
  pending: number;
  sending: number;
  sent: number;
  skipped: number;
  failed: number;
  inDoubt: number;
  delivered: number;
  bounced: number;
  complaints: number;
  unsubscribes: number;
}

export async function campaignProgress(tx: Tx, campaignId: number): Promise<Progress> {
  const [row] = await tx.execute<Record<string, number>>(sql`
    select count(*)::int as audience,
           count(*) filter (where state = 'pending')::int as pending,
           count(*) filter (where state = 'claimed')::int as sending,
           count(*) filter (where state = 'sent')::int as sent,
           count(*) filter (where state = 'skipped')::int as skipped,
           count(*) filter (where state = 'failed')::int as failed,
           count(*) filter (where state = 'in-doubt')::int as in_doubt,
           (select count(*)::int from campaign_events e where e.campaign_id = ${campaignId} and e.type = 'delivery') as delivered,
           (select count(*)::int from campaign_events e where e.campaign_id = ${campaignId} and e.type = 'bounce') as bounced,
           (select count(*)::int from campaign_events e where e.campaign_id = ${campaignId} and e.type = 'complaint') as complaints,
           (select count(*)::int from campaign_events e where e.campaign_id = ${campaignId} and e.type = 'unsubscribe') as unsubscribes
      from campaign_recipients where campaign_id = ${campaignId} and member_id is not null`);
  const r = row!;
  return {
    audience: r.audience!,
    pending: r.pending!,
    sending: r.sending!,
    sent: r.sent!,
    skipped: r.skipped!,
    failed: r.failed!,
    inDoubt: r.in_doubt!,
    delivered: r.delivered!,
    bounced: r.bounced!,
    complaints: r.complaints!,
    unsubscribes: r.unsubscribes!,
  };
}
