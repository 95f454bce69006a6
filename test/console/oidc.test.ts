import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { freePort } from '../support/freePort.ts';
import { type OidcTestProvider, signInAtProvider, startOidcProvider } from '../support/oidcProvider.ts';
import { get, sessionCookie } from './support.ts';

/**
 * Console single sign-on against a real OpenID Connect provider on a
 * loopback port: the whole authorization code flow, as a browser would run
 * it, and each way it must refuse.
 */
const CALLBACK = 'http://localhost:3000/console/sign-in/oidc/callback';
let idp: OidcTestProvider;
let t: TestApp;

beforeAll(async () => {
  idp = await startOidcProvider({
    redirectUri: CALLBACK,
    accounts: {
      'subject-editor': { email: 'Editor@Staff.example', email_verified: true },
      'subject-admin': { email: 'admin@staff.example' },
      'subject-impostor': { email: 'editor@staff.example', email_verified: true },
      'subject-stranger': { email: 'stranger@elsewhere.example', email_verified: true },
      'subject-unverified': { email: 'approver@staff.example', email_verified: false },
      'subject-no-email': {},
    },
  });
  t = await createTestApp({ env: { ...idp.env, OIDC_LABEL: 'Society login' } });
});
afterAll(async () => {
  await t?.close();
  await idp?.close();
});

const FLOW_COOKIE = /staff_oidc_flow=[^;]+/;
const count = async (table: 'staff_sessions' | 'audit_log') =>
  (await t.database.sql`select count(*)::int as n from ${t.database.sql(table)}`)[0]!.n as number;

