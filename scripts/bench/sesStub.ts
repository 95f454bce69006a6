/**
 * A minimal, fast SESv2 endpoint for the send benchmarks, and the rig that
 * points worker processes at it.
 *
 * The stub answers `POST /v2/email/outbound-emails` (SendEmail) with 200 and a
 * counter as MessageId at once, and `GET /v2/email/account` (GetAccount) with
 * the local account. It keeps no message bodies: only how many messages each
 * recipient address got (so duplicates show), how many each access key sent
 * (so each worker process can be told apart), messages per second since the
 * first one, and one sample request. `GET /stats` reports them,
 * `POST /reset` clears them.
 *
 * It runs in-process ({@link serveSesStub}) or, so it never shares a CPU
 * queue with what it measures, as a child ({@link spawnSesStub}):
 *
 *   npx node scripts/bench/sesStub.ts --serve [--port 0]
 *
 * Not a benchmark by itself: without `--serve` it says so and exits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PgBoss } from 'pg-boss';
import type { Sql } from '../../src/db/connect.ts';
import { createQueues, QUEUES } from '../../src/jobs/queues.ts';
import { localSesAccount } from '../../src/ops/localSes.ts';
import { spawnNode } from '../../test/support/spawnNode.ts';
import { waitFor } from '../../test/support/waitFor.ts';

/** What the stub has seen since it started or was last reset. */
export interface SesStubStats {
  messages: number;
  /** Distinct recipient addresses. */
  recipients: number;
  /** Addresses that got more than one message. */
  duplicates: number;
  /** Messages per access key id (one key per worker process in the rigs below). */
  byAccessKey: Record<string, number>;
  /** The whole second (since the first message) in which each access key sent its first. */
  firstSecondByAccessKey: Record<string, number>;
  /** Wall-clock ms of the first and last message, null before any. */
  firstAt: number | null;
  lastAt: number | null;
  /** Messages in each whole second since the first one. */
  perSecond: number[];
  /** Mean SendEmail request body, in bytes. */
  meanBodyBytes: number;
}

const SEND_PATH = '/v2/email/outbound-emails';
const ACCOUNT_PATH = '/v2/email/account';

/** Starts the stub in this process on 127.0.0.1. */
export async function serveSesStub(port = 0): Promise<{ server: Server; endpoint: string }> {
  let messages = 0;
  let duplicates = 0;
  let bodyBytes = 0;
  let firstAt: number | null = null;
  let lastAt: number | null = null;
  let perSecond: number[] = [];
  let perAddress = new Map<string, number>();
  let perKey = new Map<string, number>();
  let keyFirstSecond = new Map<string, number>();
  let sample: unknown = null;
  const account = JSON.stringify(localSesAccount(1_000_000));

  const stats = (): SesStubStats => ({
    messages,
    recipients: perAddress.size,
    duplicates,
    byAccessKey: Object.fromEntries(perKey),
    firstSecondByAccessKey: Object.fromEntries(keyFirstSecond),
    firstAt,
    lastAt,
    perSecond,
    meanBodyBytes: messages === 0 ? 0 : Math.round(bodyBytes / messages),
  });

  const onSend = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    let to: unknown;
    try {
      const parsed = JSON.parse(body.toString('utf8'));
      to = parsed?.Destination?.ToAddresses;
      sample ??= parsed;
    } catch {
      return reply(res, 400, { __type: 'BadRequestException', message: 'body is not JSON' });
    }
    if (!Array.isArray(to) || to.length === 0) {
      return reply(res, 400, { __type: 'BadRequestException', message: 'no Destination.ToAddresses' });
    }
    const now = performance.timeOrigin + performance.now();
    firstAt ??= now;
    lastAt = now;
    messages += 1;
    bodyBytes += body.length;
    const second = Math.floor((now - firstAt) / 1000);
    while (perSecond.length <= second) perSecond.push(0);
    perSecond[second]! += 1;
    for (const address of to) {
      const seen = perAddress.get(String(address)) ?? 0;
      if (seen === 1) duplicates += 1;
      perAddress.set(String(address), seen + 1);
    }
    // SigV4: "Credential=<access key id>/<date>/<region>/ses/aws4_request".
    const key = /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? 'unsigned';
    perKey.set(key, (perKey.get(key) ?? 0) + 1);
    if (!keyFirstSecond.has(key)) keyFirstSecond.set(key, second);
    reply(res, 200, { MessageId: String(messages) });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'POST' && path === SEND_PATH) return onSend(req, res, Buffer.concat(chunks));
      if (req.method === 'GET' && path === ACCOUNT_PATH) return reply(res, 200, account, true);
      if (req.method === 'GET' && path === '/stats') return reply(res, 200, stats());
      if (req.method === 'GET' && path === '/sample') return reply(res, 200, sample);
      if (req.method === 'POST' && path === '/reset') {
        messages = duplicates = bodyBytes = 0;
        firstAt = lastAt = sample = null;
        perSecond = [];
        perAddress = new Map();
        perKey = new Map();
        keyFirstSecond = new Map();
        return reply(res, 204, null);
      }
      reply(res, 404, { __type: 'NotFoundException', message: `no route ${req.method} ${path}` });
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function reply(res: ServerResponse, status: number, body: unknown, raw = false) {
  if (status === 204) {
    res.writeHead(204).end();
    return;
  }
  const text = raw ? String(body) : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': 'stub',
  });
  res.end(text);
}

