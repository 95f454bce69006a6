import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { get, PASSWORD, post, sessionCookie, signInAs } from './support.ts';

let t: TestApp;
let admin: { cookie: string; csrf: string };
let editor: { cookie: string; csrf: string };
let approver: { cookie: string; csrf: string };
beforeAll(async () => {
  t = await createTestApp();
  admin = await signInAs(t, 'admin');
  editor = await signInAs(t, 'editor');
  approver = await signInAs(t, 'approver');
});
afterAll(() => t.close());

const idOf = async (email: string) =>
  (await t.database.sql<{ id: number }[]>`select id::int from staff_users where email = ${email}`)[0]!.id;
const count = async (email: string) =>
  (await t.database.sql`select count(*)::int as n from staff_users where email = ${email}`)[0]!.n;
const linkIn = (page: string) =>
  page.match(/http:\/\/localhost:3000(\/console\/password-link\/sml_[A-Za-z0-9_-]+)/)?.[1];

describe('adding a staff member', () => {
  it('shows a one-time link; the new person sets a password with it once and signs in with the role given', async () => {
    const res = await post(
      t,
      '/console/admin/staff',
      { name: 'Ada Lovelace', email: 'ada@staff.example', role: 'approver', csrf: admin.csrf },
      admin.cookie,
    );
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('shown only this once');
    const path = linkIn(page)!;
    expect(path).toBeDefined();
    const list = await (await get(t, '/console/admin/staff', admin.cookie)).text();
    expect(list).toContain('Ada Lovelace');
    expect(list).toContain('no password yet');
    expect(list).not.toContain(path);

    const open = await (await get(t, path)).text();
    expect(open).toContain('ada@staff.example');
    const differ = await post(t, path, { password: PASSWORD, confirm: 'something else entirely' });
    expect(differ.status).toBe(400);
    expect(await differ.text()).toContain('The two passwords differ');
    const set = await post(t, path, { password: PASSWORD, confirm: PASSWORD });
    expect(set.status).toBe(303);
    expect((await post(t, path, { password: PASSWORD, confirm: PASSWORD })).status).toBe(404);
    expect(await (await get(t, path)).text()).toContain('This link no longer works');

    const signIn = await post(t, '/console/sign-in', { email: 'ada@staff.example', password: PASSWORD });
    expect(signIn.status).toBe(303);
    const cookie = sessionCookie(signIn)!;
    expect((await get(t, '/console/admin/staff', cookie)).status).toBe(403);
    expect(await (await get(t, '/console/campaigns', cookie)).text()).toContain('Ada Lovelace (approver)');
  });

  it('refuses bad input with a 400 naming the field, and writes nothing', async () => {
    for (const [fields, field] of [
      [{ name: 'Bob', email: 'not an address', role: 'editor' }, 'email'],
      [{ name: '', email: 'bob@staff.example', role: 'editor' }, 'name'],
      [{ name: 'Bob', email: 'bob@staff.example', role: 'owner' }, 'role'],
    ] as const) {
      const res = await post(t, '/console/admin/staff', { ...fields, csrf: admin.csrf }, admin.cookie);
      expect(res.status).toBe(400);
      const page = await res.text();
      expect(page).toContain(`href="#${field}"`);
      expect(page).toContain(`id="${field}-error"`);
    }
    expect(await count('bob@staff.example')).toBe(0);
    const dup = await post(
      t,
      '/console/admin/staff',
      { name: 'Again', email: 'EDITOR@staff.example', role: 'editor', csrf: admin.csrf },
      admin.cookie,
    );
    expect(dup.status).toBe(400);
    expect(await dup.text()).toContain('a staff account with this email exists');
  });

  it('refuses editors and approvers (403) and a missing CSRF token (403)', async () => {
    const fields = { name: 'Eve', email: 'eve@staff.example', role: 'admin' };
    for (const who of [editor, approver]) {
      expect((await get(t, '/console/admin/staff', who.cookie)).status).toBe(403);
      expect((await post(t, '/console/admin/staff', { ...fields, csrf: who.csrf }, who.cookie)).status).toBe(
        403,
      );
    }
    expect((await post(t, '/console/admin/staff', fields, admin.cookie)).status).toBe(403);
    const id = await idOf('editor@staff.example');
    expect((await post(t, `/console/admin/staff/${id}/role`, { role: 'admin' }, admin.cookie)).status).toBe(
      403,
    );
    expect(
      (
        await post(
          t,
          `/console/admin/staff/${id}/disabled`,
          { disabled: 'true', csrf: editor.csrf },
          editor.cookie,
        )
      ).status,
    ).toBe(403);
    expect(await count('eve@staff.example')).toBe(0);
    const [row] = await t.database.sql`select role, disabled from staff_users where id = ${id}`;
    expect(row).toEqual({ role: 'editor', disabled: false });
  });
});

