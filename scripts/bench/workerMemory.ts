/**
 * A worker's peak memory for a big campaign against a small one: the engine
 * should hold only what is in flight, whatever the audience size.
 *
 *   npx node scripts/bench/workerMemory.ts                      # 10,000 vs 1,000,000 recipients
 *   npx node scripts/bench/workerMemory.ts --large 200000 --minutes 2
 *
 * Seeds `--large` members (the first `--small` of them also opted in to a
 * second topic), starts the SES stub (a child process), then runs each
 * campaign with a fresh `src/main.ts --worker` process and a rate limit far
 * above what it can reach: the small one to completion, the large one until
 * it completes or has sent for `--minutes` after its audience was built,
 * whichever comes first (a million sends at this machine's pace would take
 * far longer; the steady state is reached within the first minute). The peak
 * is the worker's VmHWM from /proc/<pid>/status, read before it is stopped;
 * VmRSS is sampled meanwhile to show the trend.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Sql } from '../../src/db/connect.ts';
import { report } from './result.ts';
import {
  recipientStates,
  type SesStub,
  seedMembers,
  spawnSesStub,
  startBenchCampaign,
  startBenchWorker,
  waitForCampaignState,
} from './sesStub.ts';
import { benchDatabase, seconds, sizeLabel, wholeNumberOption, workerOptions } from './support.ts';

const TARGET_PEAK_MB = 250;
const MAX_RATIO = 1.2;

const { values: args } = parseArgs({
  options: {
    small: { type: 'string', default: '10000' },
    large: { type: 'string', default: '1000000' },
    minutes: { type: 'string', default: '3' },
    ...workerOptions,
  },
});
const small = wholeNumberOption(args, 'small', 100);
const large = wholeNumberOption(args, 'large', small);
const minutes = Number(args.minutes);
if (!(minutes > 0)) throw new Error(`--minutes must be a positive number, got ${args.minutes}`);
const workerEnv = {
  SEND_RATE: String(wholeNumberOption(args, 'rate', 1)),
  SEND_BATCH_SIZE: String(wholeNumberOption(args, 'batch-size', 1)),
  SEND_CONCURRENCY: String(wholeNumberOption(args, 'concurrency', 1)),
  ...(args['node-options'] ? { NODE_OPTIONS: args['node-options'] } : {}),
};

interface Run {
  recipients: number;
  peakMb: number;
  /** VmRSS in MB, one sample every ten seconds of sending. */
  rssTrendMb: number[];
  sent: number;
  buildSeconds: number;
  sendingSeconds: number;
  completed: boolean;
  ledgerAfterStop: Record<string, number>;
}

const database = await benchDatabase('worker-memory');
let stub: SesStub | undefined;
try {
  const seedStart = performance.now();
  await seedMembers(database.sql, large, { eventsCount: small });
  console.log(`seeded ${large} members in ${seconds(performance.now() - seedStart)} s`);
  stub = await spawnSesStub();

  const smallRun = await runCampaign(database.sql, stub, {
    topic: 'events',
    recipients: small,
    maxMinutes: 30,
  });
  console.log(`${sizeLabel(small)}:`, smallRun);
  await stub.reset();
  const largeRun = await runCampaign(database.sql, stub, {
    topic: 'society-news',
    recipients: large,
    maxMinutes: minutes,
  });
  console.log(`${sizeLabel(large)}:`, largeRun);

  const parameters = {
    small: smallRun,
    large: largeRun,
    largeBoundedToMinutes: largeRun.completed ? null : minutes,
    worker: workerEnv,
  };
  await report({
    name: `worker-peak-rss-${sizeLabel(large)}-mb`,
    value: largeRun.peakMb,
    unit: 'MB',
    baseline: TARGET_PEAK_MB,
    baselineLabel: 'target',
    pass: largeRun.peakMb < TARGET_PEAK_MB,
    parameters,
  });
  const ratio = Number((largeRun.peakMb / smallRun.peakMb).toFixed(3));
  await report({
    name: `worker-rss-${sizeLabel(large)}-vs-${sizeLabel(small)}`,
    value: ratio,
    unit: '×',
    baseline: MAX_RATIO,
    baselineLabel: 'most allowed',
    pass: ratio <= MAX_RATIO,
    parameters,
  });
} finally {
  await stub?.close();
  await database.close();
}

/**
 * One campaign with a worker of its own: waits for the audience, then for
 * completion or `maxMinutes` of sending, sampling memory, and reads the peak
 * before stopping the worker.
 */
async function runCampaign(
  sql: Sql,
  stub: SesStub,
  options: { topic: 'events' | 'society-news'; recipients: number; maxMinutes: number },
): Promise<Run> {
  const worker = await startBenchWorker({
    databaseUrl: database.url,
    sesEndpoint: stub.endpoint,
    accessKey: `MEM${sizeLabel(options.recipients).toUpperCase()}`,
    env: workerEnv,
  });
  try {
    const started = performance.now();
    const campaignId = await startBenchCampaign(sql, database.url, {
      topic: options.topic,
      name: `Memory ${options.recipients}`,
    });
    // A small campaign may finish before a poll sees it sending.
    await waitForCampaignState(sql, campaignId, ['sending', 'completed'], 15 * 60_000);
    const buildSeconds = seconds(performance.now() - started);
    const sendingFrom = performance.now();
    const deadline = sendingFrom + options.maxMinutes * 60_000;
    const rssTrendMb: number[] = [];
    let nextSample = sendingFrom;
    let completed = false;
    while (performance.now() < deadline) {
      if (performance.now() >= nextSample) {
        rssTrendMb.push((await memory(worker.pid)).rssMb);
        nextSample += 10_000;
      }
      const [c] = await sql<{ state: string }[]>`select state from campaigns where id = ${campaignId}`;
      if (c?.state === 'completed') {
        completed = true;
        break;
      }
      if (c?.state !== 'sending') throw new Error(`campaign ${campaignId} is ${c?.state}, not sending`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const { peakMb } = await memory(worker.pid);
    const sendingSeconds = seconds(performance.now() - sendingFrom);
    const sent = (await stub.stats()).messages;
    await worker.stop();
    return {
      recipients: options.recipients,
      peakMb,
      rssTrendMb,
      sent,
      buildSeconds,
      sendingSeconds,
      completed,
      ledgerAfterStop: await recipientStates(sql, campaignId),
    };
  } finally {
    await worker.stop();
  }
}

/** Resident and peak resident memory of a process, in MB. */
async function memory(pid: number): Promise<{ rssMb: number; peakMb: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
}
