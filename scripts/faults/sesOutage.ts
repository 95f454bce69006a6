/**
 * Take the SES endpoint down (every connection reset, as when SES or the
 * network to it is unreachable) for `--down-seconds` in the middle of a
 * campaign, then bring it back.
 *
 *   npx node scripts/faults/sesOutage.ts                        # CI size: 2,000 recipients, 30 s down
 *   npx node scripts/faults/sesOutage.ts --recipients 50000
 */
import {
  args,
  launchCampaign,
  openBench,
  runScenario,
  sleep,
  startWorkers,
  stopWorkers,
  summarize,
  unsubscribesOnceSending,
  verify,
  waitForEnd,
  waitForTaken,
} from './harness.ts';

const options = args(
  { 'down-seconds': { type: 'string', default: '30' }, at: { type: 'string', default: '0.2' } },
  { recipients: 2000 },
);

await runScenario('SES down', options.timeLimitMs, async (cleanup) => {
  const { bench, startedAt, deadline } = await openBench(options, cleanup, { flaky: true });
  const workers = startWorkers(bench, cleanup, [
    { sendRate: options.sendRate },
    { sendRate: options.sendRate },
  ]);
  const campaignId = await launchCampaign(bench, cleanup);
  const unsubscribes = await unsubscribesOnceSending(bench, campaignId, deadline, {
    everyMs: 500,
    seed: options.seed,
  });

  await waitForTaken(bench.ses, Math.floor(options.recipients * Number(options.at)), deadline);
  const downAt = bench.ses.count();
  bench.flaky!.setMode({ mode: 'down' });
  await sleep(Number(options['down-seconds']) * 1000);
  bench.flaky!.setMode({ mode: 'up' });
  const resets = bench.flaky!.counts().reset;

  await waitForEnd(bench.sql, campaignId, deadline);
  await unsubscribes.stop();
  await stopWorkers(workers);
  const verdict = await verify(bench, campaignId, { unsubscribes: unsubscribes.accepted, maxInDoubt: 0 });
  const [attempts] = await bench.sql<{ max: number; retried: number }[]>`
    select max(attempts)::int as max, count(*) filter (where attempts > 1)::int as retried
      from campaign_recipients where campaign_id = ${campaignId}`;
  return summarize(
    'SES down',
    verdict,
    {
      'down after (sent)': downAt,
      'down for (s)': Number(options['down-seconds']),
      'connections reset': resets,
      'recipients retried': attempts!.retried,
      'most attempts': attempts!.max,
      'unsubscribes refused': unsubscribes.refused.count,
    },
    startedAt,
  );
});
