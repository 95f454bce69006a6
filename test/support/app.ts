import { PgBoss } from 'pg-boss';
import { type Config, loadConfig } from '../../src/config/loadConfig.ts';
import type { Clock, Deps } from '../../src/deps.ts';
import { createApp, type Mount } from '../../src/http/app.ts';
import { createQueues } from '../../src/jobs/queues.ts';
import { createLogger } from '../../src/ops/logger.ts';
import { createMetrics } from '../../src/ops/metrics.ts';
import type { Role } from '../../src/staff/roles.ts';
import { createStaffUser, issueStaffToken } from '../../src/staff/staffUsers.ts';
import { ensureEmailContract } from '../../src/subcontractors/defaultContract.ts';
import { createSesClient } from '../../src/subcontractors/sesAdapter.ts';
import { resolveSigningKeys } from '../../src/unsubscribe/signingKeys.ts';
import { createTestDatabase } from './db.ts';

export interface TestAppOptions {
  env?: Record<string, string>;
  /** SES endpoint (a local one from test/support/ses.ts); default: an unreachable port. */
  sesEndpoint?: string;
  clock?: Clock;
  mounts?: Mount[];
}

/**
 * The HTTP app on its own fresh database, with pg-boss and one staff token
 * per role. Requests go through `app.request` (no port needed).
 */
export async function createTestApp(options: TestAppOptions = {}) {
  const database = await createTestDatabase();
  const config: Config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: database.url,
    PUBLIC_URL: 'http://localhost:3000',
    SES_ENDPOINT: options.sesEndpoint ?? 'http://127.0.0.1:9',
    SES_REGION: 'us-east-1',
    LINK_SIGNING_KEYS: 'test1:dGVzdC1zaWduaW5nLWtleS0wMDAwMDAwMDAwMDAwMDAwMDAwMDA=',
    ...options.env,
  });
  const boss = new PgBoss({ connectionString: database.url, schema: 'pgboss', max: 4 });
  boss.on('error', () => {});
  await boss.start();
  await createQueues(boss);
  const ses = createSesClient({
    endpoint: config.SES_ENDPOINT,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const deps: Deps = {
    config,
    db: database.db,
    sql: database.sql,
    boss,
    ses,
    log: createLogger(config.LOG_LEVEL, false),
    metrics: createMetrics(),
    clock: options.clock ?? { now: () => new Date() },
    linkKeys: await resolveSigningKeys(config),
  };
  await database.db.transaction((tx) => ensureEmailContract(tx, new Date()));
  const tokens = {} as Record<Role, string>;
  for (const role of ['editor', 'approver', 'admin'] as const) {
    const id = await createStaffUser(database.db, { email: `${role}@staff.example`, name: role, role });
    tokens[role] = await issueStaffToken(database.db, id, 'test');
  }
  const app = createApp(deps, options.mounts);
  const call = (
    method: string,
    path: string,
    body?: unknown,
    token?: string,
    headers: Record<string, string> = {},
  ) =>
    app.request(path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  return {
    app,
    deps,
    database,
    tokens,
    call,
    async close() {
      await boss.stop({ graceful: false, close: true });
      ses.destroy();
      await database.close();
    },
  };
}
/** A response's JSON body, loosely typed for assertions. */
export const json = (res: Response): Promise<any> => res.json();

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;
