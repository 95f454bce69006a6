import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPartnerUser, SETUP_LINK_MS } from '../../src/partners/partnerUsers.ts';
import { get, post, signInAs } from '../console/support.ts';
import { createTestApp, json, type TestApp } from '../support/app.ts';
import { newPartner, newPortalUser, PORTAL_PASSWORD, portal, submit } from './support.ts';

let t: TestApp;
let admin: { cookie: string; csrf: string };
let acme: { id: number; key: string };
let globex: { id: number; key: string };

beforeAll(async () => {
  t = await createTestApp();
  admin = await signInAs(t, 'admin');
  acme = await newPartner(t, 'Acme Users');
  globex = await newPartner(t, 'Globex Users');
});
afterAll(() => t?.close());

let clients = 0;
/**
 * Posts a portal form as a browser on our origin does, each from its own
 * client address: sign-in is rate-limited per client (test/security covers that).
 */
const portalPost = (
  path: string,
  fields: Record<string, string>,
  cookie?: string,
  headers: Record<string, string> = {},
) =>
  t.app.request(
    path,
    {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'http://localhost',
        ...(cookie ? { cookie } : {}),
        ...headers,
      },
      body: new URLSearchParams(fields),
    },
    { incoming: { socket: { remoteAddress: `198.51.100.${++clients % 250}` } } },
  );

async function signIn(email: string, password: string) {
  const res = await portalPost('/partner/sign-in', { email, password });
  const cookie = res.headers.get('set-cookie')?.match(/partner_session=[^;]+/)?.[0];
  return { res, cookie, text: await res.text() };
}

const csrfFrom = async (cookie: string) =>
  /name="csrf" value="([^"]+)"/.exec(await (await get(t, '/partner/offers/new', cookie)).text())![1]!;

const offerForm = (title: string) => ({
  title,
  subject: 'Members save on travel',
  headline: 'Travel for less',
  body: 'Members get **15%** off.',
  ctaUrl: 'https://travel.example/members',
  ctaLabel: 'Book',
  imageUrl: '',
  windowFrom: new Date(Date.now() + 86_400_000).toISOString().slice(0, 16),
  windowTo: new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 16),
  maxRecipients: '200',
  countries: 'FR',
  membershipTypes: '',
  languages: '',
});

const count = async (table: string) =>
  Number((await t.database.sql.unsafe(`select count(*)::int as n from ${table}`))[0]!.n);

/** An admin adds a portal user in the console; returns the set-password link shown once. */
async function addUserInConsole(partnerId: number, name: string, email: string) {
  const res = await post(
    t,
    `/console/admin/partners/${partnerId}/users`,
    { name, email, csrf: admin.csrf },
    admin.cookie,
  );
  expect(res.status).toBe(200);
  const page = await res.text();
  const link = /http:\/\/localhost:3000\/partner\/set-password\?token=([A-Za-z0-9_-]+)/.exec(page);
  expect(link, 'the page shows the set-password link').not.toBeNull();
  return { page, token: link![1]! };
}

