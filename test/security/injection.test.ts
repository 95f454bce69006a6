import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCampaign } from '../../src/delivery/startCampaign.ts';
import { registerWorkers } from '../../src/jobs/registerWorkers.ts';
import { signInAs } from '../console/support.ts';
import { createTestApp, json, type TestApp } from '../support/app.ts';
import { addMembers, member } from '../support/members.ts';
import { type LocalSes, startLocalSes } from '../support/ses.ts';
import { waitFor } from '../support/waitFor.ts';

let ses: LocalSes;
let t: TestApp;
beforeAll(async () => {
  ses = await startLocalSes();
  t = await createTestApp({ sesEndpoint: ses.endpoint, env: { SEND_BATCH_SIZE: '10' } });
  await registerWorkers(t.deps, { globalRate: 200 });
  await addMembers(t.database.db, [
    member('a@inj.example', ['society-news'], { chapter: 'Paris', country: 'FR' }),
    member('b@inj.example', ['society-news'], { chapter: 'Lyon', country: 'FR' }),
    member('c@inj.example', ['society-news'], { chapter: 'London', country: 'GB' }),
  ]);
});
afterAll(async () => {
  await t?.close();
  await ses?.close();
});

const SQL_PAYLOADS = [
  "x' or '1'='1",
  "Paris' or 1=1 --",
  "'); drop table members; --",
  'Paris"; delete from consents; --',
  "' union select email from members --",
  '$1',
  '\\',
  "Paris'::text or true or '",
];

/** Row counts of the tables an injection would touch. */
const counts = async () =>
  (
    await t.database.sql<{ members: number; consents: number; events: number; campaigns: number }[]>`
      select (select count(*)::int from members) as members, (select count(*)::int from consents) as consents,
             (select count(*)::int from consent_events) as events, (select count(*)::int from campaigns) as campaigns`
  )[0]!;

const draft = { name: 'Injection', topic: 'society-news', subject: 'Hello', template: 'society-mailing' };

async function previewTotal(segment: unknown): Promise<{ status: number; total?: number }> {
  const created = await t.call('POST', '/api/campaigns', { ...draft, segment }, t.tokens.editor);
  if (created.status !== 201) return { status: created.status };
  const { id } = await json(created);
  const preview = await t.call('GET', `/api/campaigns/${id}/audience-preview`, undefined, t.tokens.editor);
  expect(preview.status).toBe(200);
  return { status: 201, total: (await json(preview)).total };
}

describe('SQL injection in segment filters', () => {
  it('a control segment matches, so a zero below means the payload was inert, not broken', async () => {
    expect((await previewTotal({ field: 'chapter', op: 'eq', value: 'Paris' })).total).toBe(1);
    expect((await previewTotal({ all: [] })).total).toBe(3);
  });

  it('payloads in free-text values are plain values: they match nobody and change nothing', async () => {
    const before = await counts();
    for (const value of SQL_PAYLOADS) {
      for (const segment of [
        { field: 'chapter', op: 'eq', value },
        { field: 'chapter', op: 'in', values: [value, 'Nowhere'] },
        { field: 'membershipType', op: 'not-in', values: [value] },
        { any: [{ field: 'chapter', op: 'eq', value }, { not: { field: 'chapter', op: 'neq', value } }] },
      ]) {
        const answer = await previewTotal(segment);
        if (answer.status === 201) {
          // not-in a value nobody has: everybody (3); the others: nobody.
          expect(answer.total, JSON.stringify(segment)).toBe(segment.op === 'not-in' ? 3 : 0);
        } else {
          expect(answer.status).toBe(400);
        }
      }
    }
    const after = await counts();
    expect({ ...after, campaigns: before.campaigns }).toEqual(before);
  });

  it('payloads in typed values, field names and operators are refused with 400 naming the field', async () => {
    const before = await counts();
    const refused = [
      { field: 'country', op: 'eq', value: "FR' or 1=1 --" },
      { field: 'joinedOn', op: 'before', value: "2020-01-01'; delete from members; --" },
      { field: 'joinedOn', op: 'between', from: '2020-01-01', to: '2021-01-01) or (1=1' },
      { field: 'status', op: 'eq', value: "active' or '1'='1" },
      { field: 'language', op: 'in', values: ["en') or true --"] },
      { field: 'email; drop table members', op: 'eq', value: 'x' },
      { field: 'chapter', op: 'eq) or (true', value: 'x' },
      { raw: 'select 1' },
    ];
    for (const segment of refused) {
      const res = await t.call('POST', '/api/campaigns', { ...draft, segment }, t.tokens.editor);
      expect(res.status, JSON.stringify(segment)).toBe(400);
      expect((await json(res)).message).toMatch(/segment/);
    }
    expect(await counts()).toEqual(before);
  });

  it('property: any string as a chapter matches exactly the members with that chapter', async () => {
    const before = await counts();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom(...SQL_PAYLOADS)),
        async (value) => {
          const answer = await previewTotal({ field: 'chapter', op: 'eq', value });
          if (answer.status !== 201) expect(answer.status).toBe(400);
          else expect(answer.total).toBe(['Paris', 'Lyon', 'London'].includes(value) ? 1 : 0);
        },
      ),
      { seed: 4242, numRuns: 40 },
    );
    const after = await counts();
    expect({ ...after, campaigns: before.campaigns }).toEqual(before);
  });

  it('building the audience of an injected segment freezes nobody and leaves the tables intact', async () => {
    const before = await counts();
    const created = await json(
      await t.call(
        'POST',
        '/api/campaigns',
        { ...draft, segment: { field: 'chapter', op: 'in', values: SQL_PAYLOADS } },
        t.tokens.editor,
      ),
    );
    await t.database.sql`update campaigns set state = 'scheduled', send_at = now() where id = ${created.id}`;
    const outcome = await startCampaign(t.deps, created.id);
    expect(outcome).toMatchObject({ type: 'started' });
    const [members] = await t.database.sql<{ n: number }[]>`
      select count(*)::int as n from campaign_recipients where campaign_id = ${created.id} and member_id is not null`;
    expect(members!.n).toBe(0);
    expect({ ...(await counts()), campaigns: before.campaigns }).toEqual(before);
  });
});

