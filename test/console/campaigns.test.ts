import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_SEGMENT_FORM, formFromSegment, segmentFromForm } from '../../src/console/segmentForm.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { addMembers, member } from '../support/members.ts';
import { get, post, signInAs } from './support.ts';

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

  it('sends people who are not signed in to the sign-in page', async () => {
    const res = await get(t, '/console/campaigns');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/sign-in?next=%2Fconsole%2Fcampaigns');
  });
});
