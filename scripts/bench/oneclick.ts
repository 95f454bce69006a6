/**
 * One-click unsubscribe under load, while a campaign sends.
 *
 *   npx node scripts/bench/oneclick.ts                          # 50,000 members, 10 s
 *   npx node scripts/bench/oneclick.ts --members 20000 --duration 10 --connections 50
 *
 * A database of its own (BENCH_DATABASE_URL's server, or an embedded
 * PostgreSQL with its durable defaults: fsync and synchronous commit on, as a
 * real unsubscribe needs), seeded with members opted in to Society news by
 * email, a sent campaign whose recipients' links are the ones clicked, and a
 * second campaign to the same members that is started and sends while the
 * load runs. The service (`src/main.ts`: HTTP, workers, local SES) runs in a
 * child process so autocannon does not share its event loop.
 *
 * autocannon POSTs `List-Unsubscribe=One-Click` to a different recipient's
 * link on every request. Reports requests/s (target ≥ 1,000) and p99 latency
 * (target < 50 ms), then counts the one-click ledger rows: at least one per
 * recipient answered 200, at most one per request started.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { PgBoss } from 'pg-boss';
import postgres from 'postgres';
import { startEmbeddedPostgres } from '../../src/db/embedded.ts';
import { applyMigrations } from '../../src/db/migrate.ts';
import { QUEUES } from '../../src/jobs/queues.ts';
import { generateSigningKey, parseSigningKeys, signLinkToken } from '../../src/unsubscribe/linkToken.ts';
import { freePort } from '../../test/support/freePort.ts';
import { report } from './result.ts';

const TARGET_RPS = 1000;
const TARGET_P99_MS = 50;

const { values: args } = parseArgs({
  options: {
    members: { type: 'string', default: '50000' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    /** Skip the concurrent campaign send, to see the endpoint alone. */
    'no-send': { type: 'boolean', default: false },
  },
});
const members = Number(args.members);
const duration = Number(args.duration);
const connections = Number(args.connections);
if (!Number.isSafeInteger(members) || members < 1000)
  throw new Error('--members must be a whole number ≥ 1000');

