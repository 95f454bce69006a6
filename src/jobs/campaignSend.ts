import { z } from 'zod';
import type { DeliveryContext } from '../delivery/context.ts';
import { sendRange } from '../delivery/sendRange.ts';
import { QUEUES } from './queues.ts';

const payload = z.strictObject({
  campaignId: z.number().int().positive(),
  fromId: z.number().int().positive(),
  toId: z.number().int().positive(),
});

/** campaign-send: one keyset range of recipients. A throw means pg-boss retries the range later. */
export async function registerCampaignSend(ctx: DeliveryContext): Promise<void> {
  await ctx.boss.work<unknown>(
    QUEUES.campaignSend,
    // One range at a time per process, so SEND_CONCURRENCY is this process's calls in flight.
    { pollingIntervalSeconds: 0.5, localConcurrency: 1 },
    async ([job]) => {
      const range = payload.parse(job!.data);
      const log = ctx.log.child({ queue: QUEUES.campaignSend, jobId: job!.id, campaignId: range.campaignId });
      const outcome = await sendRange(ctx, range, job!.signal);
      log.debug({ outcome }, 'range finished');
      return outcome;
    },
  );
}
