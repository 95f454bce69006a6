/**
 * What the fault-injection scripts share: a PostgreSQL of their own (embedded,
 * on a free port, stoppable and restartable on the same data), a counting SES
 * stub (optionally behind the flaky proxy of test/support), worker processes
 * (`node src/main.ts --worker`, as production runs them), a campaign of N
 * members created and scheduled through the staff API, one-click unsubscribes
 * through the real route while it sends, and the checks that follow a fault:
 *
 * - every recipient received at most one message (duplicates counted; target 0);
 * - none was lost: each recipient arrived exactly once, or is in doubt (its
 *   worker died during the SES call: reported, at most the messages in flight),
 *   or was skipped because the member unsubscribed during the run;
 * - the campaign completed;
 * - every unsubscribe accepted during the run is in the ledger, and no send to
 *   that member was claimed after it was accepted.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PgBoss } from 'pg-boss';
import { loadConfig } from '../../src/config/loadConfig.ts';
import { connect, type Sql } from '../../src/db/connect.ts';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../../src/db/embedded.ts';
import { applyMigrations } from '../../src/db/migrate.ts';
import type { Deps } from '../../src/deps.ts';
import { createApp } from '../../src/http/app.ts';
import { createQueues } from '../../src/jobs/queues.ts';
import { createLogger } from '../../src/ops/logger.ts';
import { createMetrics } from '../../src/ops/metrics.ts';
import { createStaffUser, issueStaffToken } from '../../src/staff/staffUsers.ts';
import { ensureEmailContract } from '../../src/subcontractors/defaultContract.ts';
import { createSesClient } from '../../src/subcontractors/sesAdapter.ts';
import { recipientLinks } from '../../src/unsubscribe/links.ts';
import { resolveSigningKeys } from '../../src/unsubscribe/signingKeys.ts';
import { type FlakySes, mulberry32, startFlakySes } from '../../test/support/flakySes.ts';
import { freePort } from '../../test/support/freePort.ts';

export const repoRoot = join(import.meta.dirname, '..', '..');
const SIGNING_KEYS = 'faults1:ZmF1bHQtaW5qZWN0aW9uLXNpZ25pbmcta2V5LTAwMDAwMDA=';
const ROOT_DIR = join(repoRoot, 'src', 'main.ts');

/** Command-line flags every script takes, plus its own. */
export function args<T extends Record<string, { type: 'string' | 'boolean'; default?: string | boolean }>>(
  extra: T,
  defaults: { recipients: number },
) {
  const { values: parsed } = parseArgs({
    options: {
      recipients: { type: 'string', default: String(defaults.recipients) },
      seed: { type: 'string', default: '7' },
      'send-rate': { type: 'string', default: '400' },
      'time-limit': { type: 'string', default: '300' },
      ...extra,
    },
  });
  const values = parsed as Record<string, string | boolean | undefined>;
  const recipients = Number(values.recipients);
  if (!Number.isSafeInteger(recipients) || recipients < 50)
    throw new Error('--recipients must be a whole number ≥ 50');
  return {
    ...(values as Record<keyof T, string | undefined>),
    recipients,
    seed: Number(values.seed),
    sendRate: Number(values['send-rate']),
    timeLimitMs: Number(values['time-limit']) * 1000,
  };
}

// ---------------------------------------------------------------- SES stub

/** A message the stub took: who to, when (ms since the epoch), through which listener. */
export interface Taken {
  to: string;
  at: number;
  via: number;
}

/**
 * The SESv2 SendEmail operation, counting every message per address; nothing
 * else. It listens on `listeners` ports (one per worker when a script wants to
 * see who sent what), sharing one record.
 */
