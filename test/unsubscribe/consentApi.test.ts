import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestApp } from '../support/app.ts';
import { isGranted, seedCampaign } from './fixtures.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

const request = (memberId: number, body: unknown, token = t.tokens.editor) =>
  t.call('POST', `/api/members/${memberId}/requests`, body, token);

describe('POST /api/members/{id}/requests', () => {
  it('records a request made by phone, with its note, in the ledger, history and audit log', async () => {
    const { recipients } = await seedCampaign(t);
    const m = recipients[0]!.memberId;
    const res = await request(m, {
      source: 'staff-phone',
      note: 'Called to stop the newsletter by email; wants events by post to continue',
      changes: [
        { topic: 'society-news', channel: 'email', granted: false },
        { topic: 'events', channel: 'postal', granted: true },
      ],
    });
    expect(res.status).toBe(201);
    // Written even where it changes nothing (events by post was already granted): the request is evidence.
    expect(await json(res)).toEqual({ recorded: 2 });
    expect(await isGranted(t, m, 'society-news')).toBe(false);

    const history = await json(
      await t.call('GET', `/api/members/${m}/consents/history`, undefined, t.tokens.editor),
    );
    const staffEntries = history.events.filter((e: any) => e.source === 'staff-phone');
    expect(staffEntries).toHaveLength(2);
    expect(staffEntries[0]).toMatchObject({
      actor: expect.stringMatching(/^staff:\d+$/),
      note: 'Called to stop the newsletter by email; wants events by post to continue',
      occurredAt: expect.any(String),
      recordedAt: expect.any(String),
    });
    expect(history.events[0].source).toBe('join-form');
    expect(history.current).toHaveLength(8);
    expect(history.current).toContainEqual(
      expect.objectContaining({
        topic: 'society-news',
        channel: 'email',
        granted: false,
        source: 'staff-phone',
      }),
    );
    expect(history.current).toContainEqual({
      topic: 'partner-offers',
      channel: 'postal',
      granted: false,
      source: null,
      occurredAt: null,
    });
    const [audit] = await t.database
      .sql`select actor, action, target, details from audit_log where action = 'consent.member-request'`;
    expect(audit).toMatchObject({ action: 'consent.member-request', target: `member:${m}` });
    expect(JSON.stringify(audit!.details)).not.toContain('@');
  });

  it('refuses bad requests naming the field, and changes nothing', async () => {
    const { recipients } = await seedCampaign(t);
    const m = recipients[0]!.memberId;
    const change = { topic: 'events', channel: 'email', granted: false };
    const cases: [unknown, string][] = [
      [{ source: 'staff-phone', changes: [change] }, 'note'],
      [{ source: 'staff-phone', note: '   ', changes: [change] }, 'note'],
      [{ source: 'one-click', note: 'x', changes: [change] }, 'source'],
      [{ source: 'staff-post', note: 'x', changes: [] }, 'changes'],
      [{ source: 'staff-post', note: 'x', changes: [{ ...change, topic: 'cats' }] }, 'changes.0.topic'],
      [{ source: 'staff-post', note: 'x', changes: [change, change] }, 'changes.1'],
      [{ source: 'staff-post', note: 'x', changes: [change], extra: 1 }, 'extra'],
    ];
    const [before] = await t.database.sql`select count(*)::int as n from consent_events`;
    for (const [body, field] of cases) {
      const res = await request(m, body);
      expect(res.status).toBe(400);
      expect((await json(res)).issues.map((i: any) => i.path)).toContain(field);
    }
    expect((await request(999_999, { source: 'staff-email', note: 'x', changes: [change] })).status).toBe(
      404,
    );
    const [after] = await t.database.sql`select count(*)::int as n from consent_events`;
    expect(after!.n).toBe(before!.n);
  });

  it('needs a staff token', async () => {
    const { recipients } = await seedCampaign(t);
    const body = {
      source: 'staff-email',
      note: 'x',
      changes: [{ topic: 'events', channel: 'email', granted: false }],
    };
    expect((await t.call('POST', `/api/members/${recipients[0]!.memberId}/requests`, body)).status).toBe(401);
    expect((await t.call('GET', `/api/members/${recipients[0]!.memberId}/consents/history`)).status).toBe(
      401,
    );
    expect((await t.call('GET', '/api/consent-events')).status).toBe(401);
  });
});

describe('GET /api/consent-events', () => {
  const page = async (query: string) => {
    const res = await t.call('GET', `/api/consent-events${query}`, undefined, t.tokens.editor);
    expect(res.status).toBe(200);
    return json(res);
  };

  it('pages through every ledger entry once, in ledger order, and later pages pick up new entries', async () => {
    await seedCampaign(t, { members: [{}, {}, {}, {}] });
    const all = (await page('?limit=1000')).events;
    const seen: any[] = [];
    let cursor: string | null = '';
    let last = '0';
    while (cursor !== null) {
      const body: any = await page(`?limit=3${cursor ? `&after=${cursor}` : ''}`);
      expect(body.events.length).toBeLessThanOrEqual(3);
      seen.push(...body.events);
      if (body.events.length) last = String(body.events.at(-1).id);
      cursor = body.next;
    }
    expect(seen).toEqual(all);
    expect(seen.map((e) => e.id)).toEqual([...seen.map((e) => e.id)].sort((a, b) => a - b));
    expect(seen[0]).toEqual({
      id: expect.any(Number),
      memberId: expect.any(Number),
      memberExternalId: expect.stringMatching(/^ext-/),
      topic: expect.any(String),
      channel: expect.any(String),
      granted: expect.any(Boolean),
      source: expect.any(String),
      occurredAt: expect.any(String),
      recordedAt: expect.any(String),
    });
    expect(JSON.stringify(seen)).not.toContain('@');

    // Same cursor, same page: the order is stable.
    expect(await page(`?after=${seen[1].id}&limit=2`)).toEqual(await page(`?after=${seen[1].id}&limit=2`));

    // New entries come after the last one seen.
    const m = seen[0].memberId;
    await request(m, {
      source: 'staff-post',
      note: 'Letter asking to stop',
      changes: [{ topic: 'events', channel: 'postal', granted: false }],
    });
    const next = await page(`?after=${last}`);
    expect(next.events).toEqual([
      expect.objectContaining({ memberId: m, source: 'staff-post', granted: false }),
    ]);
    expect(next.next).toBeNull();
  });

  it('refuses a bad query naming the field', async () => {
    for (const [query, field] of [
      ['?after=abc', 'after'],
      ['?after=-1', 'after'],
      ['?limit=0', 'limit'],
      ['?limit=5000', 'limit'],
      ['?cursor=1', 'cursor'],
    ]) {
      const res = await t.call('GET', `/api/consent-events${query}`, undefined, t.tokens.editor);
      expect(res.status).toBe(400);
      expect((await json(res)).issues.map((i: any) => i.path)).toContain(field);
    }
  });

  it('is described in /openapi.json', async () => {
    const doc = await json(await t.call('GET', '/openapi.json'));
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/members/{id}/requests',
        '/api/members/{id}/consents/history',
        '/api/consent-events',
      ]),
    );
  });
});