describe('from the set-password link to a submitted offer', () => {
  it('an admin adds a user, the user sets a password, signs in and submits an offer audited as that user', async () => {
    const { page, token } = await addUserInConsole(acme.id, 'Ada Acme', 'Ada@Acme.example');
    expect(page).toContain('shown only this once');
    // Only a hash of the link's secret is kept.
    const [stored] = await t.database.sql`
      select id::int, setup_token_hash, password_hash from partner_users where email = 'ada@acme.example'`;
    expect(stored!.setup_token_hash).not.toContain(token);
    expect(stored!.password_hash).toBeNull();
    // Reloading the page shows the user, never the link again.
    const again = await (await get(t, `/console/admin/partners/${acme.id}/users`, admin.cookie)).text();
    expect(again).toContain('Ada Acme');
    expect(again).toContain('no password yet');
    expect(again).not.toContain(token);

    // Before a password is set, nobody signs in as the user.
    expect((await signIn('ada@acme.example', PORTAL_PASSWORD)).res.status).toBe(401);

    const form = await get(t, `/partner/set-password?token=${token}`);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('Choose your password');
    const set = await portalPost('/partner/set-password', {
      token,
      password: PORTAL_PASSWORD,
      confirm: PORTAL_PASSWORD,
    });
    expect(set.status).toBe(303);
    expect(set.headers.get('location')).toBe('/partner?done=password-set');
    expect(await (await get(t, '/partner?done=password-set')).text()).toContain('Your password is set');

    const signedIn = await signIn('ada@acme.example', PORTAL_PASSWORD);
    expect(signedIn.res.status).toBe(303);
    expect(signedIn.res.headers.get('location')).toBe('/partner/offers');
    const list = await (await get(t, '/partner/offers', signedIn.cookie)).text();
    expect(list).toContain('Ada Acme, Acme Users');

    const csrf = await csrfFrom(signedIn.cookie!);
    const submitted = await portalPost(
      '/partner/offers',
      { csrf, ...offerForm('Ada’s offer') },
      signedIn.cookie,
    );
    expect(submitted.status).toBe(303);
    const offerPage = await (await get(t, submitted.headers.get('location')!, signedIn.cookie)).text();
    expect(offerPage).toContain('Ada’s offer');
    expect(offerPage).toContain('submitted');
    const [audit] = await t.database.sql`
      select actor from audit_log where action = 'offer.submit' order by id desc limit 1`;
    expect(audit!.actor).toBe(`partner-user:${stored!.id}`);
    const [offer] = await t.database.sql`select partner_id::int from offers where title = 'Ada’s offer'`;
    expect(offer!.partner_id).toBe(acme.id);

    // Signing out ends the session.
    const out = await portalPost('/partner/sign-out', { csrf }, signedIn.cookie);
    expect(out.status).toBe(303);
    expect((await get(t, '/partner/offers', signedIn.cookie)).headers.get('location')).toBe('/partner');
  });

  it('a used link is refused, and so is a replaced one; the newest link works once', async () => {
    const first = await addUserInConsole(acme.id, 'Bo Acme', 'bo@acme.example');
    const [user] = await t.database.sql`select id::int from partner_users where email = 'bo@acme.example'`;
    const reissued = await post(
      t,
      `/console/admin/partners/${acme.id}/users/${user!.id}/link`,
      { csrf: admin.csrf },
      admin.cookie,
    );
    expect(reissued.status).toBe(200);
    const second = /set-password\?token=([A-Za-z0-9_-]+)/.exec(await reissued.text())![1]!;
    expect(second).not.toBe(first.token);

    const replaced = await get(t, `/partner/set-password?token=${first.token}`);
    expect(replaced.status).toBe(410);
    expect(await replaced.text()).toContain('can no longer be used');

    const use = (token: string, password: string) =>
      portalPost('/partner/set-password', { token, password, confirm: password });
    expect((await use(second, PORTAL_PASSWORD)).status).toBe(303);
    const [afterFirstUse] = await t.database
      .sql`select password_hash from partner_users where id = ${user!.id}`;
    const reused = await use(second, 'another long passphrase');
    expect(reused.status).toBe(410);
    expect(await reused.text()).toContain('can no longer be used');
    const [afterReuse] = await t.database.sql`select password_hash from partner_users where id = ${user!.id}`;
    expect(afterReuse!.password_hash).toBe(afterFirstUse!.password_hash);
    expect((await signIn('bo@acme.example', 'another long passphrase')).res.status).toBe(401);
    expect((await signIn('bo@acme.example', PORTAL_PASSWORD)).res.status).toBe(303);
  });

  it('an expired link is refused and changes nothing', async () => {
    const issuedAt = new Date(Date.now() - SETUP_LINK_MS - 60_000);
    const created = await t.database.db.transaction((tx) =>
      createPartnerUser(
        tx,
        { partnerId: acme.id, email: 'late@acme.example', name: 'Late' },
        'test',
        issuedAt,
      ),
    );
    if (created.type !== 'created') throw new Error(created.type);
    const token = created.link.token;
    expect((await get(t, `/partner/set-password?token=${token}`)).status).toBe(410);
    const res = await portalPost('/partner/set-password', {
      token,
      password: PORTAL_PASSWORD,
      confirm: PORTAL_PASSWORD,
    });
    expect(res.status).toBe(410);
    const [row] = await t.database.sql`select password_hash from partner_users where id = ${created.user.id}`;
    expect(row!.password_hash).toBeNull();
  });

  it('a weak or mistyped password is refused naming the problem; the link stays usable', async () => {
    const { token } = await addUserInConsole(acme.id, 'Cy Acme', 'cy@acme.example');
    const weak = await portalPost('/partner/set-password', { token, password: 'short', confirm: 'short' });
    expect(weak.status).toBe(400);
    expect(await weak.text()).toContain('use at least 12 characters');
    const differ = await portalPost('/partner/set-password', {
      token,
      password: PORTAL_PASSWORD,
      confirm: `${PORTAL_PASSWORD}!`,
    });
    expect(differ.status).toBe(400);
    expect(await differ.text()).toContain('The two passwords differ');
    expect((await get(t, `/partner/set-password?token=${token}`)).status).toBe(200);
    expect(
      (
        await portalPost('/partner/set-password', {
          token: 'sml_forged',
          password: PORTAL_PASSWORD,
          confirm: PORTAL_PASSWORD,
        })
      ).status,
    ).toBe(410);
  });
});

