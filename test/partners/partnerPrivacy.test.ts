import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContract, addSubcontractor } from '../subcontractors/fixtures.ts';
import { createTestApp, json, type TestApp } from '../support/app.ts';
import { approve, newPartner, offerBody, portal, portalSignIn, submit } from './support.ts';

let t: TestApp;
let acme: { id: number; key: string };
let globex: { id: number; key: string };
let offerId: number;
let campaignId: number;
/** Everything that identifies a member or a recipient: no partner response may hold any of it. */
const secrets: string[] = [];

interface PartnerRoute {
  method: string;
  path: string;
}
let partnerRoutes: PartnerRoute[];

beforeAll(async () => {
  t = await createTestApp({ env: { OFFER_IMAGE_HOSTS: 'img.partner.example' } });
  const year = new Date().getUTCFullYear();
  await addContract(t.database.db, await addSubcontractor(t.database.db, 'email'), {
    validFrom: `${year - 1}-01-01`,
    validTo: `${year + 1}-12-31`,
  });
  acme = await newPartner(t, 'Acme Privacy');
  globex = await newPartner(t, 'Globex Privacy');
  offerId = await submit(t, acme.key, { title: 'Acme secret sale' });
  await approve(t, offerId);
  campaignId = (await json(await t.call('POST', `/api/offers/${offerId}/schedule`, {}, t.tokens.approver)))
    .campaignId;

  // Members with recognisable names, addresses, ids and tokens, as if the campaign had been sent.
  await t.database.sql`select setval(pg_get_serial_sequence('members', 'id'), 987654300)`;
  for (let i = 0; i < 15; i++) {
    const email = `zq.secret.${i}@members.example`;
    const name = `Zebulon Quixote-${i}`;
    const externalId = `EXT-SECRET-${i}`;
    const token = randomBytes(32).toString('hex');
    const [m] = await t.database.sql`
      insert into members (external_id, email, email_normalized, name, address_line1, city, country, membership_type, language)
      values (${externalId}, ${email}, ${email}, ${name}, ${`${i} Hidden Lane`}, 'Secretville',
              ${i < 12 ? 'FR' : 'DE'}, 'student', 'fr')
      returning id::int`;
    const [r] = await t.database.sql`
      insert into campaign_recipients (campaign_id, member_id, email_normalized, token, language, state, sent_at)
      values (${campaignId}, ${m!.id}, ${email}, ${token}, 'fr', 'sent', now()) returning id::int`;
    const type = i < 11 ? 'delivery' : i < 13 ? 'bounce' : 'unsubscribe';
    await t.database
      .sql`insert into campaign_events (campaign_id, recipient_id, type) values (${campaignId}, ${r!.id}, ${type})`;
    secrets.push(email, name, externalId, token, String(m!.id), `${i} Hidden Lane`, 'Secretville');
  }
  const [seed] = await t.database.sql`
    insert into seeds (channel, address, name) values ('email', 'seed+c0ffee@mail.society.example', 'Robin Decoy') returning id::int`;
  const seedToken = randomBytes(32).toString('hex');
  await t.database.sql`
    insert into campaign_recipients (campaign_id, seed_id, email_normalized, token, language, state)
    values (${campaignId}, ${seed!.id}, 'seed+c0ffee@mail.society.example', ${seedToken}, 'en', 'sent')`;
  secrets.push('seed+c0ffee@mail.society.example', 'Robin Decoy', seedToken);

  const doc = await json(await t.call('GET', '/openapi.json'));
  partnerRoutes = Object.entries(
    doc.paths as Record<string, Record<string, { security?: object[] }>>,
  ).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([, op]) => op.security?.some((s) => 'partnerKey' in s))
      .map(([method, _]) => ({ method: method.toUpperCase(), path: path.replace(/\{(\w+)\}/g, ':$1') })),
  );
});
afterAll(() => t.close());

/** Calls a partner API route with `key`, filling `:id` with `id`. */
function callRoute(route: PartnerRoute, key: string, id: number) {
  const path = route.path.replace(':id', String(id));
  const body =
    route.method === 'GET'
      ? undefined
      : route.method === 'POST' && path.endsWith('/withdraw')
        ? undefined
        : offerBody();
  return t.call(route.method, path, body, key);
}

describe('partner routes', () => {
  it('are all found in the OpenAPI document', () => {
    expect(partnerRoutes.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'GET /api/partner/offers',
      'GET /api/partner/offers/:id',
      'GET /api/partner/offers/:id/report',
      'POST /api/partner/offers',
      'POST /api/partner/offers/:id/withdraw',
      'PUT /api/partner/offers/:id',
    ]);
  });
});

