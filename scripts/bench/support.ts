/**
 * What the benchmarks share: a fresh, migrated database of their own, and the
 * command-line options for a worker.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { connect, type Db, type Sql } from '../../src/db/connect.ts';
import { startEmbeddedPostgres } from '../../src/db/embedded.ts';
import { applyMigrations } from '../../src/db/migrate.ts';
import { freePort } from '../../test/support/freePort.ts';

/** A migrated database that exists only for one benchmark run. */
export interface BenchDatabase {
  url: string;
  sql: Sql;
  db: Db;
  /** Ends the connections, then drops the database (or stops the embedded server). */
  close(): Promise<void>;
}

/**
 * A fresh database named after the benchmark: created on BENCH_DATABASE_URL's
 * server when that is set (dropped on close), else in a throwaway embedded
 * PostgreSQL on a free port, without fsync (removed on close).
 */
export async function benchDatabase(name: string, options: { max?: number } = {}): Promise<BenchDatabase> {
  const server = await openServer(name);
  try {
    await applyMigrations(server.url);
  } catch (error) {
    await server.close();
    throw error;
  }
  const { sql, db } = connect(server.url, { max: options.max ?? 2 });
  return {
    url: server.url,
    sql,
    db,
    close: async () => {
      try {
        await sql.end();
      } finally {
        await server.close();
      }
    },
  };
}

async function openServer(name: string): Promise<{ url: string; close(): Promise<void> }> {
  const given = process.env.BENCH_DATABASE_URL;
  if (given) {
    const database = `sm_bench_${name.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_${randomBytes(4).toString('hex')}`;
    const admin = postgres(given, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${database}`);
    const url = new URL(given);
    url.pathname = `/${database}`;
    return {
      url: url.toString(),
      close: async () => {
        try {
          await admin.unsafe(`drop database if exists ${database} with (force)`);
        } finally {
          await admin.end();
        }
      },
    };
  }
  const dir = await mkdtemp(join(tmpdir(), `society-mailer-bench-${name}-`));
  await chmod(dir, 0o755); // under root the cluster runs as the postgres user, who must reach pg/
  try {
    const pg = await startEmbeddedPostgres({
      dir: join(dir, 'pg'),
      port: await freePort(),
      database: 'bench',
      ephemeral: true,
    });
    return {
      url: pg.url,
      close: async () => {
        try {
          await pg.stop();
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * The worker settings a send benchmark takes on its command line, for
 * `parseArgs`: the rate limit (far above what one worker reaches, by default),
 * batch size and concurrency, and NODE_OPTIONS for the worker.
 */
export const workerOptions = {
  rate: { type: 'string', default: '100000' },
  'batch-size': { type: 'string', default: '100' },
  concurrency: { type: 'string', default: '8' },
  /** Passed to the worker as NODE_OPTIONS, e.g. "--max-semi-space-size=4". */
  'node-options': { type: 'string' },
} as const;

/** A command-line option as a whole number of at least `min`; throws naming the option otherwise. */
export function wholeNumberOption<A extends Record<string, unknown>>(
  args: A,
  name: keyof A & string,
  min: number,
): number {
  const n = Number(args[name]);
  if (!Number.isSafeInteger(n) || n < min)
    throw new Error(`--${name} must be a whole number ≥ ${min}, got ${args[name]}`);
  return n;
}

/** Whole seconds to three decimals. */
export function seconds(ms: number): number {
  return Number((ms / 1000).toFixed(3));
}

/** "100k", "1m", or the number itself: for figure names. */
export function sizeLabel(n: number): string {
  if (n % 1_000_000 === 0) return `${n / 1_000_000}m`;
  if (n % 1000 === 0) return `${n / 1000}k`;
  return String(n);
}
