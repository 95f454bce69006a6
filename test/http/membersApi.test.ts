import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issuePartnerKey } from '../../src/staff/staffUsers.ts';
import { createTestApp, json, type TestApp } from '../support/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const memberCount = async () =>
  (await t.database.sql`select count(*)::int as n from members`)[0]!.n as number;
const ada = {
  externalId: 'M-100',
  email: 'Ada@Example.org',
  name: 'Ada Lovelace',
  country: 'gb',
  language: 'en',
  consents: [{ topic: 'society-news', channel: 'email', granted: true, at: '2024-03-01' }],
};

describe('membership-system API', () => {
  it('answers 401 without a token and 401 with a wrong one, writing nothing', async () => {
    expect((await t.call('POST', '/api/members', ada)).status).toBe(401);
    const wrong = await t.call('POST', '/api/members', ada, 'smt_not-a-real-token-at-all');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/Bearer/);
    expect(await memberCount()).toBe(0);
  });

  it('answers 403 to a partner key on a staff route', async () => {
    const [partner] = await t.database.sql`
      insert into partners (name, contact_email) values ('Acme Books', 'offers@acme.example') returning id::int`;
    const key = await issuePartnerKey(t.database.db, partner!.id, 'test');
    const res = await t.call('POST', '/api/members', ada, key);
    expect(res.status).toBe(403);
    expect(await memberCount()).toBe(0);
  });

  it('answers 400 naming the field for bad JSON, unknown fields and bad values, writing nothing', async () => {
    const malformed = await t.call('POST', '/api/members', '{"email": ', t.tokens.editor);
    expect(malformed.status).toBe(400);
    expect((await json(malformed)).error).toBe('invalid_request');

    const unknown = await t.call(
      'POST',
      '/api/members',
      { ...ada, favouriteColour: 'blue' },
      t.tokens.editor,
    );
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).message).toContain('unknown field "favouriteColour"');

    const badEmail = await t.call(
      'POST',
      '/api/members',
      { members: [ada, { ...ada, externalId: 'M-101', email: 'nope' }] },
      t.tokens.editor,
    );
    expect(badEmail.status).toBe(400);
    expect((await json(badEmail)).issues).toEqual([
      { path: 'members.1.email', message: 'not a valid email address' },
    ]);
    expect(await memberCount()).toBe(0);
  });

  it('upserts members and records their consents in the ledger', async () => {
    const res = await t.call('POST', '/api/members', ada, t.tokens.editor);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ inserted: 1, consentEntries: 1 });
    const [row] = await t.database.sql`
      select m.country, m.email_normalized, e.source, e.granted from members m join consent_events e on e.member_id = m.id`;
    expect(row).toEqual({
      country: 'GB',
      email_normalized: 'ada@example.org',
      source: 'import',
      granted: true,
    });

    const again = await t.call('POST', '/api/members', { members: [ada] }, t.tokens.editor);
    expect(await json(again)).toMatchObject({ inserted: 0, unchanged: 1, consentEntries: 0, ids: body.ids });
  });

  it('refuses a batch whose address belongs to another member, applying none of it', async () => {
    const res = await t.call(
      'POST',
      '/api/members',
      {
        members: [
          { ...ada, externalId: 'M-999', name: 'Impostor' },
          { email: 'new@example.org', name: 'New' },
        ],
      },
      t.tokens.editor,
    );
    expect(res.status).toBe(409);
    expect((await json(res)).issues[0].path).toBe('members.0.email');
    expect(await memberCount()).toBe(1);
  });

  it('records consents for a member, 404 for an unknown one', async () => {
    const [{ id }] = (await t.database.sql`select id::int from members`) as unknown as [{ id: number }];
    const res = await t.call(
      'POST',
      `/api/members/${id}/consents`,
      { source: 'renewal-form', changes: [{ topic: 'partner-offers', channel: 'email', granted: true }] },
      t.tokens.editor,
    );
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ recorded: 1 });
    const [state] = await t.database.sql`
      select granted, source from consents where member_id = ${id} and topic = 'partner-offers'`;
    expect(state).toEqual({ granted: true, source: 'renewal-form' });

    const missing = await t.call(
      'POST',
      '/api/members/999999/consents',
      { source: 'renewal-form', changes: [{ topic: 'events', channel: 'email', granted: true }] },
      t.tokens.editor,
    );
    expect(missing.status).toBe(404);
    const badSource = await t.call(
      'POST',
      `/api/members/${id}/consents`,
      { source: 'one-click', changes: [{ topic: 'events', channel: 'email', granted: false }] },
      t.tokens.editor,
    );
    expect(badSource.status).toBe(400);
    expect((await json(badSource)).issues[0].path).toBe('source');
  });

  it('serves health, readiness, metrics and an OpenAPI document listing the member routes', async () => {
    expect((await t.call('GET', '/healthz')).status).toBe(200);
    const ready = await t.call('GET', '/readyz');
    expect(await json(ready)).toEqual({ status: 'ready', checks: { database: 'ok', queue: 'ok' } });
    expect(await (await t.call('GET', '/metrics')).text()).toContain('http_request_duration_seconds');
    const doc = await json(await t.call('GET', '/openapi.json'));
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/members', '/api/members/{id}/consents']),
    );
    const page = await (await t.call('GET', '/docs/api')).text();
    expect(page).toContain('/api/members/{id}/consents');
  });
});
