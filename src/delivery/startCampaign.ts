import { sql } from 'drizzle-orm';
import { buildAudience } from '../audiences/buildAudience.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import { findCampaign } from '../campaigns/campaignStore.ts';
import { transition } from '../campaigns/lifecycle.ts';
import type { Deps } from '../deps.ts';
import { enqueueSendRanges } from './sendRanges.ts';

export type StartOutcome =
  | { type: 'started'; recipients: number; jobs: number }
  | { type: 'not-due'; sendAt: Date }
  | { type: 'ignored'; state: string }
  | { type: 'failed'; reason: string };

/**
 * Starts a scheduled campaign when its time comes: freezes the audience with
 * one set-based statement and enqueues the send jobs, in one transaction with
 * the move to `sending`. A retry after a crash finds the campaign `building`
 * and builds again (the build is idempotent).
 */
export async function startCampaign(deps: Deps, campaignId: number): Promise<StartOutcome> {
  const first = await deps.db.transaction(async (tx) => {
    const campaign = await findCampaign(tx, campaignId, { lock: true });
    if (!campaign) return { type: 'ignored', state: 'missing' } as const;
    if (campaign.state === 'building') return { type: 'build' } as const;
    if (campaign.state !== 'scheduled') return { type: 'ignored', state: campaign.state } as const;
    // A job from an earlier schedule may fire before the current send time.
    if (campaign.sendAt && campaign.sendAt.getTime() > deps.clock.now().getTime() + 1000) {
      return { type: 'not-due', sendAt: campaign.sendAt } as const;
    }
    await tx.execute(
      sql`update campaigns set state = 'building', started_at = now(), updated_at = now() where id = ${campaignId}`,
    );
    return { type: 'build' } as const;
  });
  if (first.type !== 'build') return first;

  return deps.db.transaction(async (tx) => {
    const campaign = (await findCampaign(tx, campaignId, { lock: true }))!;
    const next = transition(campaign.state, 'start-sending');
    if (next.type === 'illegal') return { type: 'ignored', state: campaign.state } as const;
    const recipients = await buildAudience(tx, {
      campaignId,
      topic: campaign.topic,
      channel: campaign.channel,
      segment: campaign.segment,
      ...(campaign.recipientLimit ? { limit: campaign.recipientLimit } : {}),
    });
    const jobs = await enqueueSendRanges(tx, deps.boss, campaignId, deps.config.SEND_BATCH_SIZE);
    const state = jobs === 0 ? 'completed' : next.to;
    await tx.execute(sql`
      update campaigns set state = ${state}, updated_at = now(),
             finished_at = case when ${state} = 'completed' then now() else null end
       where id = ${campaignId}`);
    await recordAudit(tx, {
      actor: 'system',
      action: 'campaign.start',
      target: `campaign:${campaignId}`,
      details: { recipients, jobs },
    });
    return { type: 'started', recipients, jobs } as const;
  });
}
