import { setTimeout as delay } from 'node:timers/promises';
import { compiledFor } from '../campaigns/campaignContent.ts';
import { type Campaign, findCampaign } from '../campaigns/campaignStore.ts';
import { dispatchHeader } from '../subcontractors/dispatchHeader.ts';
import { envelopeProblem } from '../subcontractors/envelope.ts';
import { backoffMs, isRetryable } from '../subcontractors/sesAdapter.ts';
import { recipientLinks } from '../unsubscribe/links.ts';
import {
  type ClaimedRecipient,
  claimBatch,
  type RecipientOutcome,
  recordOutcomes,
  resolveStaleClaims,
} from './claims.ts';
import { composeEmail } from './composeEmail.ts';
import type { DeliveryContext } from './context.ts';
import { pauseForErrors } from './errorRate.ts';
import { finishCampaignIfDone } from './finishCampaign.ts';
import { campaignBuckets, returnPermits, takeFromBuckets } from './rateLimiter.ts';
import type { SendRange } from './sendRanges.ts';

/**
 * Throttled or transient failures are retried this many times per recipient,
 * each after its own backoff (full jitter, up to a minute), so an outage of
 * several minutes is ridden out before a recipient fails.
 */
export const MAX_ATTEMPTS = 16;
/** How long a lane waits when its range has recipients pending but none claimable yet. */
const IDLE_MS = 250;
/**
 * Parallel claim-send-record loops per range job; each claims a batch just
 * before sending it. Two lanes keep SES busy while the other lane talks to
 * the database; SEND_CONCURRENCY is split between them.
 */
const LANES = 2;

export type RangeOutcome = { type: 'done'; completed: boolean } | { type: 'stopped'; state: string };

/**
 * Sends one range of a campaign. Each lane loops: take permits from the
 * global (and campaign) rate bucket, claim that many recipients with a
 * last-moment eligibility check, send them, record the outcomes. A claim is
 * committed before its SES call and the outcome right after, so a crash can
 * leave at most the messages in flight in doubt, and those are never resent.
 */
