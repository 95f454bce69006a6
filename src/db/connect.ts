import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema.ts';

export function connect(url: string, options: { max?: number } = {}) {
  const sql = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connection: { application_name: 'society-mailer' },
  });
  const db = drizzle(sql, { schema, casing: 'snake_case' });
  return { sql, db };
}

export type Sql = ReturnType<typeof connect>['sql'];
export type Db = ReturnType<typeof connect>['db'];
/** A transaction handle, or the database itself: both run queries the same way. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0] | Db;