describe('signing in', () => {
  it('the fifth wrong password locks the account for 15 minutes, even against the right password', async () => {
    await newPortalUser(t, acme.id, 'dee@acme.example');
    for (let i = 1; i <= 4; i++) {
      const wrong = await signIn('dee@acme.example', `wrong password ${i}`);
      expect(wrong.res.status, `attempt ${i}`).toBe(401);
      expect(wrong.text).toContain('That email address and password do not match.');
      expect(wrong.cookie).toBeUndefined();
    }
    const fifth = await signIn('dee@acme.example', 'wrong password 5');
    expect(fifth.res.status).toBe(403);
    expect(fifth.text).toContain('locked for 15 more minutes');
    const right = await signIn('dee@acme.example', PORTAL_PASSWORD);
    expect(right.res.status).toBe(403);
    expect(right.cookie).toBeUndefined();
    expect(right.text).toContain('locked for');
    const [locked] = await t.database.sql`
      select count(*)::int as n from audit_log where action = 'partner-user.locked'`;
    expect(locked!.n).toBe(1);
    // The admin sees the lock.
    expect(await (await get(t, `/console/admin/partners/${acme.id}/users`, admin.cookie)).text()).toContain(
      'locked after failed sign-ins',
    );
  });

  it('gives one answer for an unknown address, a wrong password and a missing field names the field', async () => {
    const unknown = await signIn('nobody@acme.example', PORTAL_PASSWORD);
    expect(unknown.res.status).toBe(401);
    expect(unknown.text).toContain('That email address and password do not match.');
    const missing = await portalPost('/partner/sign-in', { email: 'someone@acme.example' });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('Enter your password.');
  });

  it('an API key no longer signs anyone in to the portal', async () => {
    const sessionsBefore = await count('staff_sessions');
    const res = await portalPost('/partner/sign-in', { key: acme.key });
    expect(res.status).toBe(400);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await count('staff_sessions')).toBe(sessionsBefore);
    expect(await (await get(t, '/partner')).text()).not.toContain('API key');
  });
});

