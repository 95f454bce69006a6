import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_SEGMENT_FORM, formFromSegment, segmentFromForm } from '../../src/console/segmentForm.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { addMembers, member } from '../support/members.ts';
import { get, ORIGIN, post, signInAs } from './support.ts';

let t: TestApp;
let editor: { cookie: string; csrf: string };
beforeAll(async () => {
  t = await createTestApp();
  editor = await signInAs(t, 'editor');
  await addMembers(t.database.db, [
    member('a@console.example', ['society-news'], { country: 'FR' }),
    member('b@console.example', ['society-news'], { country: 'DE' }),
    member('c@console.example', ['events'], { country: 'FR' }),
  ]);
});
afterAll(() => t.close());

const draft = {
  name: 'Spring news',
  topic: 'society-news',
  channel: 'email',
  subject: 'Hello {{first_name}}',
  template: 'society-mailing',
  defaultLanguage: 'en',
  fromAddress: '',
  countries: 'fr',
  statuses: 'active',
};
const count = async () => (await t.database.sql`select count(*)::int as n from campaigns`)[0]!.n as number;

describe('segment form', () => {
  it('turns fields into one condition each, and back', () => {
    const form = { ...EMPTY_SEGMENT_FORM, countries: 'fr, de', languages: 'EN', joinedAfter: '2020-01-01' };
    const parsed = segmentFromForm(form);
    expect(parsed).toEqual({
      type: 'ok',
      segment: {
        all: [
          { field: 'country', op: 'in', values: ['FR', 'DE'] },
          { field: 'language', op: 'in', values: ['en'] },
          { field: 'status', op: 'in', values: ['active'] },
          { field: 'joinedOn', op: 'after', value: '2020-01-01' },
        ],
      },
    });
    if (parsed.type !== 'ok') throw new Error();
    expect(formFromSegment(parsed.segment)).toEqual({ ...form, countries: 'FR, DE', languages: 'en' });
    expect(formFromSegment({ any: [] })).toBeNull();
  });

  it('names the form field at fault', () => {
    expect(segmentFromForm({ ...EMPTY_SEGMENT_FORM, countries: 'France' })).toMatchObject({
      type: 'invalid',
      errors: { countries: expect.stringContaining('two-letter') },
    });
  });
});

