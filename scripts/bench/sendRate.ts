/**
 * Whether the global send rate holds across worker processes: two workers,
 * SEND_RATE=20 between them, one campaign, and the rate the SES stub sees.
 *
 *   npx node scripts/bench/sendRate.ts                 # 60 s window
 *   npx node scripts/bench/sendRate.ts --seconds 20
 *
 * Seeds members in a fresh database, starts the stub (a child process) and
 * the workers (`src/main.ts --worker`, each signing with its own access key so
 * the stub tells them apart), enqueues the campaign's start job, and counts
 * the messages the stub received in the whole seconds [start, start + window)
 * after the first message, where start is the later of 5 s and the second in
 * which the last worker sent its first. The audience outlasts the window by
 * about ten seconds. Then lets the campaign finish and checks that no
 * recipient got two messages and that the ledger agrees with the stub.
 */
import { parseArgs } from 'node:util';
import { waitFor } from '../../test/support/waitFor.ts';
import { report } from './result.ts';
import {
  type BenchWorker,
  recipientStates,
  type SesStub,
  seedMembers,
  spawnSesStub,
  startBenchCampaign,
  startBenchWorker,
  waitForCampaignState,
} from './sesStub.ts';
import { benchDatabase, wholeNumberOption } from './support.ts';

const TOLERANCE = 0.05;
const WARM_UP_SECONDS = 5;

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    rate: { type: 'string', default: '20' },
    workers: { type: 'string', default: '2' },
    recipients: { type: 'string' },
    'batch-size': { type: 'string', default: '100' },
  },
});
const windowSeconds = wholeNumberOption(args, 'seconds', 1);
const rate = Number(args.rate);
if (!(rate > 0)) throw new Error(`--rate must be a positive number, got ${args.rate}`);
const workerCount = wholeNumberOption(args, 'workers', 1);
const batchSize = wholeNumberOption(args, 'batch-size', 1);
const recipients = args.recipients
  ? wholeNumberOption(args, 'recipients', 1)
  : Math.max(500, Math.ceil(rate * (WARM_UP_SECONDS + windowSeconds + 10)));

const database = await benchDatabase('send-rate');
let stub: SesStub | undefined;
const workers: BenchWorker[] = [];
try {
  await seedMembers(database.sql, recipients);
  stub = await spawnSesStub();
  for (let i = 1; i <= workerCount; i++) {
    workers.push(
      await startBenchWorker({
        databaseUrl: database.url,
        sesEndpoint: stub.endpoint,
        accessKey: `WORKER${i}`,
        env: { SEND_RATE: String(rate), SEND_BATCH_SIZE: String(batchSize) },
      }),
    );
  }
  const campaignId = await startBenchCampaign(database.sql, database.url);
  console.log(`${recipients} recipients, ${workerCount} workers, SEND_RATE=${rate}; waiting for sends…`);

  // Every worker sending, and the window's last second complete (a message seen after it).
  const s = stub;
  const stats = await waitFor(
    async () => {
      const st = await s.stats();
      const joined = Object.values(st.firstSecondByAccessKey);
      if (joined.length < workerCount) return null;
      const start = Math.max(WARM_UP_SECONDS, ...joined);
      return st.perSecond.length > start + windowSeconds ? { st, start } : null;
    },
    {
      timeoutMs: (120 + WARM_UP_SECONDS + windowSeconds) * 1000,
      intervalMs: 500,
      message: `${workerCount} workers sending through a ${windowSeconds} s window`,
    },
  );
  const window = stats.st.perSecond.slice(stats.start, stats.start + windowSeconds);
  const observed = window.reduce((a, b) => a + b, 0) / windowSeconds;
  console.log(`seconds ${stats.start}–${stats.start + windowSeconds}: ${window.join(' ')}`);
  console.log(`by worker so far: ${JSON.stringify(stats.st.byAccessKey)}`);

  await waitForCampaignState(database.sql, campaignId, 'completed', ((recipients / rate) * 1.5 + 60) * 1000);
  const final = await stub.stats();
  const states = await recipientStates(database.sql, campaignId);
  console.log(
    `final: ${final.messages} messages to ${final.recipients} addresses, ledger ${JSON.stringify(states)}`,
  );
  // Seeds (decoy addresses the dispatch adds) are sent to as well: the ledger, not the member count, says how many.
  const consistent = final.messages === (states.sent ?? 0) && (states.sent ?? 0) >= recipients;

  const parameters = {
    recipients,
    workers: workerCount,
    sendRate: rate,
    sendBatchSize: batchSize,
    windowSeconds,
    windowStartSecond: stats.start,
    messagesInWindow: window.reduce((a, b) => a + b, 0),
    byWorker: final.byAccessKey,
    duplicates: final.duplicates,
    messages: final.messages,
    ledger: states,
  };
  await report({
    name: `send-rate-${workerCount}-workers`,
    value: Number(observed.toFixed(2)),
    unit: 'msgs/s',
    baseline: rate,
    baselineLabel: 'SEND_RATE target',
    pass: Math.abs(observed - rate) <= rate * TOLERANCE,
    parameters: { ...parameters, tolerance: TOLERANCE },
  });
  console.log(`duplicates: ${final.duplicates}; stub and ledger agree: ${consistent}`);
  if (final.duplicates > 0 || !consistent) {
    console.error('FAIL at-most-once: a recipient got two messages, or the stub and the ledger disagree');
    process.exitCode = 1;
  }
} finally {
  const outputs = await Promise.all(
    workers.map(async (w) => ({ code: await w.stop(), stderr: w.output.stderr })),
  );
  for (const [i, o] of outputs.entries()) {
    if (o.code !== 0 || o.stderr.trim())
      console.log(`worker ${i + 1} exited ${o.code}; stderr:\n${o.stderr.slice(-4000)}`);
  }
  await stub?.close();
  await database.close();
}
