/**
 * Our send throughput against a bare loop of SESv2 SendEmail calls at the
 * same concurrency, both through the same SES stub.
 *
 *   npx node scripts/bench/sendThroughput.ts                       # 20,000 recipients, concurrency 8
 *   npx node scripts/bench/sendThroughput.ts --recipients 5000 --concurrency 16 --batch-size 500
 *
 * Ours: one `src/main.ts --worker` process with a rate limit far above what
 * it can reach (SEND_RATE=100000), a campaign to every seeded member,
 * measured at the stub from the first message to the last. Bare: this
 * process, `createSesClient` from the SES adapter, SEND_CONCURRENCY loops
 * each sending one message after another, the same number of messages, each
 * a copy of the first request our worker sent (so size and shape match).
 * The stub runs in its own process for both.
 *
 * Also prints where the time goes: database transactions per message
 * (pg_stat_database), and the CPU each side spent per thousand messages.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { SendEmailCommand, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import type { Sql } from '../../src/db/connect.ts';
import { createSesClient } from '../../src/subcontractors/sesAdapter.ts';
import { report } from './result.ts';
import {
  type BenchWorker,
  recipientStates,
  type SesStub,
  type SesStubStats,
  seedMembers,
  spawnSesStub,
  startBenchCampaign,
  startBenchWorker,
  waitForCampaignState,
} from './sesStub.ts';
import { benchDatabase, wholeNumberOption, workerOptions } from './support.ts';

const MIN_RATIO = 0.8;

const { values: args } = parseArgs({
  options: {
    recipients: { type: 'string', default: '20000' },
    ...workerOptions,
  },
});
const recipients = wholeNumberOption(args, 'recipients', 100);
const concurrency = wholeNumberOption(args, 'concurrency', 1);
const batchSize = wholeNumberOption(args, 'batch-size', 1);
const sendRate = wholeNumberOption(args, 'rate', 1);

const database = await benchDatabase('send-throughput');
let stub: SesStub | undefined;
let worker: BenchWorker | undefined;
try {
  await seedMembers(database.sql, recipients);
  stub = await spawnSesStub();

  // Ours.
  worker = await startBenchWorker({
    databaseUrl: database.url,
    sesEndpoint: stub.endpoint,
    accessKey: 'WORKER',
    env: {
      SEND_RATE: String(sendRate),
      SEND_CONCURRENCY: String(concurrency),
      SEND_BATCH_SIZE: String(batchSize),
      ...(args['node-options'] ? { NODE_OPTIONS: args['node-options'] } : {}),
    },
  });
  const commitsBefore = await commits(database.sql);
  const campaignId = await startBenchCampaign(database.sql, database.url);
  const s = stub;
  const cpuAtFirst = await (async () => {
    for (;;) {
      if ((await s.stats()).messages > 0) return cpuSeconds(worker!.pid);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  await waitForCampaignState(database.sql, campaignId, 'completed', 15 * 60_000);
  const workerCpu = (await cpuSeconds(worker.pid)) - (await cpuAtFirst);
  const ours = await stub.stats();
  // Backends publish their counters at most once a second.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const dbCommits = (await commits(database.sql)) - commitsBefore;
  const states = await recipientStates(database.sql, campaignId);
  // Seeds (decoy addresses the dispatch adds) are recipients too.
  if (ours.messages !== states.sent || ours.duplicates > 0) {
    throw new Error(
      `our run sent ${ours.messages} messages (${ours.duplicates} duplicates), the ledger says ${states.sent}`,
    );
  }
  const oursRate = throughput(ours);
  console.log(
    `ours: ${ours.messages} messages in ${span(ours).toFixed(2)} s = ${oursRate.toFixed(0)} msgs/s; ` +
      `worker CPU ${((workerCpu / ours.messages) * 1000).toFixed(2)} s per 1000 messages; ` +
      `${(dbCommits / ours.messages).toFixed(2)} database transactions per message; ledger ${JSON.stringify(states)}`,
  );
  await worker.stop();

  // Bare.
  const sample = await stub.sample();
  if (!sample) throw new Error('the stub kept no sample request');
  await stub.reset();
  const cpuBefore = process.cpuUsage();
  await bareLoop(stub.endpoint, sample as unknown as SendEmailCommandInput, recipients, concurrency);
  const cpu = process.cpuUsage(cpuBefore);
  const bare = await stub.stats();
  const bareRate = throughput(bare);
  console.log(
    `bare: ${bare.messages} messages in ${span(bare).toFixed(2)} s = ${bareRate.toFixed(0)} msgs/s; ` +
      `client CPU ${(((cpu.user + cpu.system) / 1e6 / bare.messages) * 1000).toFixed(2)} s per 1000 messages`,
  );

  await report({
    name: 'send-throughput',
    value: Math.round(oursRate),
    unit: 'msgs/s',
    baseline: Math.round(bareRate),
    baselineLabel: 'bare SendEmail loop',
    pass: oursRate >= MIN_RATIO * bareRate,
    parameters: {
      recipients,
      sendConcurrency: concurrency,
      sendBatchSize: batchSize,
      sendRate,
      workerNodeOptions: args['node-options'] ?? null,
      minRatio: MIN_RATIO,
      meanRequestBytes: ours.meanBodyBytes,
      oursSeconds: Number(span(ours).toFixed(3)),
      bareSeconds: Number(span(bare).toFixed(3)),
      workerCpuSecondsPer1000: Number(((workerCpu / ours.messages) * 1000).toFixed(3)),
      bareCpuSecondsPer1000: Number((((cpu.user + cpu.system) / 1e6 / bare.messages) * 1000).toFixed(3)),
      databaseTransactionsPerMessage: Number((dbCommits / ours.messages).toFixed(2)),
    },
  });
} finally {
  await worker?.stop();
  await stub?.close();
  await database.close();
}

/** `concurrency` loops, each sending its next message as soon as the last one returns. */
async function bareLoop(endpoint: string, sample: SendEmailCommandInput, total: number, concurrency: number) {
  const client = createSesClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'BARE', secretAccessKey: 'bench' },
  });
  let next = 0;
  const loop = async () => {
    while (next < total) {
      const i = next++;
      const input = { ...sample, Destination: { ToAddresses: [`bare${i}@bench.example`] } };
      const out = await client.send(new SendEmailCommand(input));
      if (!out.MessageId) throw new Error('the stub answered without a MessageId');
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, loop));
  } finally {
    client.destroy();
  }
}

/** Messages per second from the first to the last message at the stub. */
function throughput(stats: SesStubStats): number {
  return (stats.messages - 1) / span(stats);
}

function span(stats: SesStubStats): number {
  return ((stats.lastAt ?? 0) - (stats.firstAt ?? 0)) / 1000;
}

/** Committed transactions in this database so far (the bench's own polling included). */
async function commits(sql: Sql): Promise<number> {
  const [row] = await sql<{ n: string }[]>`
    select xact_commit::text as n from pg_stat_database where datname = current_database()`;
  return Number(row!.n);
}

/** User + system CPU seconds a process has used, from /proc/<pid>/stat. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 (utime, stime) are the 12th and 13th after the command name.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
