import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/freePort.ts';
import { spawnNode } from '../support/spawnNode.ts';
import { waitFor } from '../support/waitFor.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** `npm start` with no settings but ports and a data folder: the embedded defaults. */
async function start(dataDir: string, ports: { http: number; ses: number; pg: number }) {
  const proc = spawnNode('src/main.ts', [], {
    DATA_DIR: dataDir,
    PORT: String(ports.http),
    SES_LOCAL_PORT: String(ports.ses),
    EMBEDDED_PG_PORT: String(ports.pg),
    LOG_LEVEL: 'warn',
  });
  await waitFor(
    () => proc.output.stdout.includes('society-mailer is running') || proc.child.exitCode !== null,
    {
      timeoutMs: 30_000,
      message: 'the service to print its URLs',
    },
  );
  expect(proc.child.exitCode, proc.output.stderr).toBeNull();
  return proc;
}

describe('npm start on embedded defaults', () => {
  it('comes up, prints a first admin token once, and exits 0 on SIGTERM within 15 s', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'society-mailer-start-'));
    await chmod(dataDir, 0o755); // as root, the cluster runs as the postgres user
    dirs.push(dataDir);
    const ports = { http: await freePort(), ses: await freePort(), pg: await freePort() };
    const base = `http://127.0.0.1:${ports.http}`;

    const first = await start(dataDir, ports);
    const token = first.output.stdout.match(/\b(smt_[A-Za-z0-9_-]{20,})/)?.[1];
    expect(token).toBeDefined();
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/openapi.json`)).headers.get('content-type')).toContain('application/json');
    expect((await fetch(`http://127.0.0.1:${ports.ses}/`)).status).toBe(200);
    const authed = await fetch(`${base}/api/members`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'first@example.org', name: 'First Member' }),
    });
    expect(authed.status).toBe(200);

    const stopping = performance.now();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(performance.now() - stopping).toBeLessThan(15_000);

    // The data survives a restart, and the token is not printed again.
    const second = await start(dataDir, ports);
    expect(second.output.stdout).not.toMatch(/smt_/);
    const again = await fetch(`${base}/api/members`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'first@example.org', name: 'First Member' }),
    });
    expect(await again.json()).toMatchObject({ inserted: 0, unchanged: 1 });
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 90_000);

  it('exits 1 naming every bad setting', async () => {
    const proc = spawnNode('src/main.ts', [], {
      PORT: 'http',
      DATABASE_URL: 'mysql://nope',
      LOG_LEVEL: 'loud',
    });
    expect(await proc.exited).toBe(1);
    expect(proc.output.stderr).toMatch(/PORT/);
    expect(proc.output.stderr).toMatch(/DATABASE_URL/);
    expect(proc.output.stderr).toMatch(/LOG_LEVEL/);
  });
});
