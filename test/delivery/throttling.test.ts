import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWorkers } from '../../src/jobs/registerWorkers.ts';
import { createTestApp, json, type TestApp } from '../support/app.ts';
import { type FlakySes, startFlakySes } from '../support/flakySes.ts';
import { addMembers, member } from '../support/members.ts';
import { type LocalSes, startLocalSes } from '../support/ses.ts';
import { waitFor } from '../support/waitFor.ts';

let ses: LocalSes;
let flaky: FlakySes;
let t: TestApp;
beforeAll(async () => {
  ses = await startLocalSes();
  flaky = await startFlakySes({
    target: ses.endpoint,
    seed: 7,
    shares: { throttle: 0.3, unavailable: 0.15 },
  });
  t = await createTestApp({ sesEndpoint: flaky.endpoint, env: { SEND_BATCH_SIZE: '10' } });
  await registerWorkers(t.deps, { globalRate: 100 });
});
afterAll(async () => {
  await t.close();
  await flaky.close();
  await ses.close();
});

async function runCampaign(domain: string, count: number, extra: Record<string, unknown> = {}) {
  await addMembers(
    t.database.db,
    Array.from({ length: count }, (_, i) => member(`r${i}@${domain}`, ['society-news'], { chapter: domain })),
  );
  const created = await json(
    await t.call(
      'POST',
      '/api/campaigns',
      {
        name: domain,
        topic: 'society-news',
        subject: 'Hello',
        template: 'society-mailing',
        segment: { field: 'chapter', op: 'eq', value: domain },
        ...extra,
      },
      t.tokens.editor,
    ),
  );
  await t.call(
    'POST',
    `/api/campaigns/${created.id}/schedule`,
    { sendAt: '2020-01-01T00:00:00Z' },
    t.tokens.editor,
  );
  return created.id as number;
}

const campaign = async (id: number) =>
  json(await t.call('GET', `/api/campaigns/${id}`, undefined, t.tokens.editor));

describe('an email service that throttles and fails part of the time', () => {
  it('still completes the campaign, each recipient once', async () => {
    const d = 'throttled.example';
    const id = await runCampaign(d, 40);
    const done = await waitFor(
      async () => ((await campaign(id)).state === 'completed' ? campaign(id) : null),
      {
        timeoutMs: 90_000,
        intervalMs: 200,
        message: 'the campaign to complete despite throttling',
      },
    );
    expect(flaky.counts().throttled + flaky.counts().unavailable).toBeGreaterThan(5);
    const got = (await ses.store()).map((m) => m.destination.to[0]!).filter((a) => a.endsWith(`@${d}`));
    expect(new Set(got).size).toBe(got.length);
    expect(got).toHaveLength(40);
    expect(done.progress).toMatchObject({ sent: 40, failed: 0, pending: 0 });
  }, 120_000);

  it('pauses a campaign whose messages are mostly refused, and says why', async () => {
    flaky.configure({ throttle: 0, unavailable: 0, reject: 0.6 });
    const id = await runCampaign('refused.example', 60);
    const paused = await waitFor(
      async () => ((await campaign(id)).state === 'paused' ? campaign(id) : null),
      {
        timeoutMs: 60_000,
        intervalMs: 200,
        message: 'the campaign to pause itself',
      },
    );
    expect(paused.stateReason).toMatch(/Paused automatically: \d+% of messages were refused/);
    flaky.configure({ reject: 0 });
  }, 90_000);
});
