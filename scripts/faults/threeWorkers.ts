/**
 * Scale-out check: three worker processes send one campaign against one
 * PostgreSQL, sharing the global send rate kept in PostgreSQL. Each worker
 * talks to its own listener of the SES stub, so the script sees who sent what.
 *
 *   npx node scripts/faults/threeWorkers.ts                     # 3,000 recipients at 150/s
 *   npx node scripts/faults/threeWorkers.ts --recipients 20000 --send-rate 500
 *
 * Passes when nothing is sent twice or lost, the campaign completes, every
 * worker took a share, and the rate measured over the steady part of the run
 * (whole seconds after the first full one) is within 10% above SEND_RATE;
 * no single second may exceed rate + burst (one second's worth), give or take
 * 10% for arrivals bunched by latency (the limiter bounds permits, the stub
 * sees arrivals).
 */
import {
  args,
  launchCampaign,
  openBench,
  runScenario,
  startWorkers,
  stopWorkers,
  summarize,
  verify,
  waitForEnd,
} from './harness.ts';

const options = args({ workers: { type: 'string', default: '3' } }, { recipients: 3000 });
const workerCount = Number(options.workers);
const rate = Number(process.argv.includes('--send-rate') ? options.sendRate : 150);

await runScenario('three workers', options.timeLimitMs, async (cleanup) => {
  const { bench, startedAt, deadline } = await openBench(options, cleanup, { sesListeners: workerCount });
  const workers = startWorkers(
    bench,
    cleanup,
    bench.ses.endpoints.map((endpoint) => ({ sendRate: rate, sesEndpoint: endpoint, batchSize: 100 })),
  );
  const campaignId = await launchCampaign(bench, cleanup);
  await waitForEnd(bench.sql, campaignId, deadline);
  await stopWorkers(workers);

  const verdict = await verify(bench, campaignId, { unsubscribes: [], maxInDoubt: 0 });
  const taken = bench.ses.taken;
  const first = taken[0]!.at;
  const last = taken.at(-1)!.at;
  const perSecond = new Map<number, number>();
  for (const m of taken) {
    const s = Math.floor((m.at - first) / 1000);
    perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
  }
  const seconds = [...perSecond.keys()].sort((a, b) => a - b);
  // The steady part: whole seconds after the first (burst) and before the last (partial).
  const steady = seconds.slice(1, -1).map((s) => perSecond.get(s)!);
  const steadyRate = steady.reduce((a, b) => a + b, 0) / Math.max(1, steady.length);
  const peak = Math.max(...perSecond.values());
  const shares = bench.ses.endpoints.map((_, via) => taken.filter((m) => m.via === via).length);
  if (steadyRate > rate * 1.1)
    verdict.problems.push(`steady rate ${steadyRate.toFixed(1)}/s above SEND_RATE ${rate}/s`);
  if (peak > rate * 2)
    verdict.problems.push(`a second with ${peak} messages, above rate + burst (${rate * 2})`);
  if (shares.some((n) => n === 0)) verdict.problems.push(`a worker sent nothing (${shares.join(', ')})`);
  return summarize(
    'three workers',
    verdict,
    {
      workers: workerCount,
      'SEND_RATE (global)': `${rate}/s`,
      'steady rate': `${steadyRate.toFixed(1)}/s over ${steady.length} s`,
      'overall rate': `${(taken.length / ((last - first) / 1000)).toFixed(1)}/s`,
      'busiest second': peak,
      'sent per worker': shares.join(' / '),
    },
    startedAt,
  );
});
