import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestApp } from '../support/app.ts';
import { addMembers, member } from '../support/members.ts';
import { type LocalSes, startLocalSes } from '../support/ses.ts';

let ses: LocalSes;
let t: TestApp;
beforeAll(async () => {
  ses = await startLocalSes();
  t = await createTestApp({ sesEndpoint: ses.endpoint });
  await addMembers(t.database.db, [
    member('fr1@api.example', ['events'], { country: 'FR', language: 'fr', name: 'Marie Curie' }),
    member('fr2@api.example', ['events'], { country: 'FR', language: 'fr' }),
    member('gb1@api.example', ['events'], { country: 'GB' }),
    member('no@api.example', [], { country: 'GB' }),
  ]);
});
afterAll(async () => {
  await t.close();
  await ses.close();
});

const draft = {
  name: 'Events in Paris',
  topic: 'events',
  subject: 'Hello {{name}}',
  template: 'society-mailing',
};
const campaignCount = async () =>
  (await t.database.sql`select count(*)::int as n from campaigns`)[0]!.n as number;

describe('campaign staff API', () => {
  it('refuses invalid MJML with line numbers, unknown segment fields by name, and writes nothing', async () => {
    const badMjml = await t.call(
      'POST',
      '/api/campaigns',
      {
        ...draft,
        template: undefined,
        mjml: '<mjml>\n<mj-body>\n<mj-section><mj-text>hi</mj-text></mj-section>\n</mj-body>\n</mjml>',
      },
      t.tokens.editor,
    );
    expect(badMjml.status).toBe(400);
    const body = await json(badMjml);
    expect(body.error).toBe('invalid_content');
    expect(body.message).toMatch(/line 3/);

    const badSegment = await t.call(
      'POST',
      '/api/campaigns',
      { ...draft, segment: { field: 'favouriteColour', op: 'eq', value: 'blue' } },
      t.tokens.editor,
    );
    expect(badSegment.status).toBe(400);
    expect((await json(badSegment)).message).toContain('favouriteColour');

    const injection = await t.call(
      'POST',
      '/api/campaigns',
      { ...draft, subject: 'Hi\r\nBcc: everyone@example.org' },
      t.tokens.editor,
    );
    expect(injection.status).toBe(400);
    expect((await json(injection)).message).toContain('subject');
    expect(await campaignCount()).toBe(0);
  });

  it('refuses a contract that is unknown or not for the channel, naming contractId, and writes nothing', async () => {
    const before = await campaignCount();
    const unknown = await t.call('POST', '/api/campaigns', { ...draft, contractId: 987654 }, t.tokens.editor);
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).message).toMatch(/^contractId: contract 987654 is not in force/);

    const [email] = await t.database.sql`
      select c.id from contracts c join subcontractors s on s.id = c.subcontractor_id where s.service = 'email'`;
    const wrongChannel = await t.call(
      'POST',
      '/api/campaigns',
      { ...draft, channel: 'postal', contractId: Number(email!.id) },
      t.tokens.editor,
    );
    expect(wrongChannel.status).toBe(400);
    expect((await json(wrongChannel)).message).toMatch(/^contractId: .*covers email, not post/);
    expect(await campaignCount()).toBe(before);

    const ok = await t.call(
      'POST',
      '/api/campaigns',
      { ...draft, contractId: Number(email!.id) },
      t.tokens.editor,
    );
    expect(ok.status).toBe(201);
    const id = (await json(ok)).id;
    const moved = await t.call('PATCH', `/api/campaigns/${id}`, { contractId: 987654 }, t.tokens.editor);
    expect(moved.status).toBe(400);
    const [row] = await t.database.sql`select contract_id from campaigns where id = ${id}`;
    expect(Number(row!.contract_id)).toBe(Number(email!.id));
  });

  it('previews the audience as counts only, and renders a preview', async () => {
    const created = await json(await t.call('POST', '/api/campaigns', draft, t.tokens.editor));
    const preview = await t.call(
      'GET',
      `/api/campaigns/${created.id}/audience-preview`,
      undefined,
      t.tokens.editor,
    );
    const text = await preview.text();
    expect(JSON.parse(text)).toMatchObject({ total: 3 });
    expect(text).not.toContain('@api.example');
    expect(JSON.parse(text).byCountry).toEqual(
      expect.arrayContaining([
        { country: 'FR', count: 2 },
        { country: 'GB', count: 1 },
      ]),
    );

    const english = await json(
      await t.call('POST', `/api/campaigns/${created.id}/preview`, { language: 'fr' }, t.tokens.editor),
    );
    expect(english).toMatchObject({ subject: 'Hello Ada Lovelace', language: 'en' });

    const bilingual = await json(
      await t.call(
        'POST',
        '/api/campaigns',
        { ...draft, variants: { fr: { subject: 'Bonjour {{name}}' } } },
        t.tokens.editor,
      ),
    );
    const [marie] = await t.database
      .sql`select id::int from members where email_normalized = 'fr1@api.example'`;
    const rendered = await json(
      await t.call(
        'POST',
        `/api/campaigns/${bilingual.id}/preview`,
        { memberId: marie!.id },
        t.tokens.editor,
      ),
    );
    expect(rendered.subject).toBe('Bonjour Marie Curie');
    expect(rendered.html).toContain('lang="fr"');
    expect(rendered.text).toMatch(/\/u\/preview/);
  });

  it('test-sends only to staff addresses, marking the subject [TEST]', async () => {
    const created = await json(await t.call('POST', '/api/campaigns', draft, t.tokens.editor));
    const stranger = await t.call(
      'POST',
      `/api/campaigns/${created.id}/test-send`,
      { to: ['fr1@api.example'] },
      t.tokens.editor,
    );
    expect(stranger.status).toBe(422);
    const ok = await t.call('POST', `/api/campaigns/${created.id}/test-send`, {}, t.tokens.editor);
    expect(ok.status).toBe(200);
    const sent = (await ses.store()).filter((m) => m.destination.to[0] === 'editor@staff.example');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.subject).toBe('[TEST] Hello editor');
    expect((await ses.store()).some((m) => m.destination.to[0]!.endsWith('@api.example'))).toBe(false);
  });

  it('answers an illegal transition with 409 and the current state; drafts only are editable', async () => {
    const created = await json(await t.call('POST', '/api/campaigns', draft, t.tokens.editor));
    const pause = await t.call('POST', `/api/campaigns/${created.id}/pause`, undefined, t.tokens.editor);
    expect(pause.status).toBe(409);
    expect(await json(pause)).toMatchObject({ state: 'draft' });

    const badTime = await t.call(
      'POST',
      `/api/campaigns/${created.id}/schedule`,
      { sendAt: 'tomorrow', timeZone: 'Mars/Olympus' },
      t.tokens.editor,
    );
    expect(badTime.status).toBe(400);
    expect((await json(badTime)).message).toMatch(/sendAt.*timeZone|timeZone.*sendAt/s);

    const scheduled = await t.call(
      'POST',
      `/api/campaigns/${created.id}/schedule`,
      { sendAt: '2030-06-01T09:00', timeZone: 'Europe/Paris' },
      t.tokens.editor,
    );
    expect(scheduled.status).toBe(200);
    const body = await json(scheduled);
    expect(body).toMatchObject({ state: 'scheduled', timeZone: 'Europe/Paris' });
    expect(new Date(body.sendAt).toISOString()).toBe('2030-06-01T07:00:00.000Z');
    const [job] = await t.database.sql`
      select start_after from pgboss.job where name = 'campaign-start' and (data->>'campaignId')::int = ${created.id}`;
    expect(new Date(job!.start_after as string).toISOString()).toBe('2030-06-01T07:00:00.000Z');

    const edit = await t.call('PATCH', `/api/campaigns/${created.id}`, { name: 'Renamed' }, t.tokens.editor);
    expect(edit.status).toBe(409);
    const del = await t.call('DELETE', `/api/campaigns/${created.id}`, undefined, t.tokens.editor);
    expect(del.status).toBe(409);
    expect(
      (await t.call('POST', `/api/campaigns/${created.id}/cancel`, undefined, t.tokens.editor)).status,
    ).toBe(200);
    expect(
      (await t.call('POST', `/api/campaigns/${created.id}/resume`, undefined, t.tokens.editor)).status,
    ).toBe(409);
  });

  it('needs a staff token: 401 without, and lists campaigns with progress', async () => {
    expect((await t.call('GET', '/api/campaigns')).status).toBe(401);
    const list = await json(await t.call('GET', '/api/campaigns', undefined, t.tokens.editor));
    expect(list.campaigns.length).toBeGreaterThan(0);
    expect(list.campaigns[0].progress).toMatchObject({ audience: 0, sent: 0 });
  });
});
