import { fromZonedTime } from 'date-fns-tz';
import { eq, sql } from 'drizzle-orm';
import { fromDrizzle } from 'pg-boss';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Tx } from '../db/connect.ts';
import { campaigns } from '../db/schema.ts';
import { enqueueSendRanges } from '../delivery/sendRanges.ts';
import type { Deps } from '../deps.ts';
import { QUEUES } from '../jobs/queues.ts';
import { type Campaign, findCampaign } from './campaignStore.ts';
import { type CampaignAction, type CampaignState, transition } from './lifecycle.ts';

export type CommandResult =
  | { type: 'ok'; campaign: Campaign }
  | { type: 'not-found' }
  | { type: 'illegal'; state: CampaignState; action: CampaignAction };

/**
 * Moves a campaign through its lifecycle on a staff request, in one
 * transaction with whatever the move needs: the start job when scheduling
 * (pg-boss writes it through the same transaction), send jobs when resuming,
 * and an audit entry every time.
 */
async function move(
  deps: Deps,
  id: number,
  action: CampaignAction,
  actor: string,
  apply: (tx: Tx, campaign: Campaign) => Promise<Partial<typeof campaigns.$inferInsert>>,
): Promise<CommandResult> {
  return deps.db.transaction(async (tx) => {
    const campaign = await findCampaign(tx, id, { lock: true });
    if (!campaign) return { type: 'not-found' } as const;
    const next = transition(campaign.state, action);
    if (next.type === 'illegal') return { type: 'illegal', state: campaign.state, action } as const;
    const changes = await apply(tx, campaign);
    const [row] = await tx
      .update(campaigns)
      .set({ ...changes, state: next.to, updatedAt: new Date() })
      .where(eq(campaigns.id, id))
      .returning();
    await recordAudit(tx, {
      actor,
      action: `campaign.${action}`,
      target: `campaign:${id}`,
      details: { from: campaign.state, to: next.to },
    });
    return { type: 'ok', campaign: { ...campaign, ...row!, state: next.to } as Campaign } as const;
  });
}

/** Schedules a draft for a local date and time in a time zone (a past time means now). */
export function scheduleCampaign(
  deps: Deps,
  id: number,
  when: { sendAt: string; timeZone: string },
  actor: string,
): Promise<CommandResult> {
  const hasOffset = /(?:Z|[+-]\d{2}:?\d{2})$/.test(when.sendAt);
  const sendAt = hasOffset ? new Date(when.sendAt) : fromZonedTime(when.sendAt, when.timeZone);
  return move(deps, id, 'schedule', actor, async (tx) => {
    await deps.boss.send(
      QUEUES.campaignStart,
      { campaignId: id },
      { startAfter: sendAt, db: fromDrizzle(tx, sql) },
    );
    return { sendAt, timeZone: when.timeZone, stateReason: null };
  });
}

export function unscheduleCampaign(deps: Deps, id: number, actor: string) {
  return move(deps, id, 'unschedule', actor, async () => ({ sendAt: null }));
}

export function pauseCampaign(deps: Deps, id: number, actor: string) {
  return move(deps, id, 'pause', actor, async () => ({ stateReason: 'Paused by staff.' }));
}

export function resumeCampaign(deps: Deps, id: number, actor: string) {
  return move(deps, id, 'resume', actor, async (tx) => {
    await enqueueSendRanges(tx, deps.boss, id, deps.config.SEND_BATCH_SIZE);
    return { stateReason: null };
  });
}

/** Cancels: recipients not yet sent to are marked skipped, so the numbers add up. */
export function cancelCampaign(deps: Deps, id: number, actor: string) {
  return move(deps, id, 'cancel', actor, async (tx) => {
    await tx.execute(sql`
      update campaign_recipients set state = 'skipped', outcome = 'campaign cancelled'
       where campaign_id = ${id} and state = 'pending'`);
    return { stateReason: 'Cancelled by staff.', finishedAt: new Date() };
  });
}