export async function startCountingSes(listeners = 1) {
  const taken: Taken[] = [];
  const servers: Server[] = [];
  const endpoints: string[] = [];
  let counter = 0;
  for (let via = 0; via < listeners; via++) {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method === 'POST' && req.url === '/v2/email/outbound-emails') {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          for (const to of body.Destination?.ToAddresses ?? []) taken.push({ to, at: Date.now(), via });
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ MessageId: `stub-${++counter}` }));
        } else {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end('{"message":"not here"}');
        }
      });
    });
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    servers.push(server);
    endpoints.push(`http://127.0.0.1:${port}`);
  }
  return {
    endpoints,
    endpoint: endpoints[0]!,
    taken,
    count: () => taken.length,
    async close() {
      for (const s of servers) {
        s.closeAllConnections();
        await new Promise((resolve) => s.close(resolve));
      }
    },
  };
}
export type CountingSes = Awaited<ReturnType<typeof startCountingSes>>;

// ---------------------------------------------------------------- environment

export interface Bench {
  dir: string;
  pgPort: number;
  databaseUrl: string;
  sql: Sql;
  ses: CountingSes;
  flaky?: FlakySes;
  /** The endpoint workers use: the flaky proxy when there is one. */
  sesEndpoint: string;
  deps: Deps;
  app: ReturnType<typeof createApp>;
  editorToken: string;
  restartPostgres(downMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A PostgreSQL (persistent when it is to be restarted on the same data), a
 * counting SES stub (behind a flaky proxy if asked), migrations, the e-mail
 * contract, an editor, and the HTTP app in this process (no workers).
 */
export async function startBench(
  options: { flaky?: boolean; sesListeners?: number; restartable?: boolean } = {},
): Promise<Bench> {
  const dir = await mkdtemp(join(tmpdir(), 'society-mailer-faults-'));
  await chmod(dir, 0o755); // under root the cluster runs as the postgres user
  const pgPort = await freePort();
  // Without fsync unless it must survive a restart (an ephemeral cluster is removed when it stops).
  const pgOptions = {
    dir: join(dir, 'pg'),
    port: pgPort,
    database: 'faults',
    ephemeral: !options.restartable,
  };
  let pg: EmbeddedDatabase = await startEmbeddedPostgres(pgOptions);
  const databaseUrl = pg.url;
  await applyMigrations(databaseUrl);
  const { sql, db } = connect(databaseUrl, { max: 6 });

  const ses = await startCountingSes(options.sesListeners);
  const flaky = options.flaky ? await startFlakySes({ target: ses.endpoint }) : undefined;
  const sesEndpoint = flaky?.endpoint ?? ses.endpoint;

  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    PUBLIC_URL: 'http://localhost:3000',
    SES_ENDPOINT: sesEndpoint,
    SES_REGION: 'us-east-1',
    LINK_SIGNING_KEYS: SIGNING_KEYS,
  });
  const boss = new PgBoss({ connectionString: databaseUrl, schema: 'pgboss', max: 2 });
  boss.on('error', () => {});
  await boss.start();
  await createQueues(boss);
  const sesClient = createSesClient({
    endpoint: sesEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const deps: Deps = {
    config,
    db,
    sql,
    boss,
    ses: sesClient,
    log: createLogger('silent', false),
    metrics: createMetrics(),
    clock: { now: () => new Date() },
    linkKeys: await resolveSigningKeys(config),
  };
  await db.transaction((tx) => ensureEmailContract(tx, new Date()));
  const editor = await createStaffUser(db, { email: 'editor@staff.example', name: 'Editor', role: 'editor' });
  const editorToken = await issueStaffToken(db, editor, 'faults');
  const app = createApp(deps);

  return {
    dir,
    pgPort,
    databaseUrl,
    sql,
    ses,
    flaky,
    sesEndpoint,
    deps,
    app,
    editorToken,
    async restartPostgres(downMs: number) {
      await pg.stop();
      await sleep(downMs);
      pg = await startEmbeddedPostgres(pgOptions);
    },
    async close() {
      await boss.stop({ graceful: false, close: true }).catch(() => {});
      sesClient.destroy();
      await sql.end({ timeout: 2 }).catch(() => {});
      await flaky?.close();
      await ses.close();
      await pg.stop().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------- workers

export interface WorkerSettings {
  sendRate: number;
  batchSize?: number;
  concurrency?: number;
  leaseSeconds?: number;
  sesEndpoint?: string;
}

export interface Worker {
  child: ChildProcess;
  output: { stdout: string; stderr: string };
  exited: Promise<number | null>;
}

/** `node src/main.ts --worker` against the bench's database and SES. */
export function startWorker(bench: Bench, settings: WorkerSettings): Worker {
  const child = spawn(process.execPath, [ROOT_DIR, '--worker'], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      DATABASE_URL: bench.databaseUrl,
      DATA_DIR: join(bench.dir, 'worker'),
      SES_ENDPOINT: settings.sesEndpoint ?? bench.sesEndpoint,
      SES_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      SEND_RATE: String(settings.sendRate),
      SEND_BATCH_SIZE: String(settings.batchSize ?? 100),
      SEND_CONCURRENCY: String(settings.concurrency ?? 8),
      SEND_CLAIM_LEASE_SECONDS: String(settings.leaseSeconds ?? 6),
      LINK_SIGNING_KEYS: SIGNING_KEYS,
      PUBLIC_URL: 'http://localhost:3000',
      LOG_LEVEL: 'warn',
      SHUTDOWN_TIMEOUT_MS: '3000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  // Keep the tail only: a long run must not grow without bound.
  child.stdout!.on('data', (d) => {
    output.stdout = (output.stdout + d).slice(-20_000);
  });
  child.stderr!.on('data', (d) => {
    output.stderr = (output.stderr + d).slice(-20_000);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output, exited };
}

export async function stopWorker(worker: Worker, signal: NodeJS.Signals = 'SIGTERM') {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  worker.child.kill(signal);
  await worker.exited;
}

/**
 * The most messages a worker can have in flight: its range jobs at once
 * (`localConcurrency`, 1 in src/jobs/campaignSend.ts) × SEND_CONCURRENCY.
 */
export const RANGE_JOBS_PER_WORKER = 1;
export const inFlightPerWorker = (concurrency = 8) => RANGE_JOBS_PER_WORKER * concurrency;

// ---------------------------------------------------------------- the campaign

/** N members opted in to Society news by email, added in one statement as an import would. */
export async function addMembers(sql: Sql, n: number) {
  await sql`
    insert into members (external_id, email, email_normalized, name, language)
    select 'fault-' || g, 'member' || g || '@faults.example', 'member' || g || '@faults.example', 'Member ' || g,
           (array['en','fr','es'])[1 + g % 3]
      from generate_series(1, ${n}) g`;
  await sql`
    insert into consent_events (member_id, topic, channel, granted, source, actor, policy_version, occurred_at)
    select id, 'society-news', 'email', true, 'import', 'import:faults', '2011-12-15', now() - interval '1 day'
      from members`;
}

/** A Society news campaign created and scheduled for now through the staff API. */
export async function scheduleCampaign(bench: Bench, name = 'Fault injection'): Promise<number> {
  const call = async (method: string, path: string, body: unknown) => {
    const res = await bench.app.request(path, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bench.editorToken}` },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<{ id: number }>;
  };
  const { id } = await call('POST', '/api/campaigns', {
    name,
    topic: 'society-news',
    subject: 'News for {{name}}',
    template: 'society-mailing',
  });
  await call('POST', `/api/campaigns/${id}/schedule`, { sendAt: '2020-01-01T00:00:00Z' });
  return id;
}

export async function campaignState(sql: Sql, id: number): Promise<string | null> {
  try {
    const [row] = await sql<{ state: string }[]>`select state from campaigns where id = ${id}`;
    return row?.state ?? null;
  } catch {
    return null; // the database may be down on purpose
  }
}

/** Waits for the campaign to reach `state`, or throws at the deadline. */
export async function waitForState(sql: Sql, id: number, state: string, deadline: number) {
  for (;;) {
    if ((await campaignState(sql, id)) === state) return;
    if (Date.now() > deadline) throw new Error(`campaign ${id} not ${state} before the time limit`);
    await sleep(200);
  }
}

/**
 * Waits for the campaign to finish one way or another (completed, paused,
 * failed, cancelled) or for the deadline, without throwing: `verify` reports
 * a campaign that did not complete, with everything else it found.
 */
export async function waitForEnd(sql: Sql, id: number, deadline: number) {
  while (Date.now() < deadline) {
    const state = await campaignState(sql, id);
    if (state && ['completed', 'paused', 'failed', 'cancelled'].includes(state)) return;
    await sleep(200);
  }
}

/** Waits until the stub has taken at least `n` messages, or throws at the deadline. */
export async function waitForTaken(ses: CountingSes, n: number, deadline: number) {
  while (ses.count() < n) {
    if (Date.now() > deadline) throw new Error(`fewer than ${n} messages sent before the time limit`);
    await sleep(25);
  }
}

/** With FAULTS_VERBOSE=1, a progress line every 2 s: messages taken, recipients and send jobs by state. */
export function reportProgress(bench: Bench, campaignId: () => number | undefined) {
  if (process.env.FAULTS_VERBOSE !== '1') return () => {};
  const timer = setInterval(async () => {
    try {
      const id = campaignId();
      const recipients = await bench.sql<{ state: string; n: number }[]>`
        select state, count(*)::int as n from campaign_recipients where campaign_id = ${id ?? 0} group by 1 order by 1`;
      const jobs = await bench.sql<{ state: string; n: number }[]>`
        select state, count(*)::int as n from pgboss.job where name = 'campaign-send' group by 1 order by 1`;
      const fmt = (rows: { state: string; n: number }[]) => rows.map((r) => `${r.state}=${r.n}`).join(' ');
      console.log(`  … taken ${bench.ses.count()} | recipients ${fmt(recipients)} | jobs ${fmt(jobs)}`);
    } catch (error) {
      console.log(`  … taken ${bench.ses.count()} | database: ${(error as Error).message}`);
    }
  }, 2000);
  return () => clearInterval(timer);
}

export interface AcceptedUnsubscribe {
  memberId: number;
  email: string;
  /** Wall clock when the one-click answer (200) came back. */
  acceptedAt: number;
}

/**
 * While the campaign sends, POSTs one-click unsubscribes through the real
 * route for random recipients (most still pending, so they matter), one every
 * `everyMs`, up to `max`. Only answers of 200 count as accepted; a refusal
 * while the database is down is retried with another recipient.
 */
export function unsubscribeDuringRun(
  bench: Bench,
  campaignId: number,
  options: { max: number; everyMs: number; seed: number },
) {
  const accepted: AcceptedUnsubscribe[] = [];
  const refused = { count: 0 };
  const random = mulberry32(options.seed);
  let stopped = false;
  const done = (async () => {
    while (!stopped && accepted.length < options.max) {
      await sleep(options.everyMs);
      try {
        const pendingOnly = random() < 0.8;
        const rows = await bench.sql<{ token: string; member_id: string; email_normalized: string }[]>`
          select token, member_id, email_normalized from campaign_recipients
           where campaign_id = ${campaignId} and member_id is not null
             ${pendingOnly ? bench.sql`and state = 'pending'` : bench.sql``}
           order by id limit 200`;
        if (rows.length === 0) continue;
        const r = rows[Math.floor(random() * rows.length)]!;
        if (accepted.some((a) => a.memberId === Number(r.member_id))) continue;
        const links = recipientLinks(
          { publicUrl: '', mailDomain: bench.deps.config.MAIL_DOMAIN, keys: bench.deps.linkKeys },
          {
            recipientToken: r.token,
            topic: 'society-news',
            campaignId,
            issuedAt: Math.floor(Date.now() / 1000),
          },
        );
        const res = await bench.app.request(links.unsubscribeUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'List-Unsubscribe=One-Click',
        });
        await res.arrayBuffer();
        if (res.status === 200) {
          accepted.push({ memberId: Number(r.member_id), email: r.email_normalized, acceptedAt: Date.now() });
        } else {
          refused.count++;
        }
      } catch {
        refused.count++; // the database is down on purpose
      }
    }
  })();
  return {
    accepted,
    refused,
    async stop() {
      stopped = true;
      await done;
    },
  };
}

// ---------------------------------------------------------------- scenario steps

/** Steps to undo when a scenario ends, run in reverse order by `runScenario`. */
export type Cleanup = (() => Promise<unknown>)[];

/**
 * The opening of every scenario: its start time, the deadline its waits share
 * (10 s inside the time limit, so a stuck wait fails with a message before the
 * hard limit), and a bench holding `recipients` members.
 */
export async function openBench(
  options: { recipients: number; timeLimitMs: number },
  cleanup: Cleanup,
  benchOptions: Parameters<typeof startBench>[0] = {},
) {
  const startedAt = Date.now();
  const deadline = startedAt + options.timeLimitMs - 10_000;
  const bench = await startBench(benchOptions);
  cleanup.push(() => bench.close());
  await addMembers(bench.sql, options.recipients);
  return { bench, startedAt, deadline };
}

/** One worker per settings; any still running when the scenario ends is killed outright. */
export function startWorkers(bench: Bench, cleanup: Cleanup, settings: WorkerSettings[]): Worker[] {
  const workers = settings.map((s) => startWorker(bench, s));
  cleanup.push(() => Promise.all(workers.map((w) => stopWorker(w, 'SIGKILL'))));
  return workers;
}

/** Stops the workers in turn; returns each one's exit code as it was just before (null: still running). */
export async function stopWorkers(workers: Worker[]): Promise<(number | null)[]> {
  const exits: (number | null)[] = [];
  for (const w of workers) {
    exits.push(w.child.exitCode);
    await stopWorker(w);
  }
  return exits;
}

/** Schedules the campaign, reporting progress while it runs (FAULTS_VERBOSE=1). */
export async function launchCampaign(bench: Bench, cleanup: Cleanup): Promise<number> {
  let id: number | undefined;
  const stopProgress = reportProgress(bench, () => id);
  cleanup.push(async () => stopProgress());
  id = await scheduleCampaign(bench);
  return id;
}

/** Once the campaign is sending, one-click unsubscribes (up to 20) arrive every `everyMs` while it runs. */
export async function unsubscribesOnceSending(
  bench: Bench,
  campaignId: number,
  deadline: number,
  options: { everyMs: number; seed: number },
) {
  await waitForState(bench.sql, campaignId, 'sending', deadline);
  return unsubscribeDuringRun(bench, campaignId, { max: 20, ...options });
}

// ---------------------------------------------------------------- the checks

export interface Verdict {
  recipients: number;
  members: number;
  seeds: number;
  sent: number;
  delivered: number;
  duplicates: number;
  lost: number;
  inDoubt: number;
  inDoubtDelivered: number;
  skipped: number;
  failed: number;
  unsubscribesAccepted: number;
  unsubscribesLost: number;
  sentAfterUnsubscribe: number;
  state: string | null;
  problems: string[];
}

/** The checks after a fault (see the top of this file). */
export async function verify(
  bench: Bench,
  campaignId: number,
  options: { unsubscribes: AcceptedUnsubscribe[]; maxInDoubt: number },
): Promise<Verdict> {
  const problems: string[] = [];
  const state = await campaignState(bench.sql, campaignId);
  if (state !== 'completed') problems.push(`campaign is ${state}, not completed`);
  const rows = await bench.sql<
    { email_normalized: string; state: string; member_id: string | null; claimed_at: Date | string | null }[]
  >`select email_normalized, state, member_id, claimed_at from campaign_recipients where campaign_id = ${campaignId}`;
  const received = new Map<string, number>();
  for (const m of bench.ses.taken)
    received.set(m.to.toLowerCase(), (received.get(m.to.toLowerCase()) ?? 0) + 1);
  const addresses = new Set(rows.map((r) => r.email_normalized));
  const strays = [...received.keys()].filter((a) => !addresses.has(a));
  if (strays.length > 0) problems.push(`${strays.length} messages went to addresses outside the audience`);

  const duplicates = [...received.values()].filter((n) => n > 1).length;
  if (duplicates > 0) problems.push(`${duplicates} recipients received more than one message`);
  const unsubscribed = new Map(options.unsubscribes.map((u) => [u.email, u]));
  let lost = 0;
  let inDoubtDelivered = 0;
  let sentAfterUnsubscribe = 0;
  const byState = new Map<string, number>();
  for (const r of rows) {
    byState.set(r.state, (byState.get(r.state) ?? 0) + 1);
    const n = received.get(r.email_normalized) ?? 0;
    if (r.state === 'sent' && n !== 1) {
      problems.push(`a recipient recorded as sent arrived ${n} times`);
      if (n === 0) lost++;
    }
    if (r.state === 'in-doubt' && n > 0) inDoubtDelivered++;
    if (r.state === 'pending' || r.state === 'claimed' || r.state === 'failed') lost++;
    if (r.state === 'skipped' && !unsubscribed.has(r.email_normalized)) {
      problems.push('a recipient was skipped though nobody unsubscribed them');
      lost++;
    }
    const u = unsubscribed.get(r.email_normalized);
    // A claim is the last look at consent: one that began after the opt-out was accepted must have seen it.
    if (
      u &&
      (r.state === 'sent' || r.state === 'in-doubt') &&
      r.claimed_at &&
      new Date(r.claimed_at).getTime() > u.acceptedAt
    ) {
      sentAfterUnsubscribe++;
    }
  }
  if (lost > 0) problems.push(`${lost} recipients lost (pending, claimed, failed or wrongly skipped)`);
  if (sentAfterUnsubscribe > 0)
    problems.push(`${sentAfterUnsubscribe} sends claimed after the member's unsubscribe`);
  const inDoubt = byState.get('in-doubt') ?? 0;
  if (inDoubt > options.maxInDoubt)
    problems.push(`${inDoubt} in doubt, more than the ${options.maxInDoubt} in flight`);

  // Every accepted unsubscribe is in the ledger, and the member's opt-in is off.
  let unsubscribesLost = 0;
  for (const u of options.unsubscribes) {
    const [row] = await bench.sql<{ logged: boolean; granted: boolean | null }[]>`
      select exists (select from consent_events where member_id = ${u.memberId} and topic = 'society-news'
                      and channel = 'email' and not granted and source = 'one-click') as logged,
             (select granted from consents where member_id = ${u.memberId} and topic = 'society-news'
                and channel = 'email') as granted`;
    if (!row!.logged || row!.granted !== false) unsubscribesLost++;
  }
  if (unsubscribesLost > 0)
    problems.push(`${unsubscribesLost} accepted unsubscribes missing from the ledger`);

  return {
    recipients: rows.length,
    members: rows.filter((r) => r.member_id !== null).length,
    seeds: rows.filter((r) => r.member_id === null).length,
    sent: byState.get('sent') ?? 0,
    delivered: received.size,
    duplicates,
    lost,
    inDoubt,
    inDoubtDelivered,
    skipped: byState.get('skipped') ?? 0,
    failed: byState.get('failed') ?? 0,
    unsubscribesAccepted: options.unsubscribes.length,
    unsubscribesLost,
    sentAfterUnsubscribe,
    state,
    problems,
  };
}

/** Prints the verdict as a summary and returns the exit code. */
export function summarize(
  name: string,
  verdict: Verdict,
  extra: Record<string, unknown>,
  startedAt: number,
): number {
  const { problems, ...figures } = verdict;
  const ok = problems.length === 0;
  console.log(`\n== ${name}: ${ok ? 'PASS' : 'FAIL'} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  for (const [k, v] of Object.entries({ ...extra, ...figures })) console.log(`  ${k.padEnd(22)} ${v}`);
  for (const p of problems) console.log(`  ! ${p}`);
  return ok ? 0 : 1;
}

/** Runs a scenario with a hard time limit; cleans up and sets the exit code. */
export async function runScenario(
  name: string,
  timeLimitMs: number,
  body: (cleanup: Cleanup) => Promise<number>,
) {
  const cleanup: Cleanup = [];
  const timer = setTimeout(() => {
    console.error(`${name}: time limit of ${timeLimitMs / 1000} s exceeded`);
    process.exit(2);
  }, timeLimitMs);
  let code = 1;
  try {
    code = await body(cleanup);
  } catch (error) {
    console.error(`${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    code = 1;
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => {});
    clearTimeout(timer);
  }
  process.exit(code);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
