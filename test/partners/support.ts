import { setPasswordWithLink } from '../../src/partners/partnerUserPassword.ts';
import { createPartnerUser } from '../../src/partners/partnerUsers.ts';
import { hashSecret } from '../../src/staff/secretToken.ts';
import type { TestApp } from '../support/app.ts';
import { json } from '../support/app.ts';

/** A valid offer body; override what a test is about. */
export function offerBody(overrides: Record<string, unknown> = {}) {
  const from = new Date(Date.now() + 86_400_000);
  const to = new Date(Date.now() + 30 * 86_400_000);
  return {
    title: 'Spring books sale',
    subject: 'Members save 20% on books',
    headline: 'Save 20% on every book',
    body: 'All **books** are 20% off for members.\n\n<script>alert("x")</script>',
    ctaUrl: 'https://books.example/sale',
    imageUrl: 'https://img.partner.example/banner.png',
    sendWindow: { from: from.toISOString(), to: to.toISOString() },
    maxRecipients: 500,
    targeting: { countries: ['FR', 'DE'] },
    ...overrides,
  };
}

/** Creates an approved partner through the admin API and issues it a key. */
export async function newPartner(t: TestApp, name: string) {
  const created = await t.call(
    'POST',
    '/api/partners',
    { name, contactEmail: `offers@${name.toLowerCase().replace(/\W+/g, '')}.example` },
    t.tokens.admin,
  );
  if (created.status !== 201) throw new Error(`partner not created: ${created.status}`);
  const partner = await json(created);
  const issued = await json(
    await t.call('POST', `/api/partners/${partner.id}/keys`, { label: 'api' }, t.tokens.admin),
  );
  return { id: partner.id as number, key: issued.key as string, keyId: issued.id as number };
}

export async function submit(t: TestApp, key: string, overrides: Record<string, unknown> = {}) {
  const res = await t.call('POST', '/api/partner/offers', offerBody(overrides), key);
  if (res.status !== 201) throw new Error(`offer not submitted: ${res.status} ${await res.text()}`);
  return (await json(res)).id as number;
}

/** Takes an offer through review to approved. */
export async function approve(t: TestApp, offerId: number) {
  await t.call('POST', `/api/offers/${offerId}/review`, { to: 'in-review' }, t.tokens.approver);
  const res = await t.call(
    'POST',
    `/api/offers/${offerId}/review`,
    { to: 'approved', note: 'Looks good' },
    t.tokens.approver,
  );
  if (res.status !== 200) throw new Error(`offer not approved: ${res.status} ${await res.text()}`);
}

/** The origin `app.request` gives requests: the portal's Origin check lets same-origin posts through. */
export const ORIGIN = 'http://localhost';
export const PORTAL_PASSWORD = 'partner portal passphrase';

/** Adds a portal user to a partner and gives it a password through its set-password link. */
export async function newPortalUser(t: TestApp, partnerId: number, email: string, name = 'Pat Partner') {
  const created = await t.database.db.transaction((tx) =>
    createPartnerUser(tx, { partnerId, email, name }, 'test', new Date()),
  );
  if (created.type !== 'created') throw new Error(`portal user not created: ${created.type}`);
  const set = await setPasswordWithLink(t.database.db, created.link.token, PORTAL_PASSWORD, new Date());
  if (set.type !== 'set') throw new Error(`password not set: ${set.type}`);
  return { id: created.user.id, email };
}

let portalUsers = 0;

/**
 * Signs a new portal user of a partner (given by id, or by one of its API
 * keys) in to the portal; returns the cookie and a CSRF token read from a page.
 */
export async function portalSignIn(t: TestApp, partner: { id: number } | string) {
  const partnerId =
    typeof partner === 'string'
      ? Number(
          (
            await t.database.sql`select partner_id from api_tokens where token_hash = ${hashSecret(partner)}`
          )[0]!.partner_id,
        )
      : partner.id;
  const user = await newPortalUser(t, partnerId, `portal-${partnerId}-${++portalUsers}@partner.example`);
  // Each from its own client address, so the per-client sign-in limit never counts a test's own sign-ins.
  const res = await t.app.request(
    '/partner/sign-in',
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
      body: new URLSearchParams({ email: user.email, password: PORTAL_PASSWORD }).toString(),
    },
    { incoming: { socket: { remoteAddress: `192.0.2.${portalUsers % 250}` } } },
  );
  if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  const page = await (await t.app.request('/partner/offers/new', { headers: { cookie } })).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
  return { cookie, csrf, userId: user.id };
}

/** A portal request as a browser sends it: with the session cookie, and forms from the same origin. */
export function portal(
  t: TestApp,
  session: { cookie: string },
  method: string,
  path: string,
  form?: Record<string, string>,
) {
  return t.app.request(path, {
    method,
    headers: {
      cookie: session.cookie,
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN } : {}),
    },
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
}
