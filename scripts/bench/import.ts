/**
 * How fast a membership export imports, and whether memory stays flat.
 *
 *   npx node scripts/bench/import.ts                  # 100,000 rows
 *   npx node scripts/bench/import.ts --rows 20000
 *   npx node scripts/bench/import.ts --batch-size 5000
 *
 * Writes a realistic export (every column the importer knows, addresses with
 * commas and quotes, a spread of yes / no / blank opt-ins) to a temp file as a
 * stream, then streams it through `importMembersCsv` into a fresh database:
 * first a fifth-size file (memory baseline, also warms the JIT), then the full
 * one. Reports wall time against the 15 s per 100k target, rows/s against the
 * best-known peer's ~10,000, and peak RSS (sampled every 50 ms) against the
 * smaller run's peak. Finally imports the same full file again, which must
 * change nothing, and reports how long that took.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { CHANNELS, TOPICS } from '../../src/consent/vocabulary.ts';
import { CSV_COLUMNS } from '../../src/members/csvRow.ts';
import { type ImportReport, importMembersCsv } from '../../src/members/importCsv.ts';
import { report } from './result.ts';
import { benchDatabase, seconds, sizeLabel } from './support.ts';

const TARGET_SECONDS_PER_100K = 15;
const PEER_ROWS_PER_SECOND = 10_000;
const MAX_RSS_RATIO = 1.2;
const SAMPLE_MS = 50;
const MB = 1024 * 1024;

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    'batch-size': { type: 'string' },
  },
});
const rows = Number(args.rows);
if (!Number.isSafeInteger(rows) || rows < 5000) {
  throw new Error(`--rows must be a whole number ≥ 5000, got ${args.rows}`);
}
const batchSize = args['batch-size'] === undefined ? undefined : Number(args['batch-size']);
if (batchSize !== undefined && (!Number.isSafeInteger(batchSize) || batchSize < 1)) {
  throw new Error(`--batch-size must be a whole number ≥ 1, got ${args['batch-size']}`);
}
const smallRows = Math.round(rows / 5);
const size = sizeLabel(rows);
const smallSize = sizeLabel(smallRows);

interface Measured {
  seconds: number;
  rssBeforeMb: number;
  peakRssMb: number;
  outcome: ImportReport;
  reimport?: Measured;
}

/** Imports `file` into a fresh database, and then again when `twice`, checking each outcome. */
async function importInto(name: string, file: string, count: number, twice: boolean): Promise<Measured> {
  const database = await benchDatabase(name);
  try {
    const first = await measured(() =>
      importMembersCsv(database.db, createReadStream(file), { label: name, batchSize }),
    );
    expectOutcome(first.outcome, count, { inserted: count, unchanged: 0 });
    if (first.outcome.consentEntries === 0) throw new Error(`${name}: no consent entries written`);
    console.log(
      `${name}: ${count} rows in ${first.seconds} s, ${first.outcome.consentEntries} consent entries, RSS ${first.rssBeforeMb} → peak ${first.peakRssMb} MB`,
    );
    if (!twice) return first;
    const again = await measured(() =>
      importMembersCsv(database.db, createReadStream(file), { label: `${name}-again`, batchSize }),
    );
    expectOutcome(again.outcome, count, { inserted: 0, unchanged: count });
    if (again.outcome.consentEntries !== 0) {
      throw new Error(`${name}: re-import wrote ${again.outcome.consentEntries} consent entries, expected 0`);
    }
    console.log(`${name} again: ${count} rows unchanged in ${again.seconds} s, no consent entries`);
    return { ...first, reimport: again };
  } finally {
    await database.close();
  }
}

