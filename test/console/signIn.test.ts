import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_MS } from '../../src/console/lockout.ts';
import { verifyPassword } from '../../src/console/password.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { repoRoot } from '../support/spawnNode.ts';
import { get, ORIGIN, PASSWORD, post, sessionCookie, signInAs } from './support.ts';

let t: TestApp;
let now = new Date('2026-03-02T09:00:00Z');
beforeAll(async () => {
  t = await createTestApp({ clock: { now: () => now } });
});
afterAll(() => t.close());

const sessions = async () =>
  (await t.database.sql`select count(*)::int as n from staff_sessions`)[0]!.n as number;

describe('staff sign-in', () => {
  it('keeps an argon2id hash, sets an HttpOnly SameSite=Lax cookie, and stores only a hash of the session id', async () => {
    const { cookie } = await signInAs(t, 'editor');
    const [user] = await t.database
      .sql`select password_hash from staff_users where email = 'editor@staff.example'`;
    expect(user!.password_hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(user!.password_hash, PASSWORD)).toBe(true);

    const res = await post(t, '/console/sign-in', { email: 'editor@staff.example', password: PASSWORD });
    const set = res.headers.get('set-cookie')!;
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Lax/);
    expect(set).not.toMatch(/Secure/);
    const id = cookie.split('=')[1]!;
    const stored = await t.database.sql`select id_hash from staff_sessions`;
    expect(stored.map((r) => r.id_hash)).not.toContain(id);

    const page = await get(t, '/console/sign-in', cookie);
    expect(page.status).toBe(303);
  });

  it('the session cookie works on the staff API with the same role checks; a change needs the CSRF header', async () => {
    const { cookie, csrf } = await signInAs(t, 'editor');
    expect((await t.app.request('/api/campaigns', { headers: { cookie } })).status).toBe(200);
    const review = (headers: Record<string, string>) =>
      t.app.request('/api/offers/1/review', {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ to: 'in-review' }),
      });
    expect((await review({})).status).toBe(403);
    const wrongRole = await review({ 'x-csrf-token': csrf });
    expect(wrongRole.status).toBe(403);
    expect(((await wrongRole.json()) as any).message).toContain('approver');
    // Bearer tokens behave as before.
    expect((await t.call('GET', '/api/campaigns')).status).toBe(401);
    expect((await t.call('GET', '/api/campaigns', undefined, t.tokens.editor)).status).toBe(200);
  });

  it('refuses a wrong password with the same words as an unknown address', async () => {
    await signInAs(t, 'approver');
    const wrong = await post(t, '/console/sign-in', {
      email: 'approver@staff.example',
      password: 'not the password',
    });
    const unknown = await post(t, '/console/sign-in', {
      email: 'nobody@staff.example',
      password: 'whatever it is',
    });
    expect(wrong.status).toBe(403);
    expect(unknown.status).toBe(403);
    expect(await wrong.text()).toContain('do not match');
    expect(await unknown.text()).toContain('do not match');
    expect(sessionCookie(wrong)).toBeUndefined();
  });

  it('locks an account for 15 minutes after 5 failures, even against the right password', async () => {
    await signInAs(t, 'admin');
    const attempt = (password: string) =>
      post(t, '/console/sign-in', { email: 'admin@staff.example', password });
    for (let i = 0; i < 4; i++) expect((await attempt(`wrong guess ${i}`)).status).toBe(403);
    const fifth = await attempt('wrong guess 5');
    expect(await fifth.text()).toContain('locked for 15 more minutes');
    const right = await attempt(PASSWORD);
    expect(right.status).toBe(403);
    expect(sessionCookie(right)).toBeUndefined();
    expect(await right.text()).toContain('locked');
    const [audit] = await t.database
      .sql`select count(*)::int as n from audit_log where action = 'staff.locked'`;
    expect(audit!.n).toBe(1);

    now = new Date(now.getTime() + LOCK_MS + 1000);
    const later = await attempt(PASSWORD);
    expect(later.status).toBe(303);
    const [user] = await t.database
      .sql`select failed_sign_ins, locked_until from staff_users where email = 'admin@staff.example'`;
    expect(user).toEqual({ failed_sign_ins: 0, locked_until: null });
  });

  it('sign-out ends the session for the console and the API', async () => {
    const { cookie, csrf } = await signInAs(t, 'editor');
    const before = await sessions();
    const out = await post(t, '/console/sign-out', { csrf }, cookie);
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/staff_session=;/);
    expect(await sessions()).toBe(before - 1);
    const page = await get(t, '/console/campaigns', cookie);
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toContain('/console/sign-in');
    expect((await t.app.request('/api/campaigns', { headers: { cookie } })).status).toBe(401);
  });

  it('a post without the CSRF token, or from another origin, is refused and changes nothing', async () => {
    const { cookie, csrf } = await signInAs(t, 'editor');
    const before = await sessions();
    const missing = await post(t, '/console/sign-out', {}, cookie);
    expect(missing.status).toBe(403);
    const wrong = await post(t, '/console/sign-out', { csrf: `${csrf}x` }, cookie);
    expect(wrong.status).toBe(403);
    const foreign = await post(t, '/console/sign-out', { csrf }, cookie, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(await sessions()).toBe(before);
    expect((await t.app.request('/api/campaigns', { headers: { cookie } })).status).toBe(200);
  });

  it('the first admin sets a password with the API token printed at first start', async () => {
    const res = await post(t, '/console/first-sign-in', {
      token: t.tokens.admin,
      password: 'a brand new passphrase',
      confirm: 'a brand new passphrase',
    });
    expect(res.status).toBe(303);
    const signedIn = await post(t, '/console/sign-in', {
      email: 'admin@staff.example',
      password: 'a brand new passphrase',
    });
    expect(signedIn.status).toBe(303);
    const bad = await post(t, '/console/first-sign-in', {
      token: 'smt_not-a-token-at-all',
      password: 'x',
      confirm: 'x',
    });
    expect(bad.status).toBe(403);
    const short = await post(t, '/console/first-sign-in', {
      token: t.tokens.admin,
      password: 'short',
      confirm: 'short',
    });
    expect(short.status).toBe(400);
    expect(await short.text()).toContain('at least 12 characters');
  });

  it('marks the cookie Secure when the public URL is https', async () => {
    const secure = await createTestApp({ env: { PUBLIC_URL: 'https://mail.society.example' } });
    try {
      await signInAs(secure, 'editor').catch(() => {});
      const res = await secure.app.request('/console/sign-in', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          origin: 'https://mail.society.example',
        },
        body: new URLSearchParams({ email: 'editor@staff.example', password: PASSWORD }),
      });
      expect(res.status).toBe(303);
      expect(res.headers.get('set-cookie')).toMatch(/Secure/);
    } finally {
      await secure.close();
    }
  });
});

describe('npm run cli -- staff password', () => {
  it('sets a password read from standard input, and refuses a weak one', async () => {
    const run = (input: string, email = 'editor@staff.example') =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          [join(repoRoot, 'src/cli/main.ts'), 'staff', 'password', '--email', email],
          {
            cwd: repoRoot,
            env: { PATH: process.env.PATH ?? '', DATABASE_URL: t.database.url, LOG_LEVEL: 'warn' },
          },
        );
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('exit', (code) => resolve({ code, out }));
        child.stdin.end(input);
      });
    const weak = await run('short\n');
    expect(weak.code).toBe(1);
    expect(weak.out).toContain('at least 12 characters');
    const ok = await run('set from the command line\n');
    expect(ok.out).toContain('Password set');
    expect(ok.code).toBe(0);
    const res = await post(t, '/console/sign-in', {
      email: 'editor@staff.example',
      password: 'set from the command line',
    });
    expect(res.status).toBe(303);
    const missing = await run('set from the command line\n', 'nobody@staff.example');
    expect(missing.code).toBe(1);
  });
});

void ORIGIN;
