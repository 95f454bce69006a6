import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { connect } from '../../src/db/connect.ts';
import { withDatabase } from './globalSetup.ts';

/**
 * A fresh database for one test file, cloned from the migrated template. It is
 * dropped at the end of the run (set KEEP_TEST_DATABASES=1 to inspect it).
 */
export async function createTestDatabase() {
  const adminUrl = inject('adminUrl');
  const name = `sm_t_${inject('runId')}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    // Cloning needs the template to have no other connections; retry briefly if another file is cloning.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.unsafe(`create database ${name} template ${inject('templateDatabase')}`);
        break;
      } catch (error) {
        if (attempt > 50 || (error as { code?: string }).code !== '55006') throw error;
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
      }
    }
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, name);
  const { sql, db } = connect(url);
  return { url, name, sql, db, close: () => sql.end() };
}

export type TestDatabase = Awaited<ReturnType<typeof createTestDatabase>>;