async function measured(work: () => Promise<ImportReport>): Promise<Measured> {
  const rssBefore = process.memoryUsage.rss();
  let peak = rssBefore;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, SAMPLE_MS);
  const start = performance.now();
  try {
    const outcome = await work();
    const elapsed = performance.now() - start;
    peak = Math.max(peak, process.memoryUsage.rss());
    return {
      seconds: seconds(elapsed),
      rssBeforeMb: round1(rssBefore / MB),
      peakRssMb: round1(peak / MB),
      outcome,
    };
  } finally {
    clearInterval(sampler);
  }
}

function expectOutcome(
  outcome: ImportReport,
  count: number,
  expected: { inserted: number; unchanged: number },
) {
  const ok =
    outcome.applied &&
    outcome.rows === count &&
    outcome.invalid === 0 &&
    outcome.inserted === expected.inserted &&
    outcome.unchanged === expected.unchanged &&
    outcome.updated === 0;
  if (!ok) {
    const { problems, ...counts } = outcome;
    throw new Error(
      `import outcome ${JSON.stringify(counts)} is not ${JSON.stringify(expected)} of ${count}; first problems: ${JSON.stringify(problems.slice(0, 5))}`,
    );
  }
}

// ---------------------------------------------------------------------------
// A synthetic membership export

const OPT_IN_COLUMNS = CHANNELS.flatMap((channel) =>
  TOPICS.map((topic) => ({ column: `optin_${channel}_${topic.replaceAll('-', '_')}`, channel, topic })),
);
const HEADER = [
  'external_id',
  'email',
  'name',
  'address_line1',
  'address_line2',
  'city',
  'region',
  'postal_code',
  'country',
  'chapter',
  'membership_type',
  'language',
  'status',
  'joined_on',
  'renewed_on',
  ...OPT_IN_COLUMNS.map((c) => c.column),
  'optin_date',
];
if (HEADER.length !== CSV_COLUMNS.length || CSV_COLUMNS.some((c) => !HEADER.includes(c))) {
  throw new Error(`the synthetic export no longer covers every column: ${CSV_COLUMNS.join(', ')}`);
}

const FIRST = [
  'Ada',
  'Grace',
  'Tim',
  'Radia',
  'Vint',
  'Zoé',
  'José',
  'Seán',
  'Jürgen',
  'Anaïs',
  'Wei',
  'Priya',
  'Olu',
  'Mette',
  'Hiroshi',
  'María José',
];
const LAST = [
  'Lovelace',
  'Hopper',
  'Berners-Lee',
  'Perlman',
  'Cerf',
  'Durand',
  'García Márquez',
  "O'Brien",
  'Müller',
  'Nakamura',
  'van der Berg',
  'Okafor',
  'Sharma',
  'Lindqvist',
];
const STREETS = ['Main Street', 'Rue de la Paix', 'Hauptstraße', 'Baker Street', 'Calle Mayor', 'Elm Avenue'];
const SECOND_LINES = [
  'Apt 4B',
  'Suite 201',
  'c/o Smith, Jones & Co.',
  'Flat 2, "The Old Mill"',
  'Building C',
];
interface Place {
  country: string;
  language: string;
  /** Share of members, out of the total weight. */
  weight: number;
  /** City and region. */
  cities: readonly (readonly [string, string])[];
  /** # a digit, A a letter. */
  postal: string;
}
const PLACES: readonly Place[] = [
  {
    country: 'US',
    language: 'en',
    weight: 30,
    cities: [
      ['Reston', 'VA'],
      ['Boston', 'MA'],
      ['Austin', 'TX'],
    ],
    postal: '#####',
  },
  {
    country: 'GB',
    language: 'en',
    weight: 8,
    cities: [
      ['London', 'Greater London'],
      ['Leeds', 'West Yorkshire'],
    ],
    postal: 'AA# #AA',
  },
  {
    country: 'FR',
    language: 'fr',
    weight: 6,
    cities: [
      ['Paris', 'Île-de-France'],
      ['Lyon', 'Auvergne-Rhône-Alpes'],
    ],
    postal: '#####',
  },
  {
    country: 'DE',
    language: 'de',
    weight: 6,
    cities: [
      ['Berlin', 'Berlin'],
      ['München', 'Bayern'],
    ],
    postal: '#####',
  },
  {
    country: 'CA',
    language: 'en',
    weight: 4,
    cities: [
      ['Montréal', 'QC'],
      ['Toronto', 'ON'],
    ],
    postal: 'A#A #A#',
  },
  {
    country: 'IN',
    language: 'en',
    weight: 5,
    cities: [
      ['Bengaluru', 'Karnataka'],
      ['Pune', 'Maharashtra'],
    ],
    postal: '######',
  },
  {
    country: 'JP',
    language: 'ja',
    weight: 3,
    cities: [
      ['Tokyo', 'Tokyo'],
      ['Osaka', 'Osaka'],
    ],
    postal: '###-####',
  },
  {
    country: 'BR',
    language: 'pt',
    weight: 3,
    cities: [
      ['São Paulo', 'SP'],
      ['Recife', 'PE'],
    ],
    postal: '#####-###',
  },
  { country: 'NL', language: 'nl', weight: 2, cities: [['Amsterdam', 'Noord-Holland']], postal: '#### AA' },
  { country: 'KE', language: 'en', weight: 1, cities: [['Nairobi', '']], postal: '#####' },
];
const PLACE_BY_WEIGHT = PLACES.flatMap((p) => Array<Place>(p.weight).fill(p));
const DOMAINS = ['example.org', 'example.com', 'mail.example.net', 'univ.example.edu'];
const DAY = 86_400_000;
const EPOCH_2000 = Date.UTC(2000, 0, 1);