describe('campaigns in the console', () => {
  it('creates a draft from the form, shows its previews and audience, and lists it', async () => {
    const counted = await post(
      t,
      '/console/campaigns',
      { ...draft, intent: 'count', csrf: editor.csrf },
      editor.cookie,
    );
    expect(counted.status).toBe(200);
    expect(await counted.text()).toContain('1 members would receive it now.');
    expect(await count()).toBe(0);

    const created = await post(
      t,
      '/console/campaigns',
      { ...draft, intent: 'save', csrf: editor.csrf },
      editor.cookie,
    );
    expect(created.status).toBe(303);
    const location = created.headers.get('location')!;
    expect(location).toMatch(/^\/console\/campaigns\/\d+\/edit\?done=created$/);
    const edit = await (await get(t, location, editor.cookie)).text();
    expect(edit).toContain('The draft is saved.');
    expect(edit).toContain('title="Preview at mobile width"');
    expect(edit).toContain('1 members would receive it now.');
    const list = await (await get(t, '/console/campaigns', editor.cookie)).text();
    expect(list).toContain('Spring news');

    const live = await get(
      t,
      '/console/audience-count?topic=society-news&channel=email&countries=FR,DE&statuses=active',
      editor.cookie,
    );
    expect(await live.json()).toEqual({ total: 2 });
  });

  it('shows problems by field and saves nothing', async () => {
    const before = await count();
    const res = await post(
      t,
      '/console/campaigns',
      { ...draft, subject: '', countries: 'France', intent: 'save', csrf: editor.csrf },
      editor.cookie,
    );
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('href="#subject"');
    expect(page).toContain('href="#countries"');
    expect(await count()).toBe(before);
  });

  it('refuses a form without the CSRF token: 403 and nothing written', async () => {
    const before = await count();
    const res = await post(t, '/console/campaigns', { ...draft, intent: 'save' }, editor.cookie);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Nothing was changed');
    expect(await count()).toBe(before);
  });

  it('schedules with a date, a time and a time zone, and explains an illegal move in words', async () => {
    const created = await post(
      t,
      '/console/campaigns',
      { ...draft, intent: 'save', csrf: editor.csrf },
      editor.cookie,
    );
    const id = Number(created.headers.get('location')!.split('/')[3]);
    const res = await post(
      t,
      `/console/campaigns/${id}/schedule`,
      { sendDate: '2030-06-01', sendTime: '09:30', timeZone: 'Europe/Paris', csrf: editor.csrf },
      editor.cookie,
    );
    expect(res.status).toBe(303);
    const [row] = await t.database.sql`select state, send_at, time_zone from campaigns where id = ${id}`;
    expect(row!.state).toBe('scheduled');
    expect(new Date(row!.send_at).toISOString()).toBe('2030-06-01T07:30:00.000Z');
    expect(row!.time_zone).toBe('Europe/Paris');
    const again = await post(t, `/console/campaigns/${id}/resume`, { csrf: editor.csrf }, editor.cookie);
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('A campaign that is scheduled cannot be resumed now.');
    const back = await post(t, `/console/campaigns/${id}/unschedule`, { csrf: editor.csrf }, editor.cookie);
    expect(back.status).toBe(303);
  });

  it('refuses an impossible date, a bad time or an unknown time zone: 400 in words, form re-filled, still a draft', async () => {
    const created = await post(
      t,
      '/console/campaigns',
      { ...draft, intent: 'save', csrf: editor.csrf },
      editor.cookie,
    );
    const id = Number(created.headers.get('location')!.split('/')[3]);
    const schedule = (fields: Record<string, string>) =>
      post(t, `/console/campaigns/${id}/schedule`, { csrf: editor.csrf, ...fields }, editor.cookie);
    const impossible = await schedule({
      sendDate: '2030-02-31',
      sendTime: '09:00',
      timeZone: 'Europe/Paris',
    });
    expect(impossible.status).toBe(400);
    const page = await impossible.text();
    expect(page).toContain('Give a date (such as 2026-12-24) and a time (such as 09:00)');
    expect(page).toContain('name="sendDate" required value="2030-02-31"');
    expect(page).toContain('<option selected>Europe/Paris</option>');
    expect((await schedule({ sendDate: '2030-01-10', sendTime: '25:00', timeZone: 'UTC' })).status).toBe(400);
    const zone = await schedule({ sendDate: '2030-01-10', sendTime: '09:00', timeZone: 'Mars/Olympus' });
    expect(zone.status).toBe(400);
    expect(await zone.text()).toContain('Choose a time zone from the list.');
    const [row] = await t.database.sql`select state, send_at from campaigns where id = ${id}`;
    expect(row).toEqual({ state: 'draft', send_at: null });
  });

  it('keeps an audience set through the API that the fields cannot show, until staff replace it', async () => {
    const created = await post(
      t,
      '/console/campaigns',
      { ...draft, intent: 'save', csrf: editor.csrf },
      editor.cookie,
    );
    const id = Number(created.headers.get('location')!.split('/')[3]);
    const segment = {
      any: [
        { field: 'country', op: 'in', values: ['DE'] },
        { field: 'language', op: 'in', values: ['fr'] },
      ],
    };
    await t.database.sql`update campaigns set segment = ${JSON.stringify(segment)}::jsonb where id = ${id}`;
    const edit = await (await get(t, `/console/campaigns/${id}/edit`, editor.cookie)).text();
    expect(edit).toContain('This audience was set through the API');
    const kept = edit.match(/name="kept" value="([^"]+)"/)![1]!.replaceAll('&quot;', '"');
    expect(JSON.parse(kept)).toEqual(segment);

    const saved = await post(
      t,
      `/console/campaigns/${id}`,
      { ...draft, countries: '', name: 'Renamed', kept, intent: 'save', csrf: editor.csrf },
      editor.cookie,
    );
    expect(saved.status).toBe(303);
    const [row] = await t.database.sql`select name, segment from campaigns where id = ${id}`;
    expect(row).toEqual({ name: 'Renamed', segment });

    const tampered = await post(
      t,
      `/console/campaigns/${id}`,
      { ...draft, kept: '{"all":[{"field":"password"}]}', intent: 'save', csrf: editor.csrf },
      editor.cookie,
    );
    expect(tampered.status).toBe(400);
    expect(await tampered.text()).toContain('href="#kept"');

    const replaced = await post(
      t,
      `/console/campaigns/${id}`,
      { ...draft, kept, replaceKept: 'yes', intent: 'save', csrf: editor.csrf },
      editor.cookie,
    );
    expect(replaced.status).toBe(303);
    const [after] = await t.database.sql`select segment from campaigns where id = ${id}`;
    expect(after!.segment).toEqual({
      all: [
        { field: 'country', op: 'in', values: ['FR'] },
        { field: 'status', op: 'in', values: ['active'] },
      ],
    });
  });

  it('answers an id beyond any row with 404, not a database error', async () => {
    for (const path of [
      '/console/campaigns/99999999999999999999999',
      '/console/members/99999999999999999999999',
    ]) {
      expect((await get(t, path, editor.cookie)).status, path).toBe(404);
    }
    const res = await post(
      t,
      '/console/offers/99999999999999999999999/review',
      { csrf: editor.csrf },
      editor.cookie,
    );
    expect(res.status).toBe(404);
  });

  it('sends people who are not signed in to the sign-in page', async () => {
    const res = await get(t, '/console/campaigns');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/sign-in?next=%2Fconsole%2Fcampaigns');
  });
});

