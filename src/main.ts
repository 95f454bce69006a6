import { ConfigError, loadConfig } from './config/loadConfig.ts';
import { seedDemo } from './members/demo.ts';
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
  // `--worker`: queue workers only, no HTTP server (scale out by running more of these).
  const service = await startService(config, { log, http: !process.argv.includes('--worker') });
  if (config.DEMO) {
    const seeded = await seedDemo(service.deps.db, { members: 3000 });
    if (seeded > 0) log.info({ members: seeded }, 'demo members seeded');
  }

  const lines = [
    '',
    'society-mailer is running',
    `  web and API     ${service.url}`,
    `  API reference   ${service.url}/docs/api  (OpenAPI: ${service.url}/openapi.json)`,
    `  health          ${service.url}/healthz  ${service.url}/readyz`,
  ];
  if (service.sesUrl) lines.push(`  local SES inbox ${service.sesUrl}/`);
  if (service.firstAdminToken) {
    lines.push(
      '',
      '  First admin API token (shown once, stored hashed):',
      `    ${service.firstAdminToken}`,
      `  Try: curl -H "Authorization: Bearer <token>" ${service.url}/api/members`,
    );
  }
  console.log(`${lines.join('\n')}\n`);

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
    await service.stop();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

await main();
