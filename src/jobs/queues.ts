import type { PgBoss, Queue } from 'pg-boss';

/**
 * Every pg-boss queue the service uses. A job's data is parsed with zod in
 * its handler (one file per queue in this folder), so these are just names
 * and queue policies.
 */
export const QUEUES = {
  /** Freeze a campaign's audience, then fan out send batches. */
  campaignStart: 'campaign-start',
  /** Send one keyset page of a campaign's pending recipients. */
  campaignSend: 'campaign-send',
  /** Periodic housekeeping: stuck claims, overdue deletions. */
  maintenance: 'maintenance',
} as const;

const policies: Record<string, Omit<Queue, 'name'>> = {
  [QUEUES.campaignStart]: { retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 30 * 60 },
  // A worker killed mid-range stops heartbeating; its range is retried within seconds.
  [QUEUES.campaignSend]: {
    retryLimit: 50,
    retryDelay: 1,
    retryBackoff: true,
    retryDelayMax: 30,
    expireInSeconds: 30 * 60,
    heartbeatSeconds: 10,
  },
  [QUEUES.maintenance]: { retryLimit: 1, expireInSeconds: 10 * 60 },
};

export async function createQueues(boss: PgBoss): Promise<void> {
  for (const name of Object.values(QUEUES)) {
    await boss.createQueue(name, policies[name]);
  }
}
