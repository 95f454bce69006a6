/**
 * Make SES answer slowly: every call is held back `--delay-ms` for the whole
 * campaign (below the SES request timeout, which is half the claim lease).
 *
 *   npx node scripts/faults/sesSlow.ts                          # CI size: 1,000 recipients, 800 ms per call
 *   npx node scripts/faults/sesSlow.ts --recipients 50000 --delay-ms 1500
 *
 * Throughput falls to what the workers' concurrency allows at that latency;
 * nothing may be lost or sent twice.
 */
import {
  args,
  launchCampaign,
  openBench,
  runScenario,
  startWorkers,
  stopWorkers,
  summarize,
  unsubscribesOnceSending,
  verify,
  waitForEnd,
} from './harness.ts';

const options = args(
  { 'delay-ms': { type: 'string', default: '800' }, 'lease-seconds': { type: 'string', default: '6' } },
  { recipients: 1000 },
);
const delayMs = Number(options['delay-ms']);

await runScenario('SES slow', options.timeLimitMs, async (cleanup) => {
  const { bench, startedAt, deadline } = await openBench(options, cleanup, { flaky: true });
  bench.flaky!.setMode({ mode: 'slow', delayMs });
  const settings = {
    sendRate: options.sendRate,
    concurrency: 16,
    leaseSeconds: Number(options['lease-seconds']),
  };
  const workers = startWorkers(bench, cleanup, [settings, settings]);
  const campaignId = await launchCampaign(bench, cleanup);
  const unsubscribes = await unsubscribesOnceSending(bench, campaignId, deadline, {
    everyMs: 500,
    seed: options.seed,
  });
  const sendingFrom = Date.now();
  await waitForEnd(bench.sql, campaignId, deadline);
  const seconds = (Date.now() - sendingFrom) / 1000;
  await unsubscribes.stop();
  await stopWorkers(workers);
  const verdict = await verify(bench, campaignId, { unsubscribes: unsubscribes.accepted, maxInDoubt: 0 });
  return summarize(
    'SES slow',
    verdict,
    {
      'delay per call (ms)': delayMs,
      'SES timeout (ms)': (Number(options['lease-seconds']) * 1000) / 2,
      'sending took (s)': seconds.toFixed(1),
      'messages/s': (verdict.delivered / seconds).toFixed(1),
      'unsubscribes refused': unsubscribes.refused.count,
    },
    startedAt,
  );
});