describe('disabled users and suspended partners', () => {
  it('a disabled user is signed out at once and cannot sign in; enabled again, it can', async () => {
    const user = await newPortalUser(t, globex.id, 'eve@globex.example');
    const session = await signIn(user.email, PORTAL_PASSWORD);
    expect((await get(t, '/partner/offers', session.cookie)).status).toBe(200);

    const disabled = await post(
      t,
      `/console/admin/partners/${globex.id}/users/${user.id}/disable`,
      { csrf: admin.csrf },
      admin.cookie,
    );
    expect(disabled.status).toBe(303);
    const listing = await (await get(t, disabled.headers.get('location')!, admin.cookie)).text();
    expect(listing).toContain('The user is disabled');
    expect(listing).toMatch(/eve@globex\.example<\/td><td><span class="state">disabled/);

    expect((await get(t, '/partner/offers', session.cookie)).headers.get('location')).toBe('/partner');
    const refused = await signIn(user.email, PORTAL_PASSWORD);
    expect(refused.res.status).toBe(401);
    expect(refused.text).toContain('That email address and password do not match.');

    // Another partner's id in the path finds no such user.
    expect(
      (
        await post(
          t,
          `/console/admin/partners/${acme.id}/users/${user.id}/enable`,
          { csrf: admin.csrf },
          admin.cookie,
        )
      ).status,
    ).toBe(404);
    await post(
      t,
      `/console/admin/partners/${globex.id}/users/${user.id}/enable`,
      { csrf: admin.csrf },
      admin.cookie,
    );
    expect((await signIn(user.email, PORTAL_PASSWORD)).res.status).toBe(303);
  });

  it('a suspended partner’s users are signed out and cannot sign in', async () => {
    const initech = await newPartner(t, 'Initech Users');
    const user = await newPortalUser(t, initech.id, 'fay@initech.example');
    const session = await signIn(user.email, PORTAL_PASSWORD);
    expect((await get(t, '/partner/offers', session.cookie)).status).toBe(200);

    const suspended = await post(
      t,
      `/console/admin/partners/${initech.id}/status`,
      { status: 'suspended', csrf: admin.csrf },
      admin.cookie,
    );
    expect(suspended.status).toBe(303);
    expect((await get(t, '/partner/offers', session.cookie)).headers.get('location')).toBe('/partner');
    const refused = await signIn(user.email, PORTAL_PASSWORD);
    expect(refused.res.status).toBe(401);
    expect(refused.cookie).toBeUndefined();
    expect(
      await (await get(t, `/console/admin/partners/${initech.id}/users`, admin.cookie)).text(),
    ).toContain('none of its users can sign in');
  });
});

describe('what a partner user reaches', () => {
  it('never another partner’s offers', async () => {
    const acmeOffer = await submit(t, acme.key, { title: 'Acme private plan', imageUrl: undefined });
    const user = await newPortalUser(t, globex.id, 'gil@globex.example');
    const { cookie } = await signIn(user.email, PORTAL_PASSWORD);
    const session = { cookie: cookie! };
    expect((await portal(t, session, 'GET', `/partner/offers/${acmeOffer}`)).status).toBe(404);
    const csrf = await csrfFrom(cookie!);
    expect((await portal(t, session, 'POST', `/partner/offers/${acmeOffer}/withdraw`, { csrf })).status).toBe(
      404,
    );
    expect(await (await portal(t, session, 'GET', '/partner/offers')).text()).not.toContain(
      'Acme private plan',
    );
    const [offer] = await t.database.sql`select state from offers where id = ${acmeOffer}`;
    expect(offer!.state).toBe('submitted');
  });
});

