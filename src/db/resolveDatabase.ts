import { join } from 'node:path';
import postgres from 'postgres';
import type { Config } from '../config/loadConfig.ts';
import { embeddedUrl, startEmbeddedPostgres } from './embedded.ts';

/**
 * The database a one-off command should use: DATABASE_URL; else the embedded
 * cluster of a running `npm start`; else the embedded cluster started for
 * the duration of the command.
 */
export async function resolveDatabase(config: Config): Promise<{ url: string; release(): Promise<void> }> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, release: async () => {} };
  const url = embeddedUrl(config.EMBEDDED_PG_PORT, 'society_mailer');
  const probe = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    await probe`select 1`;
    return { url, release: async () => {} };
  } catch {
    const embedded = await startEmbeddedPostgres({
      dir: join(config.DATA_DIR, 'postgres'),
      port: config.EMBEDDED_PG_PORT,
      database: 'society_mailer',
    });
    return { url: embedded.url, release: () => embedded.stop() };
  } finally {
    await probe.end();
  }
}
