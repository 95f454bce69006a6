import { createDeliveryContext, type DeliveryContext } from '../delivery/context.ts';
import { superviseCampaigns } from '../delivery/maintenance.ts';
import type { Deps } from '../deps.ts';
import { registerCampaignSend } from './campaignSend.ts';
import { registerCampaignStart } from './campaignStart.ts';
import { registerMaintenance } from './maintenance.ts';

/**
 * Starts every queue's workers in this process. Supervision runs once at
 * once, so a restart after a crash resumes sending without waiting a minute.
 */
export async function registerWorkers(
  deps: Deps,
  overrides: Partial<DeliveryContext> = {},
): Promise<DeliveryContext> {
  const ctx = await createDeliveryContext(deps, overrides);
  await registerCampaignStart(ctx);
  await registerCampaignSend(ctx);
  await registerMaintenance(ctx);
  await superviseCampaigns(ctx);
  return ctx;
}
