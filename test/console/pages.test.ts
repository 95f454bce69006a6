import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPartner, submit } from '../partners/support.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { addMembers, member } from '../support/members.ts';
import { get, post, signInAs } from './support.ts';

let t: TestApp;
let editor: { cookie: string; csrf: string };
let approver: { cookie: string; csrf: string };
let admin: { cookie: string; csrf: string };
let memberId: number;
beforeAll(async () => {
  t = await createTestApp();
  editor = await signInAs(t, 'editor');
  approver = await signInAs(t, 'approver');
  admin = await signInAs(t, 'admin');
  memberId = (
    await addMembers(t.database.db, [
      member('grace@members.example', ['society-news', 'events'], {
        name: 'Grace Hopper',
        externalId: 'M-1001',
      }),
    ])
  )[0]!;
});
afterAll(() => t.close());

describe('roles on every page', () => {
  it('gives editors no administration and no review decisions (403), and admins everything', async () => {
    for (const path of [
      '/console/admin',
      '/console/admin/partners',
      '/console/admin/audit',
      '/console/admin/queues',
      '/console/admin/contracts',
    ]) {
      expect((await get(t, path, editor.cookie)).status, path).toBe(403);
      expect((await get(t, path, approver.cookie)).status, path).toBe(403);
      expect((await get(t, path, admin.cookie)).status, path).toBe(200);
    }
    const partner = await newPartner(t, 'Roles Books');
    const offerId = await submit(t, partner.key, { imageUrl: undefined });
    const res = await post(
      t,
      `/console/offers/${offerId}/review`,
      { to: 'in-review', csrf: editor.csrf },
      editor.cookie,
    );
    expect(res.status).toBe(403);
    const [row] = await t.database.sql`select state from offers where id = ${offerId}`;
    expect(row!.state).toBe('submitted');
    const created = await post(
      t,
      '/console/admin/partners',
      { name: 'Sneaky', contactEmail: 'x@y.example', csrf: editor.csrf },
      editor.cookie,
    );
    expect(created.status).toBe(403);
    expect((await t.database.sql`select count(*)::int as n from partners where name = 'Sneaky'`)[0]!.n).toBe(
      0,
    );
  });
});

describe('members', () => {
  it('finds a member by email or membership number and shows the consent matrix', async () => {
    for (const q of ['grace@members', 'GRACE@members.example', 'M-1001']) {
      const page = await (await get(t, `/console/members?q=${encodeURIComponent(q)}`, editor.cookie)).text();
      expect(page, q).toContain(`/console/members/${memberId}`);
    }
    const profile = await (await get(t, `/console/members/${memberId}`, editor.cookie)).text();
    expect(profile).toContain('Grace Hopper');
    expect(profile).toContain('Consent history');
  });

  it('records a phone opt-out in the ledger with the note, and it shows in the history', async () => {
    const res = await post(
      t,
      `/console/members/${memberId}/requests`,
      {
        source: 'staff-phone',
        'change:events:email': 'out',
        note: 'Called: no more event mail',
        csrf: editor.csrf,
      },
      editor.cookie,
    );
    expect(res.status).toBe(303);
    const [entry] = await t.database.sql`
      select topic, channel, granted, source, note, actor from consent_events
       where member_id = ${memberId} and source = 'staff-phone'`;
    expect(entry).toMatchObject({
      topic: 'events',
      channel: 'email',
      granted: false,
      note: 'Called: no more event mail',
    });
    const profile = await (await get(t, `/console/members/${memberId}`, editor.cookie)).text();
    expect(profile).toContain('Called: no more event mail');
  });

  it('asks for a note and a change, and writes nothing without them', async () => {
    const before = (await t.database.sql`select count(*)::int as n from consent_events`)[0]!.n;
    const res = await post(
      t,
      `/console/members/${memberId}/requests`,
      { source: 'staff-post', note: '', csrf: editor.csrf },
      editor.cookie,
    );
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('say what the member asked for');
    expect(page).toContain('choose at least one change');
    expect((await t.database.sql`select count(*)::int as n from consent_events`)[0]!.n).toBe(before);
  });

  it('corrects details, naming changed fields (not values) in the audit log', async () => {
    const res = await post(
      t,
      `/console/members/${memberId}`,
      {
        name: 'Grace B. Hopper',
        email: 'grace@members.example',
        language: 'en',
        country: 'us',
        city: 'Arlington',
        addressLine1: '',
        addressLine2: '',
        region: '',
        postalCode: '',
        csrf: editor.csrf,
      },
      editor.cookie,
    );
    expect(res.status).toBe(303);
    const [m] = await t.database.sql`select name, country, city from members where id = ${memberId}`;
    expect(m).toEqual({ name: 'Grace B. Hopper', country: 'US', city: 'Arlington' });
    const [audit] = await t.database.sql`select details from audit_log where action = 'member.correct'`;
    expect(audit!.details.fields.sort()).toEqual(['city', 'country', 'name']);
    const bad = await post(
      t,
      `/console/members/${memberId}`,
      { name: 'X', email: 'not-an-address', language: 'en', csrf: editor.csrf },
      editor.cookie,
    );
    expect(bad.status).toBe(400);
  });
});