/** Starts at the console, signs in at the provider as `login`, and returns the console's answer to the callback. */
async function ssoAs(login: string, next?: string) {
  const start = await get(t, `/console/sign-in/oidc${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  expect(start.status).toBe(303);
  const flowCookie = start.headers.get('set-cookie')!.match(FLOW_COOKIE)![0];
  const authorization = start.headers.get('location')!;
  const callback = await signInAtProvider(authorization, login);
  expect(callback.href.startsWith(`${CALLBACK}?`)).toBe(true);
  const res = await get(t, `${callback.pathname}${callback.search}`, flowCookie);
  return { start, authorization: new URL(authorization), callback, res };
}

describe('console single sign-on', () => {
  it('offers "Sign in with <label>" on the sign-in page, keeping where to go next', async () => {
    const page = await (await get(t, '/console/sign-in?next=/console/members')).text();
    expect(page).toContain(
      '<a class="button" href="/console/sign-in/oidc?next=%2Fconsole%2Fmembers">Sign in with Society login</a>',
    );
    expect(page).toContain('name="password"');
  });

  it('signs a staff member in through the provider with PKCE, state and nonce, and binds the account to the subject', async () => {
    const sessionsBefore = await count('staff_sessions');
    const { start, authorization, res } = await ssoAs('subject-editor', '/console/members');

    const flowCookie = start.headers.get('set-cookie')!;
    expect(flowCookie).toMatch(/HttpOnly/);
    expect(flowCookie).toMatch(/SameSite=Lax/);
    expect(flowCookie).toMatch(/Path=\/console\/sign-in\/oidc/);
    expect(flowCookie).toMatch(/Max-Age=600/);
    expect(flowCookie).not.toMatch(/Secure/);
    expect(authorization.origin).toBe(idp.issuer);
    expect(Object.fromEntries(authorization.searchParams)).toMatchObject({
      client_id: 'society-mailer',
      redirect_uri: CALLBACK,
      response_type: 'code',
      scope: 'openid email',
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      state: expect.stringMatching(/^[A-Za-z0-9_-]{20,}$/),
      nonce: expect.stringMatching(/^[A-Za-z0-9_-]{20,}$/),
    });

    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/members');
    const cookie = sessionCookie(res)!;
    expect(res.headers.get('set-cookie')).toMatch(/staff_session=[^;]+;.*HttpOnly/);
    expect(res.headers.get('set-cookie')).toMatch(/staff_oidc_flow=;/);
    expect(await count('staff_sessions')).toBe(sessionsBefore + 1);

    const campaigns = await get(t, '/console/campaigns', cookie);
    expect(campaigns.status).toBe(200);
    expect(await campaigns.text()).toContain('editor (editor)');

    const [user] = await t.database
      .sql`select id, oidc_subject from staff_users where email = 'editor@staff.example'`;
    expect(user!.oidc_subject).toBe('subject-editor');
    const audit = await t.database.sql`
      select action, details from audit_log where target = ${`staff:${user!.id}`} order by id`;
    expect(audit.map((a) => a.action)).toEqual(['staff.oidc-bound', 'staff.sign-in']);
    expect(audit[1]!.details).toEqual({ method: 'oidc' });

    // The next time, the bound subject signs in again; the role is the account's.
    const again = await ssoAs('subject-editor');
    expect(again.res.status).toBe(303);
    expect(again.res.headers.get('location')).toBe('/console/campaigns');
    const admin = await ssoAs('subject-admin');
    expect(admin.res.status).toBe(303);
    expect(await (await get(t, '/console/campaigns', sessionCookie(admin.res))).text()).toContain(
      'admin (admin)',
    );
  });

  it('refuses an address with no staff account: no account is made, no session opened', async () => {
    const before = {
      sessions: await count('staff_sessions'),
      users: await t.database.sql`select id from staff_users`,
    };
    const { res } = await ssoAs('subject-stranger');
    expect(res.status).toBe(403);
    expect(await res.text()).toContain(
      'No enabled staff account has the email address your identity provider gave',
    );
    expect(sessionCookie(res)).toBeUndefined();
    expect(await count('staff_sessions')).toBe(before.sessions);
    expect((await t.database.sql`select id from staff_users`).length).toBe(before.users.length);
  });

  it('refuses a different subject arriving with a bound account’s address', async () => {
    await ssoAs('subject-editor');
    const sessions = await count('staff_sessions');
    const { res } = await ssoAs('subject-impostor');
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('linked to a different identity at your identity provider');
    expect(sessionCookie(res)).toBeUndefined();
    expect(await count('staff_sessions')).toBe(sessions);
    const [user] = await t.database
      .sql`select oidc_subject from staff_users where email = 'editor@staff.example'`;
    expect(user!.oidc_subject).toBe('subject-editor');
  });

  it('refuses an address the provider has not verified, and claims without one', async () => {
    const unverified = await ssoAs('subject-unverified');
    expect(unverified.res.status).toBe(403);
    expect(await unverified.res.text()).toContain('has not verified your email address');
    const none = await ssoAs('subject-no-email');
    expect(none.res.status).toBe(403);
    expect(await none.res.text()).toContain('did not share your email address');
    const [approver] = await t.database
      .sql`select oidc_subject from staff_users where email = 'approver@staff.example'`;
    expect(approver!.oidc_subject).toBeNull();
  });

  it('refuses a disabled account', async () => {
    idp.accounts.set('subject-disabled', { email: 'disabled@staff.example', email_verified: true });
    await t.database.sql`
      insert into staff_users (email, name, role, disabled) values ('disabled@staff.example', 'Gone', 'editor', true)`;
    const { res } = await ssoAs('subject-disabled');
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('No enabled staff account');
    expect(sessionCookie(res)).toBeUndefined();
  });

  it('answers 400 to a callback whose state was tampered with or whose flow cookie is missing', async () => {
    const start = await get(t, '/console/sign-in/oidc');
    const flowCookie = start.headers.get('set-cookie')!.match(FLOW_COOKIE)![0];
    const callback = await signInAtProvider(start.headers.get('location')!, 'subject-editor');
    const sessions = await count('staff_sessions');

    const tampered = new URL(callback);
    tampered.searchParams.set('state', `${tampered.searchParams.get('state')}x`);
    const wrongState = await get(t, `${tampered.pathname}${tampered.search}`, flowCookie);
    expect(wrongState.status).toBe(400);
    expect(await wrongState.text()).toContain('This sign-in expired or was not started in this browser');

    const noCookie = await get(t, `${callback.pathname}${callback.search}`);
    expect(noCookie.status).toBe(400);
    const forged = await get(t, `${callback.pathname}${callback.search}`, 'staff_oidc_flow=bm90LWEtZmxvdw');
    expect(forged.status).toBe(400);
    expect(await count('staff_sessions')).toBe(sessions);

    // The untouched callback still works once: the checks above spent nothing.
    const ok = await get(t, `${callback.pathname}${callback.search}`, flowCookie);
    expect(ok.status).toBe(303);
    // A replayed code is refused by the provider.
    const replay = await get(t, `${callback.pathname}${callback.search}`, flowCookie);
    expect(replay.status).toBe(403);
    expect(await replay.text()).toContain('The identity provider did not sign you in');
  });

  it('reports a cancelled sign-in at the provider in plain words', async () => {
    const start = await get(t, '/console/sign-in/oidc');
    const flowCookie = start.headers.get('set-cookie')!.match(FLOW_COOKIE)![0];
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const res = await get(
      t,
      `/console/sign-in/oidc/callback?error=access_denied&state=${state}&iss=${encodeURIComponent(idp.issuer)}`,
      flowCookie,
    );
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('it was cancelled or refused there');
  });
});

describe('console single sign-on while the provider is down', () => {
  it('starts anyway, explains a 502 in plain words, and works once the provider is back', async () => {
    const port = await freePort();
    const down = await createTestApp({
      env: {
        OIDC_ISSUER: `http://127.0.0.1:${port}`,
        OIDC_CLIENT_ID: 'society-mailer',
        OIDC_CLIENT_SECRET: 'test-client-secret-0123456789',
      },
    });
    let back: OidcTestProvider | undefined;
    try {
      const signInPage = await (await get(down, '/console/sign-in')).text();
      expect(signInPage).toContain('Sign in with single sign-on');
      const res = await get(down, '/console/sign-in/oidc');
      expect(res.status).toBe(502);
      const page = await res.text();
      expect(page).toContain(
        'Single sign-on is not available right now: the identity provider did not answer',
      );
      expect(page).toContain('name="password"');
      expect(res.headers.get('set-cookie')).toBeNull();

      // This provider keeps the address out of the ID token: it comes from userinfo.
      back = await startOidcProvider({
        port,
        redirectUri: CALLBACK,
        emailOnlyAtUserinfo: true,
        accounts: { 'subject-approver': { email: 'approver@staff.example', email_verified: true } },
      });
      const start = await get(down, '/console/sign-in/oidc');
      expect(start.status).toBe(303);
      const callback = await signInAtProvider(start.headers.get('location')!, 'subject-approver');
      const done = await get(
        down,
        `${callback.pathname}${callback.search}`,
        start.headers.get('set-cookie')!.match(FLOW_COOKIE)![0],
      );
      expect(done.status).toBe(303);
      const campaigns = await get(down, '/console/campaigns', sessionCookie(done));
      expect(await campaigns.text()).toContain('approver (approver)');
    } finally {
      await back?.close();
      await down.close();
    }
  });
});
