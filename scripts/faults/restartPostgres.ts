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
  addMembers,
  args,
  inFlightPerWorker,
  reportProgress,
  runScenario,
  scheduleCampaign,
  startBench,
  startWorker,
  stopWorker,
  summarize,
  unsubscribeDuringRun,
  verify,
  waitForEnd,
  waitForState,
  waitForTaken,
} from './harness.ts';

const options = args(
  { 'down-seconds': { type: 'string', default: '5' }, at: { type: 'string', default: '0.3' } },
  { recipients: 2000 },
);
const concurrency = 8;
const workersCount = 2;

await runScenario('restart PostgreSQL', options.timeLimitMs, async (cleanup) => {
  const startedAt = Date.now();
  const deadline = startedAt + options.timeLimitMs - 10_000;
  const bench = await startBench({ restartable: true });
  cleanup.push(() => bench.close());
  await addMembers(bench.sql, options.recipients);
  const settings = { sendRate: options.sendRate, concurrency, leaseSeconds: 4 };
  const workers = Array.from({ length: workersCount }, () => startWorker(bench, settings));
  cleanup.push(() => Promise.all(workers.map((w) => stopWorker(w, 'SIGKILL'))));
  let id: number | undefined;
  const stopProgress = reportProgress(bench, () => id);
  cleanup.push(async () => stopProgress());
  const campaignId = await scheduleCampaign(bench);
  id = campaignId;
  await waitForState(bench.sql, campaignId, 'sending', deadline);
  const unsubscribes = unsubscribeDuringRun(bench, campaignId, { max: 20, everyMs: 300, seed: options.seed });

  await waitForTaken(bench.ses, Math.floor(options.recipients * Number(options.at)), deadline);
  const stoppedAt = bench.ses.count();
  const downMs = Number(options['down-seconds']) * 1000;
  await bench.restartPostgres(downMs);
  const restartedAt = bench.ses.count();

  await waitForEnd(bench.sql, campaignId, deadline);
  await unsubscribes.stop();
  const exits: (number | null)[] = [];
  for (const w of workers) {
    exits.push(w.child.exitCode);
    await stopWorker(w);
  }
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
