/**
 * kill -9 a worker at random points, `--kills` times during one campaign,
 * restarting it each time, with a second worker running throughout.
 *
 *   npx node scripts/faults/killWorker.ts                       # CI size: 2,000 recipients, 10 kills
 *   npx node scripts/faults/killWorker.ts --recipients 50000    # the full size
 *
 * A kill lands after a random share of the campaign has gone out since the
 * last restart. Recipients whose SES call was in flight at a kill are in
 * doubt by design (never sent again): the script reports how many, and checks
 * they are at most the messages in flight at the kills.
 */
import { mulberry32 } from '../../test/support/flakySes.ts';
import {
  args,
  inFlightPerWorker,
  launchCampaign,
  openBench,
  runScenario,
  startWorker,
  startWorkers,
  stopWorker,
  stopWorkers,
  summarize,
  unsubscribesOnceSending,
  verify,
  waitForEnd,
  waitForTaken,
} from './harness.ts';

const options = args({ kills: { type: 'string', default: '10' } }, { recipients: 2000 });
const kills = Number(options.kills);
const concurrency = 8;

await runScenario('kill -9 the worker', options.timeLimitMs, async (cleanup) => {
  const { bench, startedAt, deadline } = await openBench(options, cleanup);
  // Small ranges: while a killed worker's ranges wait for their heartbeat to expire, the others have work.
  const settings = { sendRate: options.sendRate, concurrency, leaseSeconds: 4, batchSize: 25 };
  const workers = startWorkers(bench, cleanup, [settings, settings]);
  const campaignId = await launchCampaign(bench, cleanup);
  const unsubscribes = await unsubscribesOnceSending(bench, campaignId, deadline, {
    everyMs: 300,
    seed: options.seed,
  });

  const random = mulberry32(options.seed);
  const total = options.recipients;
  const killedAt: number[] = [];
  for (let k = 0; k < kills; k++) {
    // A random point: somewhere in the next 1/kills-th of the campaign (at least one message).
    const step = Math.max(1, Math.floor((random() * total) / (kills + 1)));
    const target = Math.min(total - 1, bench.ses.count() + step);
    await waitForTaken(bench.ses, target, deadline);
    const victim = Math.floor(random() * workers.length);
    await stopWorker(workers[victim]!, 'SIGKILL');
    killedAt.push(bench.ses.count());
    workers[victim] = startWorker(bench, settings);
  }
  await waitForEnd(bench.sql, campaignId, deadline);
  await unsubscribes.stop();
  await stopWorkers(workers);

  const verdict = await verify(bench, campaignId, {
    unsubscribes: unsubscribes.accepted,
    maxInDoubt: kills * inFlightPerWorker(concurrency),
  });
  return summarize(
    'kill -9 the worker',
    verdict,
    {
      kills: killedAt.length,
      'killed after (sent)': killedAt.join(', '),
      'in flight bound': kills * inFlightPerWorker(concurrency),
      'unsubscribes refused': unsubscribes.refused.count,
    },
    startedAt,
  );
});
