import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestApp } from '../support/app.ts';
import { addMembers, member } from '../support/members.ts';
import { type LocalSes, startLocalSes } from '../support/ses.ts';
import { spawnNode } from '../support/spawnNode.ts';
import { waitFor } from '../support/waitFor.ts';

let ses: LocalSes;
let t: TestApp;
let dataDir: string;
beforeAll(async () => {
  ses = await startLocalSes();
  t = await createTestApp({ sesEndpoint: ses.endpoint });
  dataDir = await mkdtemp(join(tmpdir(), 'society-mailer-worker-'));
  await chmod(dataDir, 0o755);
});
afterAll(async () => {
  await t.close();
  await ses.close();
});

/** A separate worker process (no HTTP), as production runs them. */
const startWorker = () =>
  spawnNode('src/main.ts', ['--worker'], {
    DATABASE_URL: t.database.url,
    DATA_DIR: dataDir,
    SES_ENDPOINT: ses.endpoint,
    SES_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    SEND_RATE: '80',
    SEND_BATCH_SIZE: '20',
    SEND_CLAIM_LEASE_SECONDS: '4',
    LINK_SIGNING_KEYS: 'crash1:dGVzdC1zaWduaW5nLWtleS0wMDAwMDAwMDAwMDAwMDAwMDAwMDA=',
    LOG_LEVEL: 'warn',
  });

describe('a worker killed mid-campaign', () => {
  it('restarts with no duplicate and nothing lost beyond the messages in flight, which are marked in doubt', async () => {
    const d = 'crash.example';
    await addMembers(
      t.database.db,
      Array.from({ length: 100 }, (_, i) => member(`c${i}@${d}`, ['society-news'])),
    );
    const created = await json(
      await t.call(
        'POST',
        '/api/campaigns',
        { name: 'Crash test', topic: 'society-news', subject: 'Hello', template: 'society-mailing' },
        t.tokens.editor,
      ),
    );
    await t.call(
      'POST',
      `/api/campaigns/${created.id}/schedule`,
      { sendAt: '2020-01-01T00:00:00Z' },
      t.tokens.editor,
    );
    const received = async () => (await ses.store()).filter((m) => m.destination.to[0]!.endsWith(`@${d}`));

    for (const threshold of [30]) {
      const worker = startWorker();
      await waitFor(async () => (await received()).length >= threshold, {
        timeoutMs: 60_000,
        message: `${threshold} messages before the kill`,
      });
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
    const last = startWorker();
    const state = await waitFor(
      async () => {
        const [c] = await t.database.sql<
          { state: string }[]
        >`select state from campaigns where id = ${created.id}`;
        return c!.state === 'completed' ? c!.state : null;
      },
      { timeoutMs: 90_000, intervalMs: 200, message: 'the campaign to complete after restarts' },
    );
    expect(state).toBe('completed');
    last.child.kill('SIGTERM');
    expect(await last.exited, last.output.stderr.slice(-2000)).toBe(0);

    const addresses = (await received()).map((m) => m.destination.to[0]!);
    const counts = new Map<string, number>();
    for (const a of addresses) counts.set(a, (counts.get(a) ?? 0) + 1);
    const duplicates = [...counts.values()].filter((n) => n > 1).length;
    expect(duplicates).toBe(0);

    const rows = await t.database.sql<{ email_normalized: string; state: string }[]>`
      select email_normalized, state from campaign_recipients
       where campaign_id = ${created.id} and member_id is not null`;
    expect(rows).toHaveLength(100);
    const byState = (s: string) => rows.filter((r) => r.state === s).map((r) => r.email_normalized);
    // Every recipient recorded as sent arrived exactly once.
    for (const a of byState('sent')) expect(counts.get(a)).toBe(1);
    // Anyone who did not arrive is in doubt (their worker died during the call), never silently dropped.
    const missing = rows.filter((r) => !counts.has(r.email_normalized));
    for (const r of missing) expect(r.state).toBe('in-doubt');
    expect(byState('pending')).toEqual([]);
    expect(byState('claimed')).toEqual([]);
    // At most the messages in flight at the kill can be in doubt: SEND_CONCURRENCY (8) per send job,
    // two send jobs per worker.
    expect(byState('in-doubt').length).toBeLessThanOrEqual(16);
  }, 240_000);
});