describe('offers and administration', () => {
  it('an approver reviews an offer with a note and schedules it; the queue and preview show it', async () => {
    const partner = await newPartner(t, 'Queue Books');
    const offerId = await submit(t, partner.key, { imageUrl: undefined });
    const queue = await (await get(t, '/console/offers', approver.cookie)).text();
    expect(queue).toContain(`/console/offers/${offerId}`);
    const page = await (await get(t, `/console/offers/${offerId}`, approver.cookie)).text();
    expect(page).toContain('title="Offer preview at desktop width"');
    expect(
      (
        await post(
          t,
          `/console/offers/${offerId}/review`,
          { to: 'in-review', csrf: approver.csrf },
          approver.cookie,
        )
      ).status,
    ).toBe(303);
    const noNote = await post(
      t,
      `/console/offers/${offerId}/review`,
      { to: 'approved', note: '', csrf: approver.csrf },
      approver.cookie,
    );
    expect(noNote.status).toBe(400);
    expect(
      (
        await post(
          t,
          `/console/offers/${offerId}/review`,
          { to: 'approved', note: 'Fine by us', csrf: approver.csrf },
          approver.cookie,
        )
      ).status,
    ).toBe(303);
    const from = new Date(Date.now() + 2 * 86_400_000);
    const scheduled = await post(
      t,
      `/console/offers/${offerId}/schedule`,
      { sendDate: from.toISOString().slice(0, 10), sendTime: '10:00', timeZone: 'UTC', csrf: approver.csrf },
      approver.cookie,
    );
    expect(scheduled.status).toBe(303);
    const [row] = await t.database
      .sql`select state, review_note, campaign_id from offers where id = ${offerId}`;
    expect(row).toMatchObject({ state: 'scheduled', review_note: 'Fine by us' });
    expect(row!.campaign_id).not.toBeNull();
  });

  it('an admin adds a partner and issues a key shown once; the audit log and queues pages list what happened', async () => {
    const created = await post(
      t,
      '/console/admin/partners',
      { name: 'Console Travel', contactEmail: 'offers@travel.example', csrf: admin.csrf },
      admin.cookie,
    );
    expect(created.status).toBe(303);
    const [p] = await t.database.sql`select id from partners where name = 'Console Travel'`;
    const issued = await post(
      t,
      `/console/admin/partners/${p!.id}/keys`,
      { label: 'portal', csrf: admin.csrf },
      admin.cookie,
    );
    const page = await issued.text();
    const key = page.match(/class="key">(smp_[A-Za-z0-9_-]+)</)?.[1];
    expect(key).toBeDefined();
    expect((await t.call('GET', '/api/partner/offers', undefined, key)).status).toBe(200);
    const audit = await (await get(t, '/console/admin/audit', admin.cookie)).text();
    expect(audit).toContain('partner.key-issue');
    expect(audit).not.toContain(key!);
    const queues = await (await get(t, '/console/admin/queues', admin.cookie)).text();
    expect(queues).toContain('Queue health');
  });
});

describe('bad input comes back on the form it was typed in', () => {
  it('a member request refused for a bad date keeps how they asked, the changes and the note', async () => {
    const before = (await t.database.sql`select count(*)::int as n from consent_events`)[0]!.n;
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const res = await post(
      t,
      `/console/members/${memberId}/requests`,
      {
        source: 'staff-post',
        'change:society-news:email': 'out',
        'change:events:postal': 'in',
        note: 'Letter asking to stop the newsletter',
        requestedOn: tomorrow,
        csrf: editor.csrf,
      },
      editor.cookie,
    );
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('href="#requestedOn"');
    expect(page).toContain('id="requestedOn-error"');
    expect(page).toContain('value="staff-post" checked');
    expect(page).toMatch(/name="change:society-news:email">.*<option value="out" selected>/);
    expect(page).toMatch(/name="change:events:postal">.*<option value="in" selected>/);
    expect(page).toContain('>Letter asking to stop the newsletter</textarea>');
    expect(page).toContain(`name="requestedOn" value="${tomorrow}"`);
    expect((await t.database.sql`select count(*)::int as n from consent_events`)[0]!.n).toBe(before);
  });

  it('an offer decision without a note keeps the decision; a bad schedule keeps the time', async () => {
    const partner = await newPartner(t, 'Refill Books');
    const offerId = await submit(t, partner.key, { imageUrl: undefined });
    await post(
      t,
      `/console/offers/${offerId}/review`,
      { to: 'in-review', csrf: approver.csrf },
      approver.cookie,
    );
    const noNote = await post(
      t,
      `/console/offers/${offerId}/review`,
      { to: 'changes-requested', note: '', csrf: approver.csrf },
      approver.cookie,
    );
    expect(noNote.status).toBe(400);
    const page = await noNote.text();
    expect(page).toContain('Write a note to the partner.');
    expect(page).toContain('value="changes-requested" checked');
    const tooLong = await post(
      t,
      `/console/offers/${offerId}/review`,
      { to: 'rejected', note: 'x'.repeat(2001), csrf: approver.csrf },
      approver.cookie,
    );
    expect(tooLong.status).toBe(400);
    expect(await tooLong.text()).toContain(`>${'x'.repeat(2001)}</textarea>`);
    await post(
      t,
      `/console/offers/${offerId}/review`,
      { to: 'approved', note: 'Fine', csrf: approver.csrf },
      approver.cookie,
    );
    const bad = await post(
      t,
      `/console/offers/${offerId}/schedule`,
      { sendDate: '2030-02-30', sendTime: '10:15', timeZone: 'Asia/Tokyo', csrf: approver.csrf },
      approver.cookie,
    );
    expect(bad.status).toBe(400);
    const scheduled = await bad.text();
    expect(scheduled).toContain('Give a date (such as 2026-12-24)');
    expect(scheduled).toContain('name="sendTime" required value="10:15"');
    expect(scheduled).toContain('<option selected>Asia/Tokyo</option>');
    const [row] = await t.database.sql`select state from offers where id = ${offerId}`;
    expect(row!.state).toBe('approved');
  });
});
