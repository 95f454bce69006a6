import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { isGranted, ledgerOf, seedCampaign, snapshot } from './fixtures.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

const oneClickUrlencoded = (path: string) =>
  t.app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });

const oneClickMultipart = (path: string) => {
  const form = new FormData();
  form.set('List-Unsubscribe', 'One-Click');
  return t.app.request(path, { method: 'POST', body: form });
};

const pagePost = (
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = { 'sec-fetch-site': 'same-origin' },
) =>
  t.app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });

const campaignEventsOf = async (recipientId: number) =>
  (await t.database.sql`select type from campaign_events where recipient_id = ${recipientId}`).map(
    (r) => r.type,
  );

describe('GET /u/:token', () => {
  it('shows one button and never unsubscribes', async () => {
    const { recipients } = await seedCampaign(t);
    const r = recipients[0]!;
    const before = await snapshot(t);
    for (let i = 0; i < 3; i++) {
      const res = await t.app.request(r.unsubscribePath);
      expect(res.status).toBe(200);
      const page = await res.text();
      expect(page).toContain('<html lang="en">');
      expect(page).toContain('Unsubscribe from Society news?');
      expect(page.match(/<button/g)).toHaveLength(1);
      expect(page).not.toContain('<script');
    }
    expect(await snapshot(t)).toEqual(before);
    expect(await isGranted(t, r.memberId, 'society-news')).toBe(true);
  });
});

describe('one-click (RFC 8058)', () => {
  for (const [encoding, post] of [
    ['urlencoded', oneClickUrlencoded],
    ['multipart/form-data', oneClickMultipart],
  ] as const) {
    it(`unsubscribes on a ${encoding} POST, committed before a 200 with no redirect or cookie`, async () => {
      const { recipients } = await seedCampaign(t);
      const r = recipients[0]!;
      const res = await post(r.unsubscribePath);
      expect(res.status).toBe(200);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('set-cookie')).toBeNull();
      // Read through another connection: the write is committed, not merely in flight.
      expect(await isGranted(t, r.memberId, 'society-news')).toBe(false);
      expect(await ledgerOf(t, r.memberId)).toEqual([
        {
          topic: 'society-news',
          channel: 'email',
          granted: false,
          source: 'one-click',
          actor: 'member',
          note: expect.stringContaining('campaign'),
        },
      ]);
      expect(await campaignEventsOf(r.recipientId)).toEqual(['unsubscribe']);
      // Other consents stay as they were.
      expect(await isGranted(t, r.memberId, 'events', 'postal')).toBe(true);
    });
  }

  it('is idempotent: a repeat answers 200 and writes nothing more', async () => {
    const { recipients } = await seedCampaign(t);
    const r = recipients[0]!;
    expect((await oneClickUrlencoded(r.unsubscribePath)).status).toBe(200);
    const after = await snapshot(t);
    expect((await oneClickUrlencoded(r.unsubscribePath)).status).toBe(200);
    expect((await oneClickMultipart(r.unsubscribePath)).status).toBe(200);
    expect(await snapshot(t)).toEqual(after);
    expect(await ledgerOf(t, r.memberId)).toHaveLength(1);
  });

  it('writes one entry when several one-click POSTs race', async () => {
    const { recipients } = await seedCampaign(t);
    const r = recipients[0]!;
    const answers = await Promise.all(Array.from({ length: 8 }, () => oneClickUrlencoded(r.unsubscribePath)));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect(await ledgerOf(t, r.memberId)).toHaveLength(1);
    expect(await campaignEventsOf(r.recipientId)).toEqual(['unsubscribe']);
  });

  it('needs no auth and ignores the site it came from', async () => {
    const { recipients } = await seedCampaign(t);
    const r = recipients[0]!;
    const res = await t.app.request(r.unsubscribePath, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'sec-fetch-site': 'cross-site',
        origin: 'https://mail.example.net',
      },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(res.status).toBe(200);
    expect(await isGranted(t, r.memberId, 'society-news')).toBe(false);
  });

  it('changes nothing for a seed recipient, and still answers 200', async () => {
    const { seeds } = await seedCampaign(t, { members: [], seeds: 1 });
    const before = await snapshot(t);
    const res = await oneClickUrlencoded(seeds[0]!.unsubscribePath);
    expect(res.status).toBe(200);
    expect((await t.app.request(seeds[0]!.preferencesPath)).status).toBe(200);
    expect(await snapshot(t)).toEqual(before);
  });
});

