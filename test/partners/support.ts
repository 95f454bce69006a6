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

/** Signs a partner in to the portal; returns the cookie and a CSRF token read from a page. */
export async function portalSignIn(t: TestApp, key: string) {
  const res = await t.app.request('/partner/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ key }).toString(),
  });
  if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  const page = await (await t.app.request('/partner/offers/new', { headers: { cookie } })).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
  return { cookie, csrf };
}

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
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
}
