import { z } from 'zod';
import { startCampaign } from '../delivery/startCampaign.ts';
import type { Deps } from '../deps.ts';
import { QUEUES } from './queues.ts';

const payload = z.strictObject({ campaignId: z.number().int().positive() });

/** campaign-start: freeze the audience and fan out send jobs. A throw means retry. */
export async function registerCampaignStart(deps: Deps): Promise<void> {
  await deps.boss.work<unknown>(QUEUES.campaignStart, { pollingIntervalSeconds: 1 }, async ([job]) => {
    const { campaignId } = payload.parse(job!.data);
    const log = deps.log.child({ queue: QUEUES.campaignStart, jobId: job!.id, campaignId });
    const outcome = await startCampaign(deps, campaignId);
    log.info(
      { outcome: outcome.type, ...('recipients' in outcome ? { recipients: outcome.recipients } : {}) },
      'campaign start',
    );
    return outcome;
  });
}
