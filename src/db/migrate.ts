import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { connect } from './connect.ts';

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/**
 * Applies every committed migration not yet applied. Many processes may start
 * at once, so they take turns on one session-level advisory lock, held on a
 * single connection that the migrator also uses.
 */
export async function applyMigrations(url: string): Promise<void> {
  const { sql, db } = connect(url, { max: 1 });
  try {
    await sql`select pg_advisory_lock(727001)`;
    await migrate(db, { migrationsFolder });
    await sql`select pg_advisory_unlock(727001)`;
  } finally {
    await sql.end();
  }
}