/** Streams `count` rows, ids prefixed with `prefix`, to `file`. Seeded: the same file every run. */
async function writeExport(file: string, count: number, prefix: string) {
  const random = mulberry32(count);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const postal = (pattern: string) =>
    pattern.replace(/[#A]/g, (c) =>
      c === '#' ? String(Math.floor(random() * 10)) : String.fromCharCode(65 + Math.floor(random() * 26)),
    );
  const optIn = () => {
    const r = random();
    return r < 0.45 ? 'yes' : r < 0.7 ? 'no' : r < 0.72 ? 'Yes' : '';
  };

  function row(i: number): string {
    const first = pick(FIRST);
    const last = pick(LAST);
    const place = pick(PLACE_BY_WEIGHT);
    const [city, region] = pick(place.cities);
    const local = `${ascii(first)}.${ascii(last)}${i}`;
    // Some exports keep the member's own capitalisation: the address still matches once normalised.
    const email =
      random() < 0.1
        ? `${local.replace(/^./, (c) => c.toUpperCase())}@${pick(DOMAINS)}`
        : `${local}@${pick(DOMAINS)}`;
    const joined = EPOCH_2000 + Math.floor(random() * 9000) * DAY;
    const renewed = random() < 0.8 ? joined + Math.floor(random() * 365) * DAY : undefined;
    const s = random();
    const status = s < 0.85 ? 'active' : s < 0.95 ? 'lapsed' : s < 0.99 ? 'resigned' : 'deceased';
    const t = random();
    const membershipType = t < 0.7 ? 'individual' : t < 0.9 ? 'student' : 'life';
    const optins = OPT_IN_COLUMNS.map((c) => (c.channel === 'postal' && random() < 0.5 ? '' : optIn()));
    const optInDate = random() < 0.6 ? date((renewed ?? joined) + Math.floor(random() * 30) * DAY) : '';
    return [
      `${prefix}${String(i).padStart(7, '0')}`,
      email,
      `${first} ${last}`,
      `${1 + Math.floor(random() * 2000)} ${pick(STREETS)}`,
      random() < 0.3 ? pick(SECOND_LINES) : '',
      city,
      region,
      postal(place.postal),
      place.country,
      `${place.country}-${1 + Math.floor(random() * 4)}`,
      membershipType,
      place.country === 'CA' && random() < 0.25 ? 'fr' : place.language,
      status,
      date(joined),
      renewed === undefined ? '' : date(renewed),
      ...optins,
      optInDate,
    ]
      .map(csvField)
      .join(',');
  }

  function* chunks() {
    yield `${HEADER.join(',')}\r\n`;
    const perChunk = 1000;
    for (let from = 1; from <= count; from += perChunk) {
      const lines: string[] = [];
      for (let i = from; i < Math.min(count + 1, from + perChunk); i++) lines.push(row(i));
      yield `${lines.join('\r\n')}\r\n`;
    }
  }
  await pipeline(Readable.from(chunks()), createWriteStream(file));
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Lower-case ASCII letters only, for the local part of an address. */
function ascii(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}

/** A small seeded PRNG, so every run imports the same file. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function round1(n: number): number {
  return Number(n.toFixed(1));
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'society-mailer-bench-import-'));
  try {
    const smallFile = join(dir, `members-${smallSize}.csv`);
    const file = join(dir, `members-${size}.csv`);
    const genStart = performance.now();
    await writeExport(smallFile, smallRows, 'S');
    await writeExport(file, rows, 'M');
    const fileMb = (await stat(file)).size / MB;
    console.log(
      `wrote ${smallRows} + ${rows} rows in ${seconds(performance.now() - genStart)} s (${fileMb.toFixed(1)} MB for ${size})`,
    );

    const small = await importInto(`import-${smallSize}`, smallFile, smallRows, false);
    const full = await importInto(`import-${size}`, file, rows, true);
    const again = full.reimport!;

    const target = (TARGET_SECONDS_PER_100K * rows) / 100_000;
    const rate = Math.round(rows / full.seconds);
    const parameters = {
      rows,
      batchSize: batchSize ?? 'default (1000)',
      fileMb: Number(fileMb.toFixed(1)),
      consentEntries: full.outcome.consentEntries,
      database: process.env.BENCH_DATABASE_URL ? 'BENCH_DATABASE_URL' : 'embedded, fsync off',
      node: process.version,
    };
    await report({
      name: `members-import-${size}-seconds`,
      value: full.seconds,
      unit: 's',
      baseline: target,
      baselineLabel: rows === 100_000 ? 'target 15 s' : 'target 15 s per 100k rows',
      pass: full.seconds < target,
      parameters,
    });
    await report({
      name: 'members-import-rate',
      value: rate,
      unit: 'rows/s',
      baseline: PEER_ROWS_PER_SECOND,
      baselineLabel: 'best-known peer ~10,000 rows/s',
      pass: rate >= PEER_ROWS_PER_SECOND,
      parameters,
    });
    const delta = full.peakRssMb - full.rssBeforeMb;
    const smallDelta = small.peakRssMb - small.rssBeforeMb;
    await report({
      name: 'members-import-peak-rss-mb',
      value: full.peakRssMb,
      unit: 'MB',
      baseline: small.peakRssMb,
      baselineLabel: `peak of the ${smallSize}-row run`,
      pass: full.peakRssMb <= MAX_RSS_RATIO * small.peakRssMb,
      parameters: {
        rows,
        smallRows,
        maxRatio: MAX_RSS_RATIO,
        rssBeforeMb: full.rssBeforeMb,
        deltaOverBeforeMb: round1(delta),
        smallRssBeforeMb: small.rssBeforeMb,
        smallDeltaOverBeforeMb: round1(smallDelta),
        sampleMs: SAMPLE_MS,
      },
    });
    await report({
      name: `members-reimport-${size}-seconds`,
      value: again.seconds,
      unit: 's',
      baseline: target,
      baselineLabel: rows === 100_000 ? 'target 15 s' : 'target 15 s per 100k rows',
      pass: again.seconds < target,
      parameters: {
        ...parameters,
        consentEntries: again.outcome.consentEntries,
        unchanged: again.outcome.unchanged,
        firstImportSeconds: full.seconds,
      },
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
