import { superviseCampaigns } from '../delivery/maintenance.ts';
import type { Deps } from '../deps.ts';
import { QUEUES } from './queues.ts';

/** maintenance: every minute, keep sending campaigns moving after crashes. */
export async function registerMaintenance(deps: Deps): Promise<void> {
  await deps.boss.schedule(QUEUES.maintenance, '* * * * *');
  await deps.boss.work(QUEUES.maintenance, async ([job]) => {
    const log = deps.log.child({ queue: QUEUES.maintenance, jobId: job!.id });
    const result = await superviseCampaigns(deps);
    log.debug(result, 'supervised campaigns');
    return result;
  });
}
