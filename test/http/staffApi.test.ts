import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestApp } from '../support/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const idOf = async (email: string) =>
  (await t.database.sql<{ id: number }[]>`select id::int from staff_users where email = ${email}`)[0]!.id;

describe('/api/staff', () => {
  it('lists staff for admins only', async () => {
    expect((await t.call('GET', '/api/staff', undefined, t.tokens.approver)).status).toBe(403);
    const res = await t.call('GET', '/api/staff', undefined, t.tokens.admin);
    expect(res.status).toBe(200);
    const { staff } = await json(res);
    expect(staff.map((s: { email: string }) => s.email)).toContain('editor@staff.example');
  });

  it('adds a staff member with a single-use password link, and refuses bad input naming the field', async () => {
    const bad = await t.call(
      'POST',
      '/api/staff',
      { name: 'Ada', email: 'not-an-address', role: 'editor' },
      t.tokens.admin,
    );
    expect(bad.status).toBe(400);
    expect((await json(bad)).message).toMatch(/^email:/);
    const role = await t.call(
      'POST',
      '/api/staff',
      { name: 'Ada', email: 'ada@staff.example', role: 'boss' },
      t.tokens.admin,
    );
    expect((await json(role)).message).toMatch(/role must be editor, approver or admin/);
    expect((await t.database.sql`select 1 from staff_users where email = 'ada@staff.example'`).length).toBe(
      0,
    );

    const res = await t.call(
      'POST',
      '/api/staff',
      { name: 'Ada', email: 'Ada@Staff.example', role: 'approver' },
      t.tokens.admin,
    );
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body).toMatchObject({ email: 'ada@staff.example', role: 'approver', hasPassword: false });
    expect(body.passwordLink).toMatch(/^http:\/\/localhost:3000\/console\/password-link\/sml_/);
    const [link] = await t.database.sql`select token_hash from staff_password_links`;
    expect(link!.token_hash).not.toContain(body.passwordLink.split('/').at(-1));
    const again = await t.call(
      'POST',
      '/api/staff',
      { name: 'Ada', email: 'ada@staff.example', role: 'editor' },
      t.tokens.admin,
    );
    expect(again.status).toBe(409);
  });

  it('changes a role, and disabling revokes the API tokens', async () => {
    const id = await idOf('editor@staff.example');
    const res = await t.call('PATCH', `/api/staff/${id}`, { role: 'approver' }, t.tokens.admin);
    expect((await json(res)).role).toBe('approver');
    const issued = await json(
      await t.call('POST', `/api/staff/${id}/tokens`, { label: 'laptop' }, t.tokens.admin),
    );
    expect((await t.call('GET', '/api/staff', undefined, issued.token)).status).toBe(403);
    const off = await t.call('PATCH', `/api/staff/${id}`, { disabled: true }, t.tokens.admin);
    expect((await json(off)).disabled).toBe(true);
    expect((await t.call('GET', '/api/campaigns', undefined, issued.token)).status).toBe(401);
    const tokens = await json(await t.call('GET', `/api/staff/${id}/tokens`, undefined, t.tokens.admin));
    expect(tokens.tokens.every((k: { revokedAt: string | null }) => k.revokedAt !== null)).toBe(true);
    const [audit] = await t.database
      .sql`select count(*)::int as n from audit_log where target = ${`staff:${id}`} and action in ('staff.role', 'staff.disable', 'staff.token-issue')`;
    expect(audit!.n).toBe(3);
  });

  it('refuses to demote or disable the last enabled admin', async () => {
    const id = await idOf('admin@staff.example');
    for (const change of [{ role: 'editor' }, { disabled: true }]) {
      const res = await t.call('PATCH', `/api/staff/${id}`, change, t.tokens.admin);
      expect(res.status).toBe(409);
      expect((await json(res)).message).toMatch(/last enabled admin/);
    }
    const [row] = await t.database.sql`select role, disabled from staff_users where id = ${id}`;
    expect(row).toEqual({ role: 'admin', disabled: false });
  });

  it('revokes one token, and a revoked token no longer works', async () => {
    const id = await idOf('approver@staff.example');
    const issued = await json(
      await t.call('POST', `/api/staff/${id}/tokens`, { label: 'script' }, t.tokens.admin),
    );
    expect((await t.call('GET', '/api/campaigns', undefined, issued.token)).status).toBe(200);
    const res = await t.call('DELETE', `/api/staff/${id}/tokens/${issued.id}`, undefined, t.tokens.admin);
    expect(res.status).toBe(200);
    expect((await t.call('GET', '/api/campaigns', undefined, issued.token)).status).toBe(401);
    expect(
      (await t.call('DELETE', `/api/staff/${id}/tokens/${issued.id}`, undefined, t.tokens.admin)).status,
    ).toBe(404);
  });

  it('unlinks single sign-on, audited; non-admins are refused', async () => {
    const id = await idOf('approver@staff.example');
    await t.database.sql`update staff_users set oidc_subject = 'old-provider|9' where id = ${id}`;
    const listed = (await json(await t.call('GET', '/api/staff', undefined, t.tokens.admin))).staff.find(
      (s: { id: number }) => s.id === id,
    );
    expect(listed.ssoLinked).toBe(true);
    const path = `/api/staff/${id}/oidc-subject`;
    expect((await t.call('DELETE', path, undefined, t.tokens.approver)).status).toBe(403);
    expect(
      (await t.database.sql`select oidc_subject from staff_users where id = ${id}`)[0]!.oidc_subject,
    ).toBe('old-provider|9');
    const res = await t.call('DELETE', path, undefined, t.tokens.admin);
    expect(res.status).toBe(200);
    expect((await json(res)).ssoLinked).toBe(false);
    expect(
      (await t.database.sql`select oidc_subject from staff_users where id = ${id}`)[0]!.oidc_subject,
    ).toBeNull();
    expect((await t.call('DELETE', path, undefined, t.tokens.admin)).status).toBe(200);
    const audit = await t.database
      .sql`select count(*)::int as n from audit_log where target = ${`staff:${id}`} and action = 'staff.oidc-unbound'`;
    expect(audit[0]!.n).toBe(1);
    expect((await t.call('DELETE', '/api/staff/999999/oidc-subject', undefined, t.tokens.admin)).status).toBe(
      404,
    );
  });
});
