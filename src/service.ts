import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { serve } from '@hono/node-server';
import { PgBoss } from 'pg-boss';
import { type Config, usesLocalSes } from './config/loadConfig.ts';
import { connect } from './db/connect.ts';
import { type EmbeddedDatabase, startEmbeddedPostgres } from './db/embedded.ts';
import { applyMigrations } from './db/migrate.ts';
import { type Deps, systemClock } from './deps.ts';
import { createApp } from './http/app.ts';
import { createQueues } from './jobs/queues.ts';
import { registerWorkers } from './jobs/registerWorkers.ts';
import { startLocalSes } from './ops/localSes.ts';
import { createLogger, type Logger } from './ops/logger.ts';
import { createMetrics } from './ops/metrics.ts';
import { bootstrapFirstAdmin } from './staff/bootstrap.ts';
import { createSesClient } from './subcontractors/sesAdapter.ts';
import { resolveSigningKeys } from './unsubscribe/signingKeys.ts';

export interface Service {
  deps: Deps;
  /** Where the HTTP server listens. */
  url: string;
  /** Whether this process serves HTTP (false for a worker-only process). */
  http: boolean;
  /** The local SES endpoint (and its inbox viewer), when one runs in-process. */
  sesUrl?: string;
  /** The first admin's token, only on the start that created it. */
  firstAdminToken?: string;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  /** Run the HTTP server (default true). */
  http?: boolean;
  /** Run queue workers (default true). */
  workers?: boolean;
  log?: Logger;
}

/**
 * Brings the whole service up on the given configuration: PostgreSQL
 * (embedded unless DATABASE_URL), migrations, pg-boss and its queues, SES
 * (a local endpoint unless SES settings are given), the HTTP server and the
 * workers. Each step's undo is remembered so `stop` (or a failed start)
 * unwinds in reverse order.
 */
export async function startService(config: Config, options: ServiceOptions = {}): Promise<Service> {
  const log = options.log ?? createLogger(config.LOG_LEVEL);
  const undo: (() => Promise<unknown>)[] = [];
  const unwind = async () => {
    for (const step of undo.reverse()) {
      await step().catch((err: unknown) => log.error({ err }, 'shutdown step failed'));
    }
  };
  try {
    let databaseUrl = config.DATABASE_URL;
    if (!databaseUrl) {
      const embedded: EmbeddedDatabase = await startEmbeddedPostgres({
        dir: join(config.DATA_DIR, 'postgres'),
        port: config.EMBEDDED_PG_PORT,
        database: 'society_mailer',
      });
      undo.push(() => embedded.stop());
      databaseUrl = embedded.url;
      log.info({ port: config.EMBEDDED_PG_PORT }, 'embedded PostgreSQL started');
    }
    await applyMigrations(databaseUrl);
    const { sql, db } = connect(databaseUrl, { max: 20 });
    undo.push(() => sql.end({ timeout: 5 }));

    // Supervision every 10 s: a worker that died mid-job stops heartbeating and its job is retried soon.
    const boss = new PgBoss({
      connectionString: databaseUrl,
      schema: 'pgboss',
      max: 10,
      superviseIntervalSeconds: 10,
    });
    boss.on('error', (err) => log.error({ err }, 'queue error'));
    await boss.start();
    let bossStopped = false;
    // Stopping the queue first lets jobs in hand finish while SES and the database are still there.
    const stopBoss = async () => {
      if (bossStopped) return;
      bossStopped = true;
      await boss.stop({ graceful: true, timeout: config.SHUTDOWN_TIMEOUT_MS, close: true });
    };
    undo.push(stopBoss);
    await createQueues(boss);

    let sesUrl: string | undefined;
    let ses: SESv2Client;
    // A call must end well within the claim lease, so a live call is never taken for a dead one.
    const sesTimeoutMs = Math.min(15_000, (config.SEND_CLAIM_LEASE_SECONDS * 1000) / 2);
    if (usesLocalSes(config)) {
      const sesServer = await startLocalSes({ host: '127.0.0.1', port: config.SES_LOCAL_PORT });
      undo.push(() => closeServer(sesServer));
      sesUrl = `http://127.0.0.1:${(sesServer.address() as AddressInfo).port}`;
      ses = createSesClient({
        endpoint: sesUrl,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        requestTimeoutMs: sesTimeoutMs,
      });
    } else {
      ses = createSesClient({
        region: config.SES_REGION ?? 'us-east-1',
        endpoint: config.SES_ENDPOINT,
        requestTimeoutMs: sesTimeoutMs,
      });
    }
    undo.push(async () => ses.destroy());

    const deps: Deps = {
      config,
      db,
      sql,
      boss,
      ses,
      log,
      metrics: createMetrics(),
      clock: systemClock,
      linkKeys: await resolveSigningKeys(config),
    };
    const firstAdminToken = await bootstrapFirstAdmin(deps);

    let url = config.PUBLIC_URL;
    if (options.http !== false) {
      const app = createApp(deps);
      const server = await new Promise<Server>((resolve) => {
        const s = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, () =>
          resolve(s as Server),
        );
      });
      undo.push(() => closeServer(server));
      url = `http://${config.HOST}:${(server.address() as AddressInfo).port}`;
    }
    if (options.workers !== false) await registerWorkers(deps);
    const stop = async () => {
      await stopBoss().catch((err: unknown) => log.error({ err }, 'queue stop failed'));
      await unwind();
    };
    return { deps, url, http: options.http !== false, sesUrl, firstAdminToken, stop };
  } catch (error) {
    await unwind();
    throw error;
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