describe('SQL injection and wildcards in the console member search', () => {
  it('payloads and LIKE wildcards find nobody and change nothing; a real prefix finds only its member', async () => {
    const session = await signInAs(t, 'editor');
    const search = async (q: string) => {
      const res = await t.app.request(`/console/members?q=${encodeURIComponent(q)}`, {
        headers: { cookie: session.cookie },
      });
      expect(res.status, q).toBe(200);
      const page = await res.text();
      return ['a@inj.example', 'b@inj.example', 'c@inj.example'].filter((a) => page.includes(a));
    };
    const before = await counts();
    for (const q of [...SQL_PAYLOADS, '%', '%%', '_%', '%@inj.example', "%' or '1'='1", '\\%', '*']) {
      expect(await search(q), q).toEqual([]);
    }
    expect(await search('a@inj')).toEqual(['a@inj.example']);
    expect(await counts()).toEqual(before);
  });
});

describe('CR/LF header injection', () => {
  const crlf = ['Eve\r\nBcc: everyone@example.org', 'Eve\nBcc: x@example.org', 'Eve\rX: y', 'Eve\u0000'];

  it('member names with CR, LF or NUL are refused through POST /api/members, alone or in a batch, writing nothing', async () => {
    const before = await counts();
    for (const name of crlf) {
      const one = await t.call('POST', '/api/members', { email: 'eve@inj.example', name }, t.tokens.editor);
      expect(one.status, JSON.stringify(name)).toBe(400);
      expect((await json(one)).message).toContain('name');
      const batch = await t.call(
        'POST',
        '/api/members',
        {
          members: [
            { email: 'ok@inj.example', name: 'Fine' },
            { email: 'eve@inj.example', name },
          ],
        },
        t.tokens.editor,
      );
      expect(batch.status).toBe(400);
      expect((await json(batch)).message).toContain('members.1.name');
    }
    expect(await counts()).toEqual(before);
  });

  it('subjects, variant subjects, From and Reply-To with CR/LF are refused on create and on edit', async () => {
    const created = await json(await t.call('POST', '/api/campaigns', draft, t.tokens.editor));
    const before = await counts();
    for (const bad of crlf) {
      for (const body of [
        { ...draft, subject: bad },
        { ...draft, variants: { fr: { subject: bad } } },
        { ...draft, fromAddress: `The Society <news@society.example>${bad.slice(3)}` },
        { ...draft, fromAddress: `${bad} <news@society.example>` },
        { ...draft, replyTo: `reply@society.example${bad.slice(3)}` },
      ]) {
        const res = await t.call('POST', '/api/campaigns', body, t.tokens.editor);
        expect(res.status, JSON.stringify(body)).toBe(400);
        const { id: _id, ...edit } = { ...body, id: 0 };
        const patched = await t.call('PATCH', `/api/campaigns/${created.id}`, edit, t.tokens.editor);
        expect(patched.status).toBe(400);
      }
    }
    expect(await counts()).toEqual(before);
    const unchanged = await json(
      await t.call('GET', `/api/campaigns/${created.id}`, undefined, t.tokens.editor),
    );
    expect(unchanged.subject).toBe('Hello');
  });

  it('a name with CR/LF already in the database (legacy data) never reaches a header of the sent message', async () => {
    const [row] = await t.database.sql<{ id: string }[]>`
      insert into members (email, email_normalized, name, language)
      values ('legacy@legacy.example', 'legacy@legacy.example', ${'Eve\r\nBcc: everyone@example.org\r\nX-Evil: 1'}, 'en')
      returning id`;
    await t.database.sql`
      insert into consent_events (member_id, topic, channel, granted, source, actor, policy_version, occurred_at)
      values (${row!.id}, 'events', 'email', true, 'import', 'import:test', '2011-12-15', now() - interval '1 day')`;
    const created = await json(
      await t.call(
        'POST',
        '/api/campaigns',
        { ...draft, topic: 'events', subject: 'Hello {{name}}' },
        t.tokens.editor,
      ),
    );
    await t.call(
      'POST',
      `/api/campaigns/${created.id}/schedule`,
      { sendAt: '2020-01-01T00:00:00Z' },
      t.tokens.editor,
    );
    const [message] = await waitFor(
      async () => {
        const found = (await ses.store()).filter((m) => m.destination.to.includes('legacy@legacy.example'));
        return found.length > 0 ? found : null;
      },
      { timeoutMs: 20_000, message: 'the legacy member to receive the campaign' },
    );
    expect(message!.subject).not.toMatch(/[\r\n]/);
    expect(message!.destination).toEqual({ to: ['legacy@legacy.example'], cc: [], bcc: [] });
    for (const h of message!.headers ?? []) {
      expect(h.name.toLowerCase()).not.toMatch(/^(bcc|x-evil)$/);
      expect(h.value).not.toMatch(/[\r\n]/);
    }
  });
});
