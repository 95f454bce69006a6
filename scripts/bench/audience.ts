/**
 * How long freezing an audience takes, and what our layers cost over the bare
 * statement.
 *
 *   npx node scripts/bench/audience.ts               # 1,000,000 members
 *   npx node scripts/bench/audience.ts --members 100000
 *
 * Uses a fresh database on BENCH_DATABASE_URL's server when set (dropped at
 * the end), else a throwaway embedded PostgreSQL. Seeds members, the consent
 * ledger (the trigger keeps `consents` in step) and suppressions with
 * set-based SQL, then times, alternately and each from an empty
 * campaign_recipients, (a) the INSERT … SELECT written out by hand and (b)
 * `buildAudience` for the same filter (its lock, checks and transaction
 * included), and reports the medians.
 */
import { parseArgs } from 'node:util';
import { PgDialect } from 'drizzle-orm/pg-core';
import { buildAudience, insertRecipients } from '../../src/audiences/buildAudience.ts';
import type { Segment } from '../../src/audiences/segment.ts';
import type { Db, Sql } from '../../src/db/connect.ts';
import { report } from './result.ts';
import { benchDatabase } from './support.ts';

const ROUNDS = 5;
const TARGET_SECONDS_PER_MILLION = 15;
const MAX_RATIO = 1.3;

const COUNTRIES = ['US', 'GB', 'FR', 'DE', 'CA'] as const;
const segment: Segment = {
  all: [
    { field: 'country', op: 'in', values: [...COUNTRIES] },
    { field: 'status', op: 'eq', value: 'active' },
  ],
};

const { values: args } = parseArgs({
  options: { members: { type: 'string', default: '1000000' }, explain: { type: 'boolean', default: false } },
});
const memberCount = Number(args.members);
if (!Number.isSafeInteger(memberCount) || memberCount < 1000) {
  throw new Error(`--members must be a whole number ≥ 1000, got ${args.members}`);
}
const sizeLabel =
  memberCount % 1_000_000 === 0
    ? `${memberCount / 1_000_000}m`
    : memberCount % 1000 === 0
      ? `${memberCount / 1000}k`
      : String(memberCount);

async function run(sql: Sql, db: Db) {
  const [campaign] = await sql<{ id: string }[]>`
    insert into campaigns (name, topic, channel, subject, from_address, created_by, segment)
    values ('Bench', 'society-news', 'email', 'Bench', 'news@society.example', 'bench', ${JSON.stringify(segment)}::jsonb)
    returning id`;
  const campaignId = Number(campaign!.id);

  if (args.explain) await explain(sql, campaignId);

  const bare: number[] = [];
  const built: number[] = [];
  let recipients = 0;
  // One warm-up round, not counted, then alternate so drift hits both alike.
  for (let round = 0; round <= ROUNDS; round++) {
    const a = await timeBare(sql, campaignId);
    const b = await timeBuild(db, sql, campaignId);
    if (a.rows !== b.rows) throw new Error(`bare statement added ${a.rows} rows, buildAudience ${b.rows}`);
    recipients = b.rows;
    console.log(
      `round ${round}${round === 0 ? ' (warm-up)' : ''}: bare ${a.s.toFixed(2)} s, build ${b.s.toFixed(2)} s`,
    );
    if (round > 0) {
      bare.push(a.s);
      built.push(b.s);
    }
  }
  console.log(`${recipients} recipients per build`);

  const parameters = { members: memberCount, recipients, rounds: ROUNDS, segment };
  const target = (TARGET_SECONDS_PER_MILLION * memberCount) / 1_000_000;
  const build = median(built);
  await report({
    name: `audience-build-${sizeLabel}`,
    value: round3(build),
    unit: 's',
    baseline: target,
    baselineLabel: 'target',
    pass: build < target,
    parameters,
  });
  await report({
    name: `audience-build-vs-bare-${sizeLabel}`,
    value: round3(build),
    unit: 's',
    baseline: round3(median(bare)),
    baselineLabel: 'bare INSERT … SELECT',
    pass: build <= MAX_RATIO * median(bare),
    parameters: { ...parameters, maxRatio: MAX_RATIO },
  });
}

/** The statement buildAudience stands for, written out by hand with the filter inline. */
const BARE = `insert into campaign_recipients (campaign_id, member_id, email_normalized, token, language)
       select $1::bigint, m.id, m.email_normalized,
              replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), m.language
         from members m
         join consents c on c.member_id = m.id and c.topic = 'society-news' and c.channel = 'email' and c.granted
        where m.status = 'active'
          and not exists (select from suppressions s where s.email_normalized = m.email_normalized)
          and m.country in ('US', 'GB', 'FR', 'DE', 'CA')
       on conflict do nothing`;

async function timeBare(sql: Sql, campaignId: number) {
  return timed(sql, async () => {
    const start = performance.now();
    const rows = await sql.begin(async (tx) => (await tx.unsafe(BARE, [campaignId])).count);
    return { s: seconds(performance.now() - start), rows };
  });
}

/** Prints both plans as run for real (`--explain`). */
async function explain(sql: Sql, campaignId: number) {
  const built = new PgDialect({ casing: 'snake_case' }).sqlToQuery(
    insertRecipients({ campaignId, topic: 'society-news', channel: 'email', segment }, { rebuild: false }),
  );
  for (const [label, text, params] of [
    ['bare', BARE, [campaignId]],
    ['buildAudience', built.sql, built.params],
  ] as const) {
    const plan = await sql.unsafe(`explain (analyze, buffers) ${text}`, params as never[]);
    console.log(`--- ${label}\n${plan.map((r) => r['QUERY PLAN']).join('\n')}`);
    await sql`truncate campaign_recipients cascade`;
  }
}