describe('the page buttons', () => {
  it('unsubscribes with source unsubscribe-link and offers leave-all, preferences and undo', async () => {
    const { recipients } = await seedCampaign(t);
    const r = recipients[0]!;
    const res = await pagePost(r.unsubscribePath, { action: 'unsubscribe' });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('You are unsubscribed from Society news');
    expect(page).toContain('name="action" value="all"');
    expect(page).toContain('name="action" value="undo"');
    expect(page).toContain(`href="${r.preferencesPath}"`);
    expect((await ledgerOf(t, r.memberId)).map((e) => e.source)).toEqual(['unsubscribe-link']);
    expect(await campaignEventsOf(r.recipientId)).toEqual(['unsubscribe']);
  });

  it('undo grants the topic again with source unsubscribe-link', async () => {
    const { recipients } = await seedCampaign(t);
    const r = recipients[0]!;
    await oneClickUrlencoded(r.unsubscribePath);
    const res = await pagePost(r.unsubscribePath, { action: 'undo' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('You are subscribed to Society news again');
    expect(await isGranted(t, r.memberId, 'society-news')).toBe(true);
    expect((await ledgerOf(t, r.memberId)).map((e) => [e.source, e.granted])).toEqual([
      ['one-click', false],
      ['unsubscribe-link', true],
    ]);
  });

  it('"leave all" withdraws every topic on every channel', async () => {
    const { recipients } = await seedCampaign(t);
    const r = recipients[0]!;
    const res = await pagePost(r.unsubscribePath, { action: 'all' });
    expect(res.status).toBe(200);
    const [granted] = await t.database
      .sql`select count(*)::int as n from consents where member_id = ${r.memberId} and granted`;
    expect(granted!.n).toBe(0);
    expect(new Set((await ledgerOf(t, r.memberId)).map((e) => e.source))).toEqual(
      new Set(['unsubscribe-link']),
    );
  });

  it('refuses page forms posted from another site, changing nothing', async () => {
    const { recipients } = await seedCampaign(t);
    const r = recipients[0]!;
    const before = await snapshot(t);
    const crossSite: Record<string, string>[] = [
      { 'sec-fetch-site': 'cross-site' },
      { origin: 'https://evil.example' },
    ];
    for (const headers of crossSite) {
      const res = await pagePost(r.unsubscribePath, { action: 'unsubscribe' }, headers);
      expect(res.status).toBe(403);
      const prefs = await pagePost(r.preferencesPath, {}, headers);
      expect(prefs.status).toBe(403);
    }
    expect(await snapshot(t)).toEqual(before);
  });

  it('answers 400 to a body that is neither one-click nor a page action', async () => {
    const { recipients } = await seedCampaign(t);
    const before = await snapshot(t);
    const res = await pagePost(recipients[0]!.unsubscribePath, { 'List-Unsubscribe': 'Yes please' });
    expect(res.status).toBe(400);
    expect(await snapshot(t)).toEqual(before);
  });
});

describe('forged and altered tokens', () => {
  it('get the 400 page and change nothing', async () => {
    const { recipients, campaignId } = await seedCampaign(t);
    const r = recipients[0]!;
    const token = r.unsubscribePath.slice(3);
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    const forged = [
      `${token.slice(0, -1)}${last}`,
      token.slice(0, -2),
      token.replace(
        r.token,
        r.token.replace(/^./, (ch) => (ch === 'a' ? 'b' : 'a')),
      ),
      `test1.AQAAAAAAAAAAAAAB.${r.token}.AAAAAAAAAAAAAAAAAAAAAA`,
      'nonsense',
      `${campaignId}`,
    ];
    const before = await snapshot(t);
    for (const bad of forged) {
      for (const res of [
        await t.app.request(`/u/${bad}`),
        await oneClickUrlencoded(`/u/${bad}`),
        await pagePost(`/u/${bad}`, { action: 'unsubscribe' }),
        await t.app.request(`/p/${bad}`),
        await pagePost(`/p/${bad}`, { 'society-news/email': 'on' }),
      ]) {
        expect(res.status).toBe(400);
        expect(await res.text()).toContain('This link is not valid');
      }
    }
    expect(await snapshot(t)).toEqual(before);
  });

  it('property: a tampered token never unsubscribes anyone', async () => {
    const { recipients } = await seedCampaign(t, { members: [{}, {}, {}] });
    const tokens = recipients.map((r) => r.unsubscribePath.slice(3));
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    const tampered = fc
      .record({
        which: fc.nat({ max: tokens.length - 1 }),
        at: fc.nat(),
        edit: fc.oneof(
          fc.record({ kind: fc.constant('replace' as const), ch: fc.constantFrom(...alphabet) }),
          fc.record({ kind: fc.constant('insert' as const), ch: fc.constantFrom(...alphabet) }),
          fc.record({ kind: fc.constant('delete' as const) }),
          fc.record({ kind: fc.constant('truncate' as const) }),
        ),
      })
      .map(({ which, at, edit }) => {
        const token = tokens[which]!;
        const i = at % token.length;
        switch (edit.kind) {
          case 'replace':
            return token.slice(0, i) + edit.ch + token.slice(i + 1);
          case 'insert':
            return token.slice(0, i) + edit.ch + token.slice(i);
          case 'delete':
            return token.slice(0, i) + token.slice(i + 1);
          default:
            return token.slice(0, i);
        }
      })
      .filter((token) => !tokens.includes(token));
    const before = await snapshot(t);
    await fc.assert(
      fc.asyncProperty(tampered, async (token) => {
        const res = await oneClickUrlencoded(`/u/${encodeURIComponent(token)}`);
        expect([400, 404]).toContain(res.status);
      }),
      { numRuns: 200 },
    );
    expect(await snapshot(t)).toEqual(before);
    for (const r of recipients) expect(await isGranted(t, r.memberId, 'society-news')).toBe(true);
  });

  it('a validly signed token for a recipient we do not have gets the 400 page', async () => {
    const { recipients } = await seedCampaign(t);
    await t.database.sql`delete from campaign_events`;
    const r = recipients[0]!;
    await t.database
      .sql`update campaign_recipients set token = ${'f'.repeat(64)} where id = ${r.recipientId}`;
    const res = await oneClickUrlencoded(r.unsubscribePath);
    expect(res.status).toBe(400);
    expect(await isGranted(t, r.memberId, 'society-news')).toBe(true);
  });
});

describe('preference centre', () => {
  it('lists every topic × channel with its state, and saving writes only the changed ones', async () => {
    const { recipients } = await seedCampaign(t);
    const r = recipients[0]!;
    const page = await (await t.app.request(r.preferencesPath)).text();
    expect(page.match(/type="checkbox"/g)).toHaveLength(8);
    expect(page.match(/ checked/g)).toHaveLength(2);
    expect(page).toMatch(/name="society-news\/email" value="on" checked/);
    expect(page).toMatch(/<label for="c-events-postal"/);

    // Keep society-news by email, drop events by post, add internet-issues by email.
    const res = await pagePost(r.preferencesPath, {
      'society-news/email': 'on',
      'internet-issues/email': 'on',
    });
    expect(res.status).toBe(200);
    const saved = await res.text();
    expect(saved).toContain('Your preferences are saved.');
    expect(saved).toMatch(/name="internet-issues\/email" value="on" checked/);
    expect(await ledgerOf(t, r.memberId)).toEqual([
      expect.objectContaining({
        topic: 'events',
        channel: 'postal',
        granted: false,
        source: 'preference-centre',
      }),
      expect.objectContaining({
        topic: 'internet-issues',
        channel: 'email',
        granted: true,
        source: 'preference-centre',
      }),
    ]);
  });

  it('saving the same answers again writes nothing', async () => {
    const { recipients } = await seedCampaign(t);
    const r = recipients[0]!;
    const before = await snapshot(t);
    await pagePost(r.preferencesPath, { 'society-news/email': 'on', 'events/postal': 'on' });
    expect(await snapshot(t)).toEqual(before);
  });
});

describe('languages', () => {
  it('speaks the member language: French and Spanish, English otherwise', async () => {
    const { recipients } = await seedCampaign(t, {
      members: [{ language: 'fr' }, { language: 'es' }, { language: 'de' }],
    });
    const [fr, es, de] = recipients as [
      (typeof recipients)[0],
      (typeof recipients)[0],
      (typeof recipients)[0],
    ];
    const frPage = await (await t.app.request(fr.unsubscribePath)).text();
    expect(frPage).toContain('<html lang="fr">');
    expect(frPage).toContain('Me désabonner');
    const esPage = await (await t.app.request(es.unsubscribePath)).text();
    expect(esPage).toContain('<html lang="es">');
    expect(esPage).toContain('Darme de baja');
    expect(await (await t.app.request(de.unsubscribePath)).text()).toContain('<html lang="en">');

    const frDone = await (await oneClickUrlencoded(fr.unsubscribePath)).text();
    expect(frDone).toContain('Vous êtes désabonné(e) de « Actualités de la Society »');
    const esPrefs = await (await t.app.request(es.preferencesPath)).text();
    expect(esPrefs).toContain('Sus preferencias de envío');
    expect(esPrefs).toContain('Guardar mis preferencias');
  });

  it('shows the invalid-link page in the browser language when the token is bad', async () => {
    const res = await t.app.request('/u/bad', { headers: { 'accept-language': 'es-ES,es;q=0.9,en;q=0.5' } });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Este enlace no es válido');
  });
});