describe('forged forms', () => {
  it('a portal form without the session’s CSRF token, or from another origin, is refused and writes nothing', async () => {
    const user = await newPortalUser(t, acme.id, 'hal@acme.example');
    const { cookie } = await signIn(user.email, PORTAL_PASSWORD);
    const csrf = await csrfFrom(cookie!);
    const offers = await count('offers');
    const audits = await count('audit_log');

    expect((await portalPost('/partner/offers', offerForm('No token'), cookie)).status).toBe(403);
    expect(
      (await portalPost('/partner/offers', { ...offerForm('Forged'), csrf: 'forged' }, cookie)).status,
    ).toBe(403);
    const crossSite = await portalPost('/partner/offers', { ...offerForm('Cross site'), csrf }, cookie, {
      origin: 'https://evil.example',
    });
    expect(crossSite.status).toBe(403);
    expect(await count('offers')).toBe(offers);

    // Sign-in and set-password posts need our origin too: a forged sign-in opens no session and counts no failure.
    const sessions = await count('staff_sessions');
    const forgedSignIn = await portalPost(
      '/partner/sign-in',
      { email: user.email, password: 'wrong guess' },
      undefined,
      { origin: 'https://evil.example' },
    );
    expect(forgedSignIn.status).toBe(403);
    const noOrigin = await t.app.request(
      '/partner/sign-in',
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email: user.email, password: PORTAL_PASSWORD }).toString(),
      },
      { incoming: { socket: { remoteAddress: '198.51.100.251' } } },
    );
    expect(noOrigin.status).toBe(403);
    expect(noOrigin.headers.get('set-cookie')).toBeNull();
    expect(await count('staff_sessions')).toBe(sessions);
    const [row] = await t.database.sql`select failed_sign_ins from partner_users where id = ${user.id}`;
    expect(row!.failed_sign_ins).toBe(0);
    expect(await count('audit_log')).toBe(audits);
  });
});

describe('console administration of portal users', () => {
  it('is for admins only, and bad input names the field and writes nothing', async () => {
    const editor = await signInAs(t, 'editor');
    expect((await get(t, `/console/admin/partners/${acme.id}/users`, editor.cookie)).status).toBe(403);
    const users = await count('partner_users');
    const byEditor = await post(
      t,
      `/console/admin/partners/${acme.id}/users`,
      { name: 'Sneaky', email: 'sneaky@acme.example', csrf: editor.csrf },
      editor.cookie,
    );
    expect(byEditor.status).toBe(403);

    const bad = await post(
      t,
      `/console/admin/partners/${acme.id}/users`,
      { name: 'Ivy', email: 'not-an-address', csrf: admin.csrf },
      admin.cookie,
    );
    expect(bad.status).toBe(400);
    const badPage = await bad.text();
    expect(badPage).toContain('a valid email address');
    expect(badPage).toContain('value="Ivy"');

    const duplicate = await post(
      t,
      `/console/admin/partners/${globex.id}/users`,
      { name: 'Ada again', email: 'ada@acme.example', csrf: admin.csrf },
      admin.cookie,
    );
    expect(duplicate.status).toBe(400);
    expect(await duplicate.text()).toContain('a portal user has this email address already');
    const noCsrf = await post(
      t,
      `/console/admin/partners/${acme.id}/users`,
      { name: 'Jo', email: 'jo@acme.example' },
      admin.cookie,
    );
    expect(noCsrf.status).toBe(403);
    expect(await count('partner_users')).toBe(users);
    expect((await get(t, '/console/admin/partners/999999/users', admin.cookie)).status).toBe(404);
  });

  it('the partners page links to each partner’s portal users and no longer speaks of signing in with a key', async () => {
    const page = await (await get(t, '/console/admin/partners', admin.cookie)).text();
    expect(page).toContain(`href="/console/admin/partners/${acme.id}/users"`);
    const issued = await post(
      t,
      `/console/admin/partners/${acme.id}/keys`,
      { label: 'api', csrf: admin.csrf },
      admin.cookie,
    );
    const text = await issued.text();
    expect(text).toContain('bearer token on the partner API');
    expect(text).not.toMatch(/signs in to the <a href="\/partner">partner portal<\/a> with it/);
  });
});

describe('ids out of range', () => {
  it('answer 404, never an error', async () => {
    const huge = '99999999999999999999999';
    const user = await newPortalUser(t, acme.id, 'kim@acme.example');
    const { cookie } = await signIn(user.email, PORTAL_PASSWORD);
    const csrf = await csrfFrom(cookie!);
    expect((await get(t, `/partner/offers/${huge}`, cookie)).status).toBe(404);
    expect((await portalPost(`/partner/offers/${huge}/withdraw`, { csrf }, cookie)).status).toBe(404);
    expect((await get(t, `/console/admin/partners/${huge}/users`, admin.cookie)).status).toBe(404);
    for (const path of [
      `/console/admin/partners/${huge}/users`,
      `/console/admin/partners/${acme.id}/users/${huge}/link`,
      `/console/admin/partners/${huge}/users/${user.id}/disable`,
      `/console/admin/partners/${acme.id}/users/${huge}/enable`,
    ]) {
      const res = await post(
        t,
        path,
        { name: 'Lee', email: 'lee@acme.example', csrf: admin.csrf },
        admin.cookie,
      );
      expect(res.status, path).toBe(404);
    }
  });
});

