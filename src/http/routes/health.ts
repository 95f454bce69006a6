import { sql } from 'drizzle-orm';
import type { Mount } from '../app.ts';
import { renderApiReference } from '../views/apiReference.ts';

/** Liveness, readiness, metrics and the API reference: public, and revealing nothing about members. */
export const healthRoutes: Mount = (app, deps) => {
  app.get('/healthz', (c) => c.json({ status: 'alive' }));
  app.get('/readyz', async (c) => {
    const checks: Record<string, string> = {};
    try {
      await deps.db.execute(sql`select 1`);
      checks.database = 'ok';
    } catch {
      checks.database = 'unreachable';
    }
    try {
      await deps.boss.getQueues();
      checks.queue = 'ok';
    } catch {
      checks.queue = 'unreachable';
    }
    const ready = Object.values(checks).every((v) => v === 'ok');
    return c.json({ status: ready ? 'ready' : 'not ready', checks }, ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    c.header('Content-Type', deps.metrics.registry.contentType);
    return c.body(await deps.metrics.registry.metrics());
  });
  app.get('/docs/api', (c) => {
    const doc = app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: { title: 'society-mailer API', version: '1' },
    });
    return c.html(renderApiReference(doc as Parameters<typeof renderApiReference>[0]));
  });
};