/** Own MJML, with a greeting the previews can be checked for. */
const MJML = `<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Dear {{name}}, the spring assembly is on 12 April.</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;
const FRENCH = MJML.replace(
  'Dear {{name}}, the spring assembly is on 12 April.',
  'Cher {{name}}, assemblée le 12 avril.',
);

describe('every field of the campaign API in the console form', () => {
  let sesContract: number;
  let postalContract: number;
  let endedContract: number;
  beforeAll(async () => {
    [{ id: sesContract }] = (await t.database.sql`
      select id::int from contracts where reference = 'SES-DEFAULT'`) as unknown as [{ id: number }];
    const [house] = await t.database.sql`
      insert into subcontractors (name, service) values ('Print House', 'postal') returning id`;
    const contract = (reference: string, status: string) => t.database.sql`
      insert into contracts (subcontractor_id, reference, purposes, fields, valid_from, valid_to,
                             max_recipients_per_dispatch, retention_days, status)
      values (${house!.id}, ${reference}, ${'{society-mailing}'}::text[], ${'{name,postalAddress}'}::text[],
              '2020-01-01', '2099-12-31', 1000, 30, ${status}) returning id::int`;
    [{ id: postalContract }] = (await contract('PRINT-2026', 'active')) as unknown as [{ id: number }];
    [{ id: endedContract }] = (await contract('PRINT-OLD', 'ended')) as unknown as [{ id: number }];
  });

  const mjmlDraft = () => ({
    ...draft,
    name: 'Assembly',
    source: 'mjml',
    mjml: MJML,
    variant0Language: 'fr',
    variant0Subject: 'Bonjour {{first_name}}',
    variant0Mjml: FRENCH,
    replyTo: 'The Secretary <secretary@society.example>',
    rateLimit: '12.5',
    contractId: String(sesContract),
    csrf: editor.csrf,
  });

  it('saves own MJML, a translation, reply-to, rate and contract, and shows each back', async () => {
    const created = await post(t, '/console/campaigns', { ...mjmlDraft(), intent: 'save' }, editor.cookie);
    expect(created.status).toBe(303);
    const id = Number(created.headers.get('location')!.split('/')[3]);
    const [row] = await t.database.sql`
      select template, mjml, variants, reply_to, rate_limit, contract_id::int from campaigns where id = ${id}`;
    expect(row).toEqual({
      template: null,
      mjml: MJML,
      variants: { fr: { subject: 'Bonjour {{first_name}}', mjml: FRENCH } },
      reply_to: 'The Secretary <secretary@society.example>',
      rate_limit: 12.5,
      contract_id: sesContract,
    });

    const edit = await (await get(t, `/console/campaigns/${id}/edit`, editor.cookie)).text();
    expect(edit).toContain('name="source" value="mjml" checked');
    expect(edit).toContain('the spring assembly is on 12 April.&lt;/mj-text&gt;');
    expect(edit).toContain('id="variant0Language" name="variant0Language" value="fr"');
    expect(edit).toContain('value="Bonjour {{first_name}}"');
    expect(edit).toContain('Cher {{name}}');
    expect(edit).toContain('value="The Secretary &lt;secretary@society.example&gt;"');
    expect(edit).toContain('id="rateLimit" name="rateLimit" value="12.5"');
    expect(edit).toMatch(
      new RegExp(`<option value="${sesContract}" data-service="email" selected>SES-DEFAULT`),
    );
    // The saved MJML renders in both preview frames, personalised for a sample member.
    expect(edit).toContain('title="Preview at mobile width"');
    expect(edit).toContain('Dear Ada Lovelace, the spring assembly is on 12 April.');

    const page = await (await get(t, `/console/campaigns/${id}`, editor.cookie)).text();
    expect(page).toContain('MJML written for this campaign');
    expect(page).toContain('<dt>Translations</dt><dd>fr</dd>');
    expect(page).toContain('at most 12.5 messages per second');
    expect(page).toContain('SES-DEFAULT (Amazon SES)');
    expect(page).toContain('replies go to The Secretary');

    // Switching back to a template clears the MJML; emptying the translation removes it.
    const saved = await post(
      t,
      `/console/campaigns/${id}`,
      {
        ...mjmlDraft(),
        source: 'template',
        variant0Language: '',
        variant0Subject: '',
        variant0Mjml: '',
        rateLimit: '',
        contractId: '',
        intent: 'save',
      },
      editor.cookie,
    );
    expect(saved.status).toBe(303);
    const [after] = await t.database.sql`
      select template, mjml, variants, rate_limit, contract_id from campaigns where id = ${id}`;
    expect(after).toEqual({
      template: 'society-mailing',
      mjml: null,
      variants: {},
      rate_limit: null,
      contract_id: null,
    });
  });

  const refused = async (fields: Record<string, string>, field: string, words: string) => {
    const before = await count();
    const res = await post(
      t,
      '/console/campaigns',
      { ...mjmlDraft(), ...fields, intent: 'save' },
      editor.cookie,
    );
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain(`href="#${field}"`);
    expect(page).toContain(`id="${field}-error"`);
    expect(page).toContain(words);
    expect(await count()).toBe(before);
    return page;
  };

  it('names invalid MJML with its line, re-fills the form and writes nothing', async () => {
    const page = await refused(
      { mjml: MJML.replace('<mj-column>', '<mj-column><mj-bogus>x</mj-bogus>') },
      'mjml',
      'line 4',
    );
    expect(page).toContain('mj-bogus');
    expect(page).toContain('value="Assembly"');
    await refused({ mjml: '   ' }, 'mjml', 'write the MJML of the message');
  });

  it('refuses content that hides the mandatory footer, and a translation that breaks', async () => {
    await refused(
      { mjml: MJML.replace('</mj-body>', '<mj-raw><!-- </mj-raw></mj-body>') },
      'mjml',
      'hides the mandatory footer',
    );
    await refused(
      { variant0Mjml: '<mjml><mj-body><mj-text>x</mj-text></mj-body></mjml>' },
      'variant0Mjml',
      'line 1',
    );
    await refused({ variant0Language: 'French' }, 'variant0Language', 'two- or three-letter language code');
    await refused({ variant0Language: 'en' }, 'variant0Language', 'already in this language');
    await refused({ variant0Subject: '{{unknown}}' }, 'variant0Subject', 'Unknown placeholder');
  });

  it('refuses an unknown contract, one not in force and one for the other channel', async () => {
    await refused({ contractId: '999999' }, 'contractId', 'contracts in force');
    await refused({ contractId: String(endedContract) }, 'contractId', 'contracts in force');
    await refused({ contractId: String(postalContract) }, 'contractId', 'PRINT-2026 covers post, not email');
    await refused({ contractId: 'SES' }, 'contractId', 'contracts in force');
  });

  it('refuses a send rate out of range or not a number', async () => {
    for (const rateLimit of ['0', '-3', '10001', 'fast']) {
      await refused({ rateLimit }, 'rateLimit', 'messages per second above 0 and at most 10000');
    }
  });

  it('offers only contracts in force, grouped by channel; a postal campaign takes a postal one', async () => {
    const form = await (await get(t, '/console/campaigns/new', editor.cookie)).text();
    expect(form).toContain('<optgroup label="By email">');
    expect(form).toContain('<optgroup label="By post">');
    expect(form).toContain('PRINT-2026');
    expect(form).not.toContain('PRINT-OLD');
    const created = await post(
      t,
      '/console/campaigns',
      {
        ...mjmlDraft(),
        name: 'Printed letter',
        channel: 'postal',
        contractId: String(postalContract),
        intent: 'save',
      },
      editor.cookie,
    );
    expect(created.status).toBe(303);
    const [row] = await t.database
      .sql`select channel, contract_id::int from campaigns where name = 'Printed letter'`;
    expect(row).toEqual({ channel: 'postal', contract_id: postalContract });
  });

  it('previews unsaved MJML with the Preview button and as JSON for the script, saving nothing', async () => {
    const before = await count();
    const shown = await post(
      t,
      '/console/campaigns',
      { ...mjmlDraft(), name: '', intent: 'preview' },
      editor.cookie,
    );
    expect(shown.status).toBe(200);
    const page = await shown.text();
    expect(page).toContain('title="Preview at desktop width"');
    expect(page).toContain('Dear Ada Lovelace, the spring assembly is on 12 April.');
    expect(page).toContain('Subject: <strong data-preview-subject>Hello Ada</strong>');

    const live = await post(
      t,
      '/console/campaigns/preview',
      { ...mjmlDraft(), mjml: MJML.replace('12 April', '19 April') },
      editor.cookie,
    );
    expect(live.status).toBe(200);
    const body = (await live.json()) as { subject: string; html: string };
    expect(body.subject).toBe('Hello Ada');
    expect(body.html).toContain('the spring assembly is on 19 April.');
    expect(body.html).toContain('Unsubscribe');

    const french = await post(
      t,
      '/console/campaigns/preview',
      { ...mjmlDraft(), previewLanguage: 'fr' },
      editor.cookie,
    );
    const inFrench = (await french.json()) as { subject: string; html: string };
    expect(inFrench.subject).toBe('Bonjour Ada');
    expect(inFrench.html).toContain('Cher Ada Lovelace, assemblée le 12 avril.');
    const byButton = await post(
      t,
      '/console/campaigns',
      { ...mjmlDraft(), previewLanguage: 'fr', intent: 'preview' },
      editor.cookie,
    );
    const buttonPage = await byButton.text();
    expect(buttonPage).toContain('Subject: <strong data-preview-subject>Bonjour Ada</strong>');
    expect(buttonPage).toContain('name="previewLanguage" value="fr"');

    const bad = await post(
      t,
      '/console/campaigns/preview',
      { ...mjmlDraft(), mjml: '<mjml><mj-body><mj-text>x</mj-text></mj-body></mjml>' },
      editor.cookie,
    );
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: Record<string, string> }).errors.mjml).toMatch(/^line 1: /);
    const refusedPreview = await post(
      t,
      '/console/campaigns',
      { ...mjmlDraft(), mjml: '<mjml>', intent: 'preview' },
      editor.cookie,
    );
    expect(refusedPreview.status).toBe(400);
    expect(await refusedPreview.text()).toContain('href="#mjml"');
    const noToken = await post(t, '/console/campaigns/preview', { ...mjmlDraft(), csrf: '' }, editor.cookie);
    expect(noToken.status).toBe(403);
    expect(await count()).toBe(before);
  });

  it('takes a postal draft’s print artwork as a PDF upload, and refuses anything else', async () => {
    const [row] = await t.database.sql`select id::int from campaigns where name = 'Printed letter'`;
    const id = row!.id as number;
    const upload = (bytes: string, csrf = editor.csrf) => {
      const body = new FormData();
      body.append('csrf', csrf);
      body.append('artwork', new File([bytes], 'letter.pdf', { type: 'application/pdf' }));
      return t.app.request(`/console/campaigns/${id}/artwork`, {
        method: 'POST',
        headers: { cookie: editor.cookie, origin: ORIGIN },
        body,
      });
    };
    const notPdf = await upload('hello');
    expect(notPdf.status).toBe(400);
    expect(await notPdf.text()).toContain('The artwork was not stored: artwork must be a PDF file');
    expect((await upload('%PDF-1.4 x', 'wrong')).status).toBe(403);
    const [none] = await t.database.sql`select artwork_ref from campaigns where id = ${id}`;
    expect(none!.artwork_ref).toBeNull();

    const stored = await upload('%PDF-1.4 a letter');
    expect(stored.status).toBe(303);
    const [after] = await t.database.sql`select artwork_ref from campaigns where id = ${id}`;
    expect(after!.artwork_ref).toMatch(/^[0-9a-f]{64}\.pdf$/);
    const page = await (await get(t, `/console/campaigns/${id}`, editor.cookie)).text();
    expect(page).toContain('<dt>Print artwork</dt><dd>uploaded</dd>');
    expect(page).toContain('PRINT-2026 (Print House)');
  });
});