describe('the admin API for portal users', () => {
  it('adds a user with its link, lists, issues a new link and disables; admins only; bad input names the field', async () => {
    const path = `/api/partners/${globex.id}/users`;
    expect(
      (await t.call('POST', path, { name: 'Mo', email: 'mo@globex.example' }, t.tokens.approver)).status,
    ).toBe(403);
    expect((await t.call('POST', path, { name: 'Mo', email: 'mo@globex.example' }, acme.key)).status).toBe(
      403,
    );
    const bad = await t.call('POST', path, { name: 'Mo', email: 'mo-at-globex' }, t.tokens.admin);
    expect(bad.status).toBe(400);
    expect((await json(bad)).message).toContain('email');
    expect(
      (
        await t.call(
          'POST',
          '/api/partners/999999/users',
          { name: 'Mo', email: 'mo@globex.example' },
          t.tokens.admin,
        )
      ).status,
    ).toBe(404);

    const created = await t.call(
      'POST',
      path,
      { name: 'Mo Globex', email: 'Mo@Globex.example' },
      t.tokens.admin,
    );
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const body = await json(created);
    expect(body.user).toMatchObject({ name: 'Mo Globex', email: 'mo@globex.example', state: 'invited' });
    expect(body.setupLink.url).toMatch(/^http:\/\/localhost:3000\/partner\/set-password\?token=sml_/);
    const again = await t.call('POST', path, { name: 'Mo 2', email: 'mo@globex.example' }, t.tokens.admin);
    expect(again.status).toBe(409);

    const listed = await json(await t.call('GET', path, undefined, t.tokens.admin));
    expect(JSON.stringify(listed)).not.toContain('sml_');
    expect(listed.users.map((u: { email: string }) => u.email)).toContain('mo@globex.example');

    const relinked = await json(
      await t.call('POST', `${path}/${body.user.id}/setup-link`, undefined, t.tokens.admin),
    );
    const token = new URL(relinked.setupLink.url).searchParams.get('token')!;
    expect(
      (await get(t, `/partner/set-password?token=${new URL(body.setupLink.url).searchParams.get('token')}`))
        .status,
    ).toBe(410);
    expect(
      (
        await portalPost('/partner/set-password', {
          token,
          password: PORTAL_PASSWORD,
          confirm: PORTAL_PASSWORD,
        })
      ).status,
    ).toBe(303);
    expect((await signIn('mo@globex.example', PORTAL_PASSWORD)).res.status).toBe(303);

    const disabled = await t.call('PATCH', `${path}/${body.user.id}`, { disabled: true }, t.tokens.admin);
    expect(disabled.status).toBe(200);
    expect((await json(disabled)).state).toBe('disabled');
    expect((await signIn('mo@globex.example', PORTAL_PASSWORD)).res.status).toBe(401);
    expect(
      (
        await t.call(
          'PATCH',
          `/api/partners/${acme.id}/users/${body.user.id}`,
          { disabled: false },
          t.tokens.admin,
        )
      ).status,
    ).toBe(404);
    expect(
      (await t.call('PATCH', `${path}/99999999999999999999999`, { disabled: false }, t.tokens.admin)).status,
    ).toBe(400);
    const [audit] = await t.database.sql`
      select actor from audit_log where action = 'partner-user.disable' and target = ${`partner-user:${body.user.id}`}`;
    expect(audit!.actor).toMatch(/^staff:\d+$/);
  });
});