/** The stub as a child process, driven over HTTP. */
export interface SesStub {
  endpoint: string;
  pid: number;
  stats(): Promise<SesStubStats>;
  /** The first SendEmail request body seen, as sent on the wire. */
  sample(): Promise<Record<string, unknown> | null>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the stub in a child Node process and resolves once it listens. */
export async function spawnSesStub(): Promise<SesStub> {
  const child: ChildProcess = spawn(process.execPath, [import.meta.filename, '--serve'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const endpoint = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const line = /^listening (\S+)$/m.exec(out);
      if (line) resolve(line[1]!);
    });
    child.on('exit', (code) => reject(new Error(`SES stub exited (${code}) before listening`)));
  });
  const call = async (method: string, path: string) => {
    const res = await fetch(`${endpoint}${path}`, { method });
    if (!res.ok) throw new Error(`SES stub ${method} ${path}: HTTP ${res.status}`);
    return res.status === 204 ? null : res.json();
  };
  return {
    endpoint,
    pid: child.pid!,
    stats: () => call('GET', '/stats') as Promise<SesStubStats>,
    sample: () => call('GET', '/sample') as Promise<Record<string, unknown> | null>,
    reset: async () => {
      await call('POST', '/reset');
    },
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

// ---------------------------------------------------------------------------
// The rig: members, a campaign, and worker processes pointed at the stub.

/** The signing key every benchmark worker uses (a fixed test key, never a real one). */
const LINK_SIGNING_KEYS = 'b1:dGVzdC1zaWduaW5nLWtleS0wMDAwMDAwMDAwMDAwMDAwMDAwMDA=';

/**
 * Seeds `count` active members, each opted in to society-news by email (the
 * consents trigger keeps `consents` in step); the first `eventsCount` also to
 * events by email, so a second, smaller campaign can share the table. Set-based,
 * in slices so no one statement's trigger sorts millions of ledger rows.
 */
export async function seedMembers(sql: Sql, count: number, options: { eventsCount?: number } = {}) {
  const slice = 250_000;
  for (let from = 1; from <= count; from += slice) {
    const to = Math.min(count, from + slice - 1);
    await sql`
      insert into members (external_id, email, email_normalized, name)
      select 'M' || g, 'member' || g || '@bench.example', 'member' || g || '@bench.example', 'Member ' || g
        from generate_series(${from}::int, ${to}::int) g`;
    await sql`
      insert into consent_events (member_id, topic, channel, granted, source, actor, policy_version, occurred_at)
      select id, 'society-news', 'email', true, 'import', 'bench', '2011-12-15', now() - interval '1 day'
        from members where id between ${from} and ${to}`;
  }
  const events = options.eventsCount ?? 0;
  if (events > 0) {
    await sql`
      insert into consent_events (member_id, topic, channel, granted, source, actor, policy_version, occurred_at)
      select id, 'events', 'email', true, 'import', 'bench', '2011-12-15', now() - interval '1 day'
        from members where id <= ${events}`;
  }
  await sql`vacuum analyze`;
}

/**
 * Creates a campaign due now and enqueues its start job, as the scheduler
 * would: the worker that takes the job freezes the audience and fans out the
 * send ranges. Returns the campaign id.
 */
export async function startBenchCampaign(
  sql: Sql,
  databaseUrl: string,
  options: { topic?: 'society-news' | 'events'; name?: string } = {},
): Promise<number> {
  const [row] = await sql<{ id: string }[]>`
    insert into campaigns (name, topic, channel, subject, template, from_address, created_by, state, send_at)
    values (${options.name ?? 'Bench'}, ${options.topic ?? 'society-news'}, 'email', 'Hello {{name}}',
            'society-mailing', 'The Society <news@mail.society.example>', 'bench', 'scheduled',
            now() - interval '1 minute')
    returning id`;
  const campaignId = Number(row!.id);
  const boss = new PgBoss({
    connectionString: databaseUrl,
    schema: 'pgboss',
    max: 1,
    supervise: false,
    schedule: false,
  });
  boss.on('error', (err) => console.error('bench queue error', err));
  await boss.start();
  try {
    await createQueues(boss);
    await boss.send(QUEUES.campaignStart, { campaignId });
  } finally {
    await boss.stop({ graceful: false, close: true });
  }
  return campaignId;
}

/** A `src/main.ts --worker` process sending through the stub. */
export interface BenchWorker {
  pid: number;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  output: { stdout: string; stderr: string };
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<number | null>;
}

/**
 * Starts one worker process. `accessKey` names it at the stub (SigV4
 * credential), so the stub can tell the workers apart. `env` overrides the
 * defaults (SEND_RATE, SEND_BATCH_SIZE, SEND_CONCURRENCY…).
 */
export async function startBenchWorker(options: {
  databaseUrl: string;
  sesEndpoint: string;
  accessKey: string;
  env?: Record<string, string>;
}): Promise<BenchWorker> {
  const dataDir = await mkdtemp(join(tmpdir(), 'society-mailer-bench-worker-'));
  const worker = spawnNode('src/main.ts', ['--worker'], {
    DATABASE_URL: options.databaseUrl,
    DATA_DIR: dataDir,
    SES_ENDPOINT: options.sesEndpoint,
    SES_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: options.accessKey,
    AWS_SECRET_ACCESS_KEY: 'bench',
    LINK_SIGNING_KEYS,
    LOG_LEVEL: 'warn',
    ...options.env,
  });
  const exited = worker.exited.finally(() => rm(dataDir, { recursive: true, force: true }));
  return {
    pid: worker.child.pid!,
    exited,
    output: worker.output,
    stop: async (graceMs = 15_000) => {
      if (worker.child.exitCode !== null || worker.child.signalCode !== null) return exited;
      worker.child.kill('SIGTERM');
      const timer = setTimeout(() => worker.child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Resolves with the campaign's state once it is one of `states`; rejects if it fails or after `timeoutMs`. */
export async function waitForCampaignState(
  sql: Sql,
  campaignId: number,
  states: string | string[],
  timeoutMs: number,
) {
  const wanted = [states].flat();
  const state = await waitFor(
    async () => {
      const [c] = await sql<{ state: string }[]>`select state from campaigns where id = ${campaignId}`;
      return c && (wanted.includes(c.state) || c.state === 'failed') ? c.state : null;
    },
    { timeoutMs, intervalMs: 250, message: `campaign ${campaignId} to become ${wanted.join(' or ')}` },
  );
  if (!wanted.includes(state)) throw new Error(`campaign ${campaignId} ${state}`);
  return state;
}

/** Recipients of a campaign by state. */
export async function recipientStates(sql: Sql, campaignId: number): Promise<Record<string, number>> {
  const rows = await sql<{ state: string; n: number }[]>`
    select state, count(*)::int as n from campaign_recipients where campaign_id = ${campaignId} group by state`;
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { serve: { type: 'boolean' }, port: { type: 'string', default: '0' } },
  });
  if (!values.serve) {
    console.log('sesStub.ts is a helper of the send benchmarks; run it with --serve to start the stub.');
  } else {
    const { server, endpoint } = await serveSesStub(Number(values.port));
    console.log(`listening ${endpoint}`);
    const stop = () => {
      server.close(() => process.exit(0));
      server.closeAllConnections();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  }
}