describe('changing an account', () => {
  it('changes a role, and refuses an unknown one naming the field', async () => {
    const id = await idOf('ada@staff.example');
    const res = await post(
      t,
      `/console/admin/staff/${id}/role`,
      { role: 'editor', csrf: admin.csrf },
      admin.cookie,
    );
    expect(res.status).toBe(303);
    expect(await (await get(t, res.headers.get('location')!, admin.cookie)).text()).toContain(
      'The role is changed.',
    );
    const bad = await post(
      t,
      `/console/admin/staff/${id}/role`,
      { role: 'root', csrf: admin.csrf },
      admin.cookie,
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('role must be editor, approver or admin');
    expect((await t.database.sql`select role from staff_users where id = ${id}`)[0]!.role).toBe('editor');
  });

  it('disabling ends their sessions and revokes their API tokens; enabling lets them back', async () => {
    const id = await idOf('approver@staff.example');
    const before = (
      await t.database.sql`select count(*)::int as n from staff_sessions where staff_user_id = ${id}`
    )[0]!.n;
    expect(before).toBeGreaterThan(0);
    const res = await post(
      t,
      `/console/admin/staff/${id}/disabled`,
      { disabled: 'true', csrf: admin.csrf },
      admin.cookie,
    );
    expect(res.status).toBe(303);
    expect((await get(t, '/console/campaigns', approver.cookie)).status).toBe(303);
    expect((await t.call('GET', '/api/campaigns', undefined, t.tokens.approver)).status).toBe(401);
    const page = await (await get(t, `/console/admin/staff/${id}`, admin.cookie)).text();
    expect(page).toContain('disabled');
    expect(page).toMatch(/revoked \d{4}-/);
    await post(
      t,
      `/console/admin/staff/${id}/disabled`,
      { disabled: 'false', csrf: admin.csrf },
      admin.cookie,
    );
    expect((await t.database.sql`select disabled from staff_users where id = ${id}`)[0]!.disabled).toBe(
      false,
    );
    const actions = await t.database
      .sql`select action from audit_log where target = ${`staff:${id}`} and actor like 'staff:%' order by id`;
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(['staff.disable', 'staff.enable']));
  });

  it('unlocks a locked account', async () => {
    const id = await idOf('editor@staff.example');
    await t.database
      .sql`update staff_users set failed_sign_ins = 5, locked_until = now() + interval '10 minutes' where id = ${id}`;
    const page = await (await get(t, `/console/admin/staff/${id}`, admin.cookie)).text();
    expect(page).toContain('locked until');
    const res = await post(t, `/console/admin/staff/${id}/unlock`, { csrf: admin.csrf }, admin.cookie);
    expect(res.status).toBe(303);
    expect(await (await get(t, res.headers.get('location')!, admin.cookie)).text()).not.toContain(
      'locked until',
    );
    expect(
      (await post(t, '/console/sign-in', { email: 'editor@staff.example', password: PASSWORD })).status,
    ).toBe(303);
  });

  it('issues a token shown once, and revokes it', async () => {
    const id = await idOf('editor@staff.example');
    const res = await post(
      t,
      `/console/admin/staff/${id}/tokens`,
      { label: 'laptop', csrf: admin.csrf },
      admin.cookie,
    );
    const token = (await res.text()).match(/smt_[A-Za-z0-9_-]+/)![0];
    expect((await t.call('GET', '/api/campaigns', undefined, token)).status).toBe(200);
    const [row] = await t.database
      .sql`select id::int from api_tokens where staff_user_id = ${id} and label = 'laptop'`;
    const bad = await post(
      t,
      `/console/admin/staff/${id}/tokens`,
      { label: '', csrf: admin.csrf },
      admin.cookie,
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('id="label-error"');
    await post(t, `/console/admin/staff/${id}/tokens/${row!.id}/revoke`, { csrf: admin.csrf }, admin.cookie);
    expect((await t.call('GET', '/api/campaigns', undefined, token)).status).toBe(401);
  });

  it('a new password link replaces the earlier one', async () => {
    const id = await idOf('ada@staff.example');
    const first = linkIn(
      await (
        await post(t, `/console/admin/staff/${id}/password-link`, { csrf: admin.csrf }, admin.cookie)
      ).text(),
    )!;
    const second = linkIn(
      await (
        await post(t, `/console/admin/staff/${id}/password-link`, { csrf: admin.csrf }, admin.cookie)
      ).text(),
    )!;
    expect((await get(t, first)).status).toBe(404);
    expect((await get(t, second)).status).toBe(200);
  });
});

describe('single sign-on', () => {
  it('shows whether an account is linked, and an admin unlinks it (audited)', async () => {
    const id = await idOf('editor@staff.example');
    await t.database.sql`update staff_users set oidc_subject = 'old-provider|42' where id = ${id}`;
    const linked = await (await get(t, `/console/admin/staff/${id}`, admin.cookie)).text();
    expect(linked).toContain('<dt>Single sign-on</dt><dd>linked</dd>');
    expect(linked).toContain('Unlink single sign-on');

    const res = await post(t, `/console/admin/staff/${id}/unlink-sso`, { csrf: admin.csrf }, admin.cookie);
    expect(res.status).toBe(303);
    const page = await (await get(t, res.headers.get('location')!, admin.cookie)).text();
    expect(page).toContain('The account is not linked to single sign-on any more');
    expect(page).toContain('<dt>Single sign-on</dt><dd>not linked</dd>');
    expect(page).not.toContain('Unlink single sign-on');
    const [row] = await t.database.sql`select oidc_subject from staff_users where id = ${id}`;
    expect(row!.oidc_subject).toBeNull();
    const audit = await t.database
      .sql`select actor from audit_log where action = 'staff.oidc-unbound' and target = ${`staff:${id}`}`;
    expect(audit.map((a) => a.actor)).toEqual([`staff:${await idOf('admin@staff.example')}`]);
  });

  it('refuses editors and a missing CSRF token (403), and the link stays', async () => {
    const id = await idOf('approver@staff.example');
    await t.database.sql`update staff_users set oidc_subject = 'provider|7' where id = ${id}`;
    const asEditor = await post(
      t,
      `/console/admin/staff/${id}/unlink-sso`,
      { csrf: editor.csrf },
      editor.cookie,
    );
    expect(asEditor.status).toBe(403);
    const noCsrf = await post(t, `/console/admin/staff/${id}/unlink-sso`, {}, admin.cookie);
    expect(noCsrf.status).toBe(403);
    const [row] = await t.database.sql`select oidc_subject from staff_users where id = ${id}`;
    expect(row!.oidc_subject).toBe('provider|7');
    expect(
      (
        await t.database
          .sql`select 1 from audit_log where action = 'staff.oidc-unbound' and target = ${`staff:${id}`}`
      ).length,
    ).toBe(0);
    await t.database.sql`update staff_users set oidc_subject = null where id = ${id}`;
  });
});

describe('paths that name nothing', () => {
  it('answers 404 for ids beyond any row and for links that were never issued', async () => {
    const huge = '99999999999999999999999';
    expect((await get(t, `/console/admin/staff/${huge}`, admin.cookie)).status).toBe(404);
    const res = await post(
      t,
      `/console/admin/staff/${huge}/disabled`,
      { disabled: 'true', csrf: admin.csrf },
      admin.cookie,
    );
    expect(res.status).toBe(404);
    expect((await get(t, '/console/password-link/sml_not-a-real-link')).status).toBe(404);
    const guess = `/console/password-link/sml_${'A'.repeat(43)}`;
    expect((await post(t, guess, { password: PASSWORD, confirm: PASSWORD })).status).toBe(404);
  });
});

describe('the last enabled admin', () => {
  it('cannot be demoted or disabled, with a clear message, and nothing changes', async () => {
    const id = await idOf('admin@staff.example');
    const demote = await post(
      t,
      `/console/admin/staff/${id}/role`,
      { role: 'editor', csrf: admin.csrf },
      admin.cookie,
    );
    expect(demote.status).toBe(409);
    expect(await demote.text()).toContain('is the last enabled admin and cannot be given another role');
    const disable = await post(
      t,
      `/console/admin/staff/${id}/disabled`,
      { disabled: 'true', csrf: admin.csrf },
      admin.cookie,
    );
    expect(disable.status).toBe(409);
    expect(await disable.text()).toContain('is the last enabled admin and cannot be disabled');
    const [row] = await t.database.sql`select role, disabled from staff_users where id = ${id}`;
    expect(row).toEqual({ role: 'admin', disabled: false });

    const other = await idOf('approver@staff.example');
    await post(t, `/console/admin/staff/${other}/role`, { role: 'admin', csrf: admin.csrf }, admin.cookie);
    expect(
      (await post(t, `/console/admin/staff/${id}/role`, { role: 'editor', csrf: admin.csrf }, admin.cookie))
        .status,
    ).toBe(303);
  });
});