export async function sendRange(
  ctx: DeliveryContext,
  range: SendRange,
  signal?: AbortSignal,
): Promise<RangeOutcome> {
  const campaign = await findCampaign(ctx.db, range.campaignId);
  if (campaign?.state !== 'sending') return { type: 'stopped', state: campaign?.state ?? 'missing' };
  await resolveStaleClaims(ctx.sql, campaign.id, ctx.config.SEND_CLAIM_LEASE_SECONDS);
  const [dispatch] = await ctx.sql<{ reference: string; fields: string[] }[]>`
    select reference, fields from disclosures where campaign_id = ${campaign.id} order by id desc limit 1`;
  // No disclosure, no sending: the contract check is what lets data leave.
  if (!dispatch)
    throw new Error(`campaign ${campaign.id} has no disclosure: it was not started through its contract`);

  const buckets = campaignBuckets({
    globalRatePerSecond: ctx.globalRate,
    campaignId: campaign.id,
    campaignRatePerSecond: campaign.rateLimit,
  });
  const perLane = Math.max(1, Math.ceil(ctx.config.SEND_CONCURRENCY / LANES));
  const lanes = Math.min(LANES, ctx.config.SEND_CONCURRENCY);
  const state = { stopped: null as string | null, checkedAt: 0 };

  const stillSending = async () => {
    if (state.stopped) return false;
    if (Date.now() - state.checkedAt > 500) {
      state.checkedAt = Date.now();
      const [row] = await ctx.sql<{ state: string }[]>`select state from campaigns where id = ${campaign.id}`;
      if (row?.state !== 'sending') state.stopped = row?.state ?? 'missing';
    }
    return state.stopped === null;
  };

  const lane = async () => {
    while (await stillSending()) {
      const permits = await takeFromBuckets(ctx.sql, { buckets, want: perLane, signal });
      const claimed = await claimBatch(ctx.sql, {
        ...range,
        topic: campaign.topic,
        channel: campaign.channel,
        limit: permits,
      });
      // Recipients skipped or already gone do not spend the shared rate.
      if (claimed.length < permits) await returnPermits(ctx.sql, buckets, permits - claimed.length);
      if (claimed.length === 0) {
        const [left] = await ctx.sql<{ n: number }[]>`
          select count(*)::int as n from campaign_recipients
           where campaign_id = ${campaign.id} and id between ${range.fromId} and ${range.toId} and state = 'pending'`;
        if (left!.n === 0) return;
        // Pending ones are waiting for their retry time or held by another lane: wait, don't spin.
        await delay(IDLE_MS, undefined, { signal });
        continue;
      }
      const outcomes = await Promise.all(claimed.map((r) => sendOne(ctx, campaign, dispatch, r)));
      await recordOutcomes(ctx.sql, outcomes);
      const fault = outcomes.find((o) => 'error' in o);
      if (fault && 'error' in fault) throw fault.error;
      if (outcomes.some((o) => o.state === 'failed') && (await pauseForErrors(ctx, campaign.id))) {
        state.stopped = 'paused';
      }
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  if (state.stopped) return { type: 'stopped', state: state.stopped };
  return { type: 'done', completed: await finishCampaignIfDone(ctx.db, campaign.id) };
}

type SendResult = RecipientOutcome & { error?: unknown };

async function sendOne(
  ctx: DeliveryContext,
  campaign: Campaign,
  dispatch: { reference: string; fields: string[] },
  r: ClaimedRecipient,
): Promise<SendResult> {
  try {
    const compiled = await compiledFor(
      campaign,
      r.language,
      { societyName: ctx.config.SOCIETY_NAME, postalAddress: ctx.config.SOCIETY_POSTAL_ADDRESS },
      ctx.compileCache,
    );
    const links = recipientLinks(
      { publicUrl: ctx.config.PUBLIC_URL, mailDomain: ctx.config.MAIL_DOMAIN, keys: ctx.linkKeys },
      {
        recipientToken: r.token,
        topic: campaign.topic,
        campaignId: campaign.id,
        issuedAt: Math.floor(ctx.clock.now().getTime() / 1000),
      },
    );
    const envelope = composeEmail({
      campaign,
      // Projected to the contract: the name leaves only if the contract permits it.
      recipient: { email: r.email, name: dispatch.fields.includes('name') ? r.name : null },
      compiled,
      links,
      mailDomain: ctx.config.MAIL_DOMAIN,
      // On every message, seeds' and members' alike, so a seed cannot be told apart.
      extraHeaders: [dispatchHeader(dispatch.reference)],
    });
    const problem = envelopeProblem(envelope);
    if (problem) return { id: r.id, state: 'failed', reason: `not sendable: ${problem}` };
    const outcome = await ctx.sender.send(envelope);
    ctx.metrics.messagesSent.labels(outcome.type).inc();
    if (outcome.type === 'sent') return { id: r.id, state: 'sent', messageId: outcome.messageId };
    if (outcome.type === 'unknown') return { id: r.id, state: 'in-doubt', reason: outcome.reason };
    if (isRetryable(outcome) && r.attempts < MAX_ATTEMPTS) {
      const wait = Math.max(backoffMs(r.attempts), outcome.type === 'throttled' ? outcome.retryAfterMs : 0);
      return { id: r.id, state: 'pending', reason: outcome.type, retryInMs: wait };
    }
    return { id: r.id, state: 'failed', reason: 'reason' in outcome ? outcome.reason : outcome.type };
  } catch (error) {
    // A fault that is not about this message (account paused, set-up): nothing was sent, so put it back.
    return { id: r.id, state: 'pending', reason: 'sender fault', retryInMs: backoffMs(r.attempts), error };
  }
}
