import type { Deps } from '../deps.ts';
import { flagOverdueDeletions } from '../subcontractors/ledger.ts';
import { resolveStaleClaims } from './claims.ts';
import { finishCampaignIfDone } from './finishCampaign.ts';
import { enqueueSendRanges } from './sendRanges.ts';

/**
 * Keeps every sending campaign moving whatever crashed: claims of dead
 * workers become in-doubt, campaigns with nothing left complete, and pending
 * recipients with no send job queued or running get new jobs, so nothing
 * eligible is left unsent. Also flags subcontractor deletions past their
 * deadline. Runs every minute and at start-up.
 */
export async function superviseCampaigns(deps: Deps): Promise<{ requeued: number; completed: number }> {
  const sending = await deps.sql<{ id: string; orphaned: boolean }[]>`
    select c.id,
           exists (select from campaign_recipients r where r.campaign_id = c.id and r.state = 'pending')
           and not exists (select from pgboss.job j
                            where j.name = 'campaign-send' and j.state in ('created', 'retry', 'active')
                              and (j.data->>'campaignId')::bigint = c.id) as orphaned
      from campaigns c where c.state = 'sending'`;
  let requeued = 0;
  let completed = 0;
  for (const row of sending) {
    const id = Number(row.id);
    await resolveStaleClaims(deps.sql, id, deps.config.SEND_CLAIM_LEASE_SECONDS);
    if (row.orphaned) {
      requeued += await deps.db.transaction((tx) =>
        enqueueSendRanges(tx, deps.boss, id, deps.config.SEND_BATCH_SIZE),
      );
    } else if (await finishCampaignIfDone(deps.db, id)) {
      completed += 1;
    }
  }
  if (requeued > 0) deps.log.warn({ requeued }, 'send jobs re-enqueued for orphaned recipients');
  const overdue = await deps.db.transaction((tx) => flagOverdueDeletions(tx, deps.clock.now()));
  if (overdue.length > 0) deps.log.warn({ disclosures: overdue }, 'subcontractor deletions overdue');
  return { requeued, completed };
}