async function timeBuild(db: Db, sql: Sql, campaignId: number) {
  return timed(sql, async () => {
    const start = performance.now();
    const rows = await db.transaction((tx) =>
      buildAudience(tx, { campaignId, topic: 'society-news', channel: 'email', segment }),
    );
    return { s: seconds(performance.now() - start), rows };
  });
}

/**
 * Times one committed build, then empties the table so every round starts
 * from the same state (rolled-back rows would leave bloat behind).
 */
async function timed(sql: Sql, work: () => Promise<{ s: number; rows: number }>) {
  const out = await work();
  await sql`truncate campaign_recipients cascade`;
  await sql`analyze campaign_recipients`;
  return out;
}

/**
 * Members with a realistic spread: most in a few countries, languages that
 * follow the country, 85% active; consent given at joining for some topics
 * and channels, a tenth later withdrawn; 1% of addresses suppressed. Seeded
 * in slices so no one statement's trigger sorts millions of ledger rows.
 */
async function seed(sql: Sql, count: number) {
  await sql`select setseed(0.42)`;
  const slice = 250_000;
  for (let from = 1; from <= count; from += slice) {
    const to = Math.min(count, from + slice - 1);
    await sql`
      insert into members (external_id, email, email_normalized, name, country, chapter, membership_type,
                           language, status, joined_on, renewed_on)
      select 'M' || g, 'Member' || g || '@example.org', 'member' || g || '@example.org', 'Member ' || g,
             country,
             country || '-' || (1 + floor(r2 * 4))::int,
             case when r3 < 0.7 then 'individual' when r3 < 0.9 then 'student' else 'life' end,
             case country when 'FR' then 'fr' when 'DE' then 'de' when 'ES' then 'es' when 'BR' then 'pt'
                          when 'JP' then 'ja' when 'IT' then 'it' when 'NL' then 'nl'
                          when 'CA' then case when r2 < 0.2 then 'fr' else 'en' end else 'en' end,
             case when r4 < 0.85 then 'active' when r4 < 0.95 then 'lapsed' when r4 < 0.99 then 'resigned'
                  else 'deceased' end,
             date '2000-01-01' + (r5 * 8000)::int,
             date '2020-01-01' + (r5 * 1800)::int
        from (select g, random() as r2, random() as r3, random() as r4, random() as r5,
                     (array['US','US','US','US','US','US','US','US','US','US','US','US','US','US','US',
                            'US','US','US','US','US','US','US','US','US','US','US','US','US','US','US',
                            'GB','GB','GB','GB','GB','GB','GB','GB','FR','FR','FR','FR','FR','FR',
                            'DE','DE','DE','DE','DE','DE','CA','CA','CA','CA','IN','IN','IN','IN',
                            'IN','AU','AU','AU','JP','JP','JP','BR','BR','BR','ES','ES','IT','IT',
                            'NL','NL','SE','CH','BE','IE','NZ','MX','AR','ZA','NG','KE','SG','KR',
                            'PL','PT','AT','DK','NO','FI','CZ','GR','IL','TR','EG','PK','BD','CL'])
                       [1 + floor(random() * 100)::int] as country
                from generate_series(${from}::int, ${to}::int) g) s`;
    // One random draw per member and topic: the lateral VALUES sees each member's own draws.
    await sql`
      insert into consent_events (member_id, topic, channel, granted, source, actor, policy_version, occurred_at)
      select s.id, t.topic, t.channel, true, 'join-form', 'bench', '2011-12-15', s.joined_on::timestamptz
        from (select id, joined_on, random() as r1, random() as r2, random() as r3, random() as r4,
                     random() as r5, random() as r6
                from members where id between ${from} and ${to}) s
        cross join lateral (values ('society-news', 'email', s.r1 < 0.70), ('events', 'email', s.r2 < 0.50),
                                   ('internet-issues', 'email', s.r3 < 0.40),
                                   ('partner-offers', 'email', s.r4 < 0.15),
                                   ('society-news', 'postal', s.r5 < 0.25),
                                   ('events', 'postal', s.r6 < 0.10)) t(topic, channel, given)
       where t.given`;
    await sql`
      insert into consent_events (member_id, topic, channel, granted, source, actor, policy_version, occurred_at)
      select c.member_id, c.topic, c.channel, false, 'unsubscribe-link', 'bench', '2011-12-15', now()
        from consents c
       where c.member_id between ${from} and ${to} and random() < 0.10`;
  }
  await sql`
    insert into suppressions (email_normalized, reason)
    select email_normalized, case when random() < 0.8 then 'hard-bounce' else 'complaint' end
      from members where random() < 0.01`;
  await sql`vacuum analyze`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function seconds(ms: number): number {
  return ms / 1000;
}

function round3(n: number): number {
  return Number(n.toFixed(3));
}

// Last, so every declaration above is initialised before it runs.
const database = await benchDatabase('audience');
try {
  const { sql, db } = database;
  const seedStart = performance.now();
  await seed(sql, memberCount);
  const [counts] = await sql<{ members: number; events: number; granted: number; suppressed: number }[]>`
    select (select count(*)::int from members) as members,
           (select count(*)::int from consent_events) as events,
           (select count(*)::int from consents where granted) as granted,
           (select count(*)::int from suppressions) as suppressed`;
  console.log(`seeded in ${seconds(performance.now() - seedStart).toFixed(1)} s:`, counts);
  await run(sql, db);
} finally {
  await database.close();
}
