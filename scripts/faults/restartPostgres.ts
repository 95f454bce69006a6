/**
 * Restart PostgreSQL in the middle of a campaign: the cluster is stopped
 * (fast shutdown: open connections are cut) once a share of the campaign has
 * gone out, kept down `--down-seconds`, and started again on the same data
 * and port, while two workers keep running.
 *
 *   npx node scripts/faults/restartPostgres.ts                  # CI size: 2,000 recipients, 5 s down
 *   npx node scripts/faults/restartPostgres.ts --recipients 50000 --down-seconds 30
 *
 * A message whose outcome could not be recorded because the database went
 * away is in doubt by design (never sent again): reported, and bounded by the
 * messages in flight.
 */
import {
  args,
  inFlightPerWorker,
  launchCampaign,
  openBench,
  runScenario,
  startWorkers,
  stopWorkers,
  summarize,
  unsubscribesOnceSending,
  verify,
  waitForEnd,
  waitForTaken,
} from './harness.ts';

const options = args(
  { 'down-seconds': { type: 'string', default: '5' }, at: { type: 'string', default: '0.3' } },
  { recipients: 2000 },
);
const concurrency = 8;
const workersCount = 2;

await runScenario('restart PostgreSQL', options.timeLimitMs, async (cleanup) => {
  const { bench, startedAt, deadline } = await openBench(options, cleanup, { restartable: true });
  const settings = { sendRate: options.sendRate, concurrency, leaseSeconds: 4 };
  const workers = startWorkers(
    bench,
    cleanup,
    Array.from({ length: workersCount }, () => settings),
  );
  const campaignId = await launchCampaign(bench, cleanup);
  const unsubscribes = await unsubscribesOnceSending(bench, campaignId, deadline, {
    everyMs: 300,
    seed: options.seed,
  });

  await waitForTaken(bench.ses, Math.floor(options.recipients * Number(options.at)), deadline);
  const stoppedAt = bench.ses.count();
  const downMs = Number(options['down-seconds']) * 1000;
  await bench.restartPostgres(downMs);
  const restartedAt = bench.ses.count();

  await waitForEnd(bench.sql, campaignId, deadline);
  await unsubscribes.stop();
  const exits = await stopWorkers(workers);
  const verdict = await verify(bench, campaignId, {
    unsubscribes: unsubscribes.accepted,
    maxInDoubt: workersCount * inFlightPerWorker(concurrency),
  });
  // The workers rode out the outage: none exited on its own.
  if (exits.some((code) => code !== null))
    verdict.problems.push(`a worker exited during the outage (${exits.join(', ')})`);
  return summarize(
    'restart PostgreSQL',
    verdict,
    {
      'stopped after (sent)': stoppedAt,
      'sent while down': restartedAt - stoppedAt,
      'down for (s)': downMs / 1000,
      'unsubscribes refused': unsubscribes.refused.count,
    },
    startedAt,
  );
});