describe('partner isolation', () => {
  it('a key reaches only its own partner’s offers on every partner route', async () => {
    const before = await json(await t.call('GET', `/api/partner/offers/${offerId}`, undefined, acme.key));
    for (const route of partnerRoutes) {
      const res = await callRoute(route, globex.key, offerId);
      if (route.path.includes(':id')) {
        expect(res.status, `${route.method} ${route.path}`).toBe(404);
      } else {
        expect(await res.text()).not.toContain('Acme secret sale');
      }
    }
    const after = await json(await t.call('GET', `/api/partner/offers/${offerId}`, undefined, acme.key));
    expect(after).toEqual(before);
    const globexOffers = await json(await t.call('GET', '/api/partner/offers', undefined, globex.key));
    expect(globexOffers.offers.map((o: { id: number }) => o.id)).not.toContain(offerId);
  });

  it('the portal shows a partner only its own offers', async () => {
    const session = await portalSignIn(t, globex.key);
    expect((await portal(t, session, 'GET', `/partner/offers/${offerId}`)).status).toBe(404);
    const withdraw = await portal(t, session, 'POST', `/partner/offers/${offerId}/withdraw`, {
      csrf: session.csrf,
    });
    expect(withdraw.status).toBe(404);
    expect(await (await portal(t, session, 'GET', '/partner/offers')).text()).not.toContain(
      'Acme secret sale',
    );
    const [offer] = await t.database.sql`select state from offers where id = ${offerId}`;
    expect(offer!.state).toBe('scheduled');
  });

  it('the portal refuses a form without the session’s CSRF token', async () => {
    const session = await portalSignIn(t, globex.key);
    const res = await portal(t, session, 'POST', '/partner/offers', { title: 'x', csrf: 'forged' });
    expect(res.status).toBe(403);
  });
});

describe('what partners see', () => {
  it('reports aggregates only, with counts below 10 withheld and seeds never counted', async () => {
    const report = await json(
      await t.call('GET', `/api/partner/offers/${offerId}/report`, undefined, acme.key),
    );
    expect(report).toEqual({
      offerId,
      state: 'scheduled',
      sent: 15,
      delivered: 11,
      bounced: '<10',
      unsubscribed: '<10',
      byCountry: { DE: '<10', FR: 12 },
      byMembershipType: { student: 15 },
      byLanguage: { fr: 15 },
    });
  });

  it('no partner response, API or portal, holds a member’s address, name, id or token', async () => {
    const bodies: { where: string; text: string }[] = [];
    const record = async (where: string, res: Response) => bodies.push({ where, text: await res.text() });

    for (const route of partnerRoutes) {
      // Mutating routes get an offer of their own, so the scheduled one keeps its report.
      const target = route.method === 'GET' ? offerId : await submit(t, acme.key);
      await record(`${route.method} ${route.path}`, await callRoute(route, acme.key, target));
      await record(
        `${route.method} ${route.path} (other partner)`,
        await callRoute(route, globex.key, offerId),
      );
    }

    const session = await portalSignIn(t, acme.key);
    await record('GET /partner', await t.app.request('/partner'));
    for (const path of ['/partner/offers', '/partner/offers/new', `/partner/offers/${offerId}`]) {
      await record(`GET ${path}`, await portal(t, session, 'GET', path));
    }
    const form = {
      csrf: session.csrf,
      title: 'Portal offer',
      subject: 'Hello members',
      headline: 'A headline',
      body: 'Some *text*',
      ctaUrl: 'https://books.example/p',
      ctaLabel: 'Go',
      imageUrl: '',
      windowFrom: new Date(Date.now() + 86_400_000).toISOString().slice(0, 16),
      windowTo: new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 16),
      maxRecipients: '100',
      countries: 'FR',
      membershipTypes: '',
      languages: '',
    };
    const bad = await portal(t, session, 'POST', '/partner/offers', {
      ...form,
      ctaUrl: 'http://insecure.example',
    });
    expect(bad.status).toBe(400);
    const badPage = await bad.text();
    expect(badPage).toContain('ctaUrl must be an absolute https:// URL');
    bodies.push({ where: 'POST /partner/offers (invalid)', text: badPage });
    const good = await portal(t, session, 'POST', '/partner/offers', form);
    expect(good.status).toBe(303);
    const created = good.headers.get('location')!;
    await record(`GET ${created}`, await portal(t, session, 'GET', created));
    await record(
      'POST withdraw (portal)',
      await portal(t, session, 'POST', `${created}/withdraw`, { csrf: session.csrf }),
    );

    expect(bodies.length).toBeGreaterThanOrEqual(18);
    for (const { where, text } of bodies) {
      for (const secret of secrets) {
        expect(text.includes(secret), `${where} reveals ${secret}`).toBe(false);
      }
      expect(text, where).not.toMatch(/member_?id|email_normalized|"token"/i);
    }
  });
});