const cleanup: (() => Promise<unknown>)[] = [];
try {
  const databaseUrl = await openDatabase();
  await applyMigrations(databaseUrl);
  const sql = postgres(databaseUrl, { max: 4, onnotice: () => {} });
  cleanup.push(() => sql.end());

  console.log(`seeding ${members} members…`);
  const seedStart = performance.now();
  await sql`
    insert into members (external_id, email, email_normalized, name, language)
    select 'bench-' || g, 'member' || g || '@example.org', 'member' || g || '@example.org', 'Member ' || g,
           (array['en','fr','es'])[1 + g % 3]
      from generate_series(1, ${members}) g`;
  await sql`
    insert into consent_events (member_id, topic, channel, granted, source, actor, policy_version, occurred_at)
    select id, 'society-news', 'email', true, 'import', 'import:bench', '2011-12-15', now() - interval '1 day'
      from members`;
  // The campaign whose links are clicked: already sent, one recipient per member.
  const [clicked] = await sql<{ id: string }[]>`
    insert into campaigns (name, topic, subject, template, from_address, created_by, state)
    values ('February news', 'society-news', 'February', 'society-mailing', 'news@mail.society.example', 'staff:bench', 'completed')
    returning id`;
  const clickedId = Number(clicked!.id);
  const recipients = await sql<{ token: string }[]>`
    insert into campaign_recipients (campaign_id, member_id, email_normalized, token, language, state)
    select ${clickedId}, id, email_normalized, md5(random()::text) || md5(random()::text), language, 'sent' from members
    returning token`;
  console.log(`seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

  // The service, in its own process.
  const keyEntry = generateSigningKey('bench1');
  const keys = parseSigningKeys([keyEntry]);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const service = spawn(process.execPath, [join(import.meta.dirname, '..', '..', 'src', 'main.ts')], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      PUBLIC_URL: baseUrl,
      SES_LOCAL_PORT: String(await freePort()),
      LINK_SIGNING_KEYS: keyEntry,
      DATA_DIR: await mkdtemp(join(tmpdir(), 'society-mailer-bench-oneclick-data-')),
      SEND_RATE: '200',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  cleanup.push(() => stop(service));
  await waitForHealth(baseUrl, service);

  // The campaign that sends during the load: same members, same topic.
  const [sending] = await sql<{ id: string }[]>`
    insert into campaigns (name, topic, subject, template, from_address, created_by, state, send_at)
    values ('March news', 'society-news', 'March', 'society-mailing', 'news@mail.society.example', 'staff:bench', 'scheduled', now())
    returning id`;
  const sendingId = Number(sending!.id);
  const boss = new PgBoss({ connectionString: databaseUrl, schema: 'pgboss', max: 1 });
  boss.on('error', () => {});
  await boss.start();
  if (!args['no-send']) await boss.send(QUEUES.campaignStart, { campaignId: sendingId });
  await boss.stop({ graceful: false, close: true });
  await new Promise((resolve) => setTimeout(resolve, 1500)); // let the audience build and the first sends start

  const issuedAt = Math.floor(Date.now() / 1000);
  const paths = recipients.map(
    ({ token }) =>
      `/u/${signLinkToken({ recipientToken: token, topic: 'society-news', campaignId: clickedId, issuedAt }, keys)}`,
  );
  let next = 0;
  // Warm-up, one at a time: the latency of a lone request, without queueing.
  const warmStart = performance.now();
  for (let i = 0; i < 50; i++) {
    const res = await fetch(`${baseUrl}${paths[next++]}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    await res.arrayBuffer();
  }
  console.log(`one request at a time: ${((performance.now() - warmStart) / 50).toFixed(1)} ms each`);
  const sentBefore = await sentCount(sql, sendingId);
  console.log(`POST one-click for ${duration} s over ${connections} connections…`);
  const result = await autocannon({
    url: baseUrl,
    connections,
    duration,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
    requests: [{ setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length]! }) }],
  });
  const sentDuring = (await sentCount(sql, sendingId)) - sentBefore;
  const [state] = await sql<{ state: string }[]>`select state from campaigns where id = ${sendingId}`;

  // Every request used a recipient of its own (unless the run outlasted them all).
  const warmUp = 50;
  const answered = Math.min(warmUp + result['2xx'], paths.length);
  const handedOut = Math.min(next, paths.length);
  const [ledger] = await sql<{ n: string }[]>`
    select count(*) as n from consent_events where source = 'one-click'`;
  const [events] = await sql<{ n: string }[]>`
    select count(*) as n from campaign_events where campaign_id = ${clickedId} and type = 'unsubscribe'`;
  const [skipped] = await sql<{ n: string }[]>`
    select count(*) as n from campaign_recipients r
      join consents c on c.member_id = r.member_id and c.topic = 'society-news' and c.channel = 'email'
     where r.campaign_id = ${sendingId} and r.state = 'sent' and not c.granted and r.sent_at > c.occurred_at`;

  console.log(
    `requests: ${result.requests.total} (${result['2xx']} answered 2xx, ${result.non2xx} other, ${result.errors} errors, ${result.timeouts} timeouts)`,
  );
  console.log(
    `one-click ledger rows: ${ledger!.n}; recipients answered 200 (warm-up included): ${answered}; ` +
      `requests started: ${handedOut} (those cut off at the end may have committed); campaign unsubscribe events: ${events!.n}`,
  );
  console.log(
    `campaign sent ${sentDuring} messages during the load (now ${state!.state}); sent after the member's unsubscribe was committed (claims checked just before it included): ${skipped!.n}`,
  );
  const ledgerRows = Number(ledger!.n);
  if (ledgerRows < answered || ledgerRows > handedOut) {
    console.log('MISMATCH: an answered unsubscribe is missing from the ledger, or a row has no request');
  }

  const parameters = {
    members,
    connections,
    durationSeconds: duration,
    database: process.env.BENCH_DATABASE_URL ? 'BENCH_DATABASE_URL' : 'embedded, fsync on',
    campaignSentDuringLoad: sentDuring,
    ledgerRows,
    answered200: answered,
    loadAverage: loadavg().map((n) => Number(n.toFixed(2))),
    cpus: availableParallelism(),
  };
  await report({
    name: 'oneclick-rps',
    value: Math.round(result.requests.average),
    unit: 'requests/s',
    baseline: TARGET_RPS,
    baselineLabel: 'target',
    pass:
      result.requests.average >= TARGET_RPS &&
      result.non2xx === 0 &&
      result.errors === 0 &&
      ledgerRows >= answered &&
      ledgerRows <= handedOut,
    parameters,
  });
  await report({
    name: 'oneclick-p99-ms',
    value: result.latency.p99,
    unit: 'ms',
    baseline: TARGET_P99_MS,
    baselineLabel: 'target',
    pass: result.latency.p99 < TARGET_P99_MS,
    parameters,
  });
} finally {
  for (const step of cleanup.reverse()) await step().catch((error: unknown) => console.error(error));
}

async function openDatabase(): Promise<string> {
  const given = process.env.BENCH_DATABASE_URL;
  const name = `sm_bench_oneclick_${Date.now().toString(36)}`;
  if (given) {
    const admin = postgres(given, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    cleanup.push(async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    });
    const url = new URL(given);
    url.pathname = `/${name}`;
    return url.toString();
  }
  const dir = await mkdtemp(join(tmpdir(), 'society-mailer-bench-oneclick-'));
  await chmod(dir, 0o755); // under root the cluster runs as the postgres user
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const pg = await startEmbeddedPostgres({
    dir: join(dir, 'pg'),
    port: await freePort(),
    database: 'bench',
    ephemeral: process.env.BENCH_NO_FSYNC === '1',
  });
  cleanup.push(() => pg.stop());
  return pg.url;
}

async function waitForHealth(baseUrl: string, child: ChildProcess) {
  const deadline = performance.now() + 60_000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the service exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the service did not become healthy within 60 s');
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function sentCount(sql: postgres.Sql, campaignId: number): Promise<number> {
  const [row] = await sql<{ n: string }[]>`
    select count(*) as n from campaign_recipients where campaign_id = ${campaignId} and state = 'sent'`;
  return Number(row!.n);
}
