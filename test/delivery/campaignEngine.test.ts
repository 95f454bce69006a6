import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWorkers } from '../../src/jobs/registerWorkers.ts';
import { recipientLinks } from '../../src/unsubscribe/links.ts';
import { createTestApp, json, type TestApp } from '../support/app.ts';
import { addMembers, member } from '../support/members.ts';
import { type LocalSes, type StoredEmail, startLocalSes } from '../support/ses.ts';
import { waitFor } from '../support/waitFor.ts';

let ses: LocalSes;
let t: TestApp;
beforeAll(async () => {
  ses = await startLocalSes();
  t = await createTestApp({ sesEndpoint: ses.endpoint, env: { SEND_BATCH_SIZE: '5' } });
  await registerWorkers(t.deps, { globalRate: 200 });
});
afterAll(async () => {
  await t.close();
  await ses.close();
});

const header = (email: StoredEmail, name: string) => email.headers?.find((h) => h.name === name)?.value;
const deliveredTo = async (domain: string) =>
  (await ses.store()).filter((e) => e.destination.to[0]!.endsWith(`@${domain}`));

async function createAndSchedule(body: Record<string, unknown>) {
  const created = await t.call('POST', '/api/campaigns', body, t.tokens.editor);
  expect(created.status, JSON.stringify(await created.clone().json())).toBe(201);
  const { id } = await json(created);
  const scheduled = await t.call(
    'POST',
    `/api/campaigns/${id}/schedule`,
    { sendAt: '2020-01-01T09:00', timeZone: 'Europe/Paris' },
    t.tokens.editor,
  );
  expect(scheduled.status).toBe(200);
  return id as number;
}

async function waitForState(id: number, state: string, timeoutMs = 20_000) {
  return waitFor(
    async () => {
      const campaign = await json(await t.call('GET', `/api/campaigns/${id}`, undefined, t.tokens.editor));
      return campaign.state === state ? campaign : null;
    },
    { timeoutMs, intervalMs: 100, message: `campaign ${id} to be ${state}` },
  );
}

describe('campaign engine, end to end through the local SES', () => {
  it('reaches exactly the eligible members once, with one-click unsubscribe headers and a footer', async () => {
    const d = 'e2e.example';
    await addMembers(t.database.db, [
      member(`ada@${d}`, ['society-news'], { name: 'Ada Lovelace', country: 'GB' }),
      member(`henri@${d}`, ['society-news'], { name: 'Henri Poincaré', language: 'fr' }),
      member(`bounced@${d}`, ['society-news']),
      member(`optedout@${d}`, []),
      member(`lapsed@${d}`, ['society-news'], { status: 'lapsed' }),
      member(`events@${d}`, ['events']),
      member(`postal@${d}`, ['society-news/postal']),
      member(`german@${d}`, ['society-news'], { country: 'DE' }),
    ]);
    await t.database
      .sql`insert into suppressions (email_normalized, reason) values (${`bounced@${d}`}, 'hard-bounce')`;

    const id = await createAndSchedule({
      name: 'Autumn newsletter',
      topic: 'society-news',
      subject: 'News for {{name}}',
      template: 'society-mailing',
      segment: { field: 'country', op: 'in', values: ['FR', 'GB'] },
      variants: { fr: { subject: 'Les nouvelles pour {{name}}' } },
    });
    const done = await waitForState(id, 'completed');
    expect(done.progress).toMatchObject({ audience: 2, sent: 2, failed: 0, pending: 0 });

    const mail = await deliveredTo(d);
    expect(mail.map((m) => m.destination.to[0]).sort()).toEqual([`ada@${d}`, `henri@${d}`]);
    const ada = mail.find((m) => m.destination.to[0] === `ada@${d}`)!;
    const henri = mail.find((m) => m.destination.to[0] === `henri@${d}`)!;
    expect(ada.subject).toBe('News for Ada Lovelace');
    expect(henri.subject).toBe('Les nouvelles pour Henri Poincaré');
    const listUnsubscribe = header(ada, 'List-Unsubscribe')!;
    expect(listUnsubscribe).toMatch(
      /^<http:\/\/localhost:3000\/u\/[A-Za-z0-9._-]+>, <mailto:unsubscribe\+[a-z0-9]+@mail\.society\.example\?subject=unsubscribe>$/,
    );
    expect(header(ada, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(header(ada, 'List-Id')).toBe('<society-news.mail.society.example>');
    // No member id or address in any link.
    expect(listUnsubscribe).not.toContain('ada');
    const unsubscribeUrl = listUnsubscribe.slice(1, listUnsubscribe.indexOf('>'));
    expect(ada.body.text).toContain(unsubscribeUrl);
    expect(ada.body.html).toContain(unsubscribeUrl);
    expect(ada.body.text).toContain('Reston');
    expect(ada.body.html).not.toMatch(/<img[^>]+(track|pixel|open)/i);

    // The dispatch went out under the email contract: disclosed, with a seed that looks like anyone else.
    const [disclosure] = await t.database.sql<
      { reference: string; recipient_count: number; fields: string[] }[]
    >`
      select reference, recipient_count, fields from disclosures where campaign_id = ${id}`;
    expect(disclosure).toMatchObject({ fields: ['email', 'name'] });
    expect(header(ada, 'X-Society-Dispatch')).toBe(disclosure!.reference);
    const seedMail = (await ses.store()).filter(
      (m) =>
        m.destination.to[0]!.startsWith('seed+') && header(m, 'X-Society-Dispatch') === disclosure!.reference,
    );
    expect(seedMail).toHaveLength(1);
  });

  it('honours an unsubscribe made while the campaign is sending', async () => {
    const d = 'midflight.example';
    const people = Array.from({ length: 16 }, (_, i) =>
      member(`m${i}@${d}`, ['events'], { chapter: 'Midflight' }),
    );
    const ids = await addMembers(t.database.db, people);
    const id = await createAndSchedule({
      name: 'Slow events mailing',
      topic: 'events',
      subject: 'Events',
      template: 'society-mailing',
      segment: { field: 'chapter', op: 'eq', value: 'Midflight' },
      rateLimit: 4,
    });
    await waitFor(async () => (await deliveredTo(d)).length >= 2, {
      timeoutMs: 10_000,
      message: 'first sends',
    });
    const [pending] = await t.database.sql<{ member_id: number; token: string }[]>`
      select member_id::int, token from campaign_recipients
       where campaign_id = ${id} and state = 'pending' and member_id is not null order by id desc limit 1`;
    // The member clicks one-click unsubscribe in their mail client (RFC 8058) while the campaign sends.
    const { unsubscribeUrl } = recipientLinks(
      { publicUrl: 'http://localhost:3000', mailDomain: 'mail.society.example', keys: t.deps.linkKeys },
      {
        recipientToken: pending!.token,
        topic: 'events',
        campaignId: id,
        issuedAt: Math.floor(Date.now() / 1000),
      },
    );
    const click = await t.app.request(new URL(unsubscribeUrl).pathname, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(click.status).toBe(200);
    const leaver = people[ids.indexOf(pending!.member_id)]!.email;
    const done = await waitForState(id, 'completed', 30_000);
    const mail = await deliveredTo(d);
    expect(mail.map((m) => m.destination.to[0])).not.toContain(leaver);
    expect(mail).toHaveLength(15);
    expect(done.progress).toMatchObject({ sent: 15, skipped: 1 });
  });

  it('sends to exactly the eligible set for random members, opt-ins, suppressions and segments', async () => {
    const countries = ['FR', 'GB', 'DE'] as const;
    const person = fc.record({
      country: fc.constantFrom(...countries),
      optIn: fc.boolean(),
      otherTopic: fc.boolean(),
      suppressed: fc.boolean(),
      lapsed: fc.boolean(),
    });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(person, { minLength: 1, maxLength: 12 }),
        fc.subarray([...countries], { minLength: 1 }),
        async (people, targeted) => {
          run += 1;
          const d = `prop${run}.example`;
          await addMembers(
            t.database.db,
            people.map((p, i) =>
              member(
                `p${i}@${d}`,
                [...(p.optIn ? ['internet-issues'] : []), ...(p.otherTopic ? ['events'] : [])],
                {
                  country: p.country,
                  status: p.lapsed ? 'lapsed' : 'active',
                },
              ),
            ),
          );
          for (const [i, p] of people.entries()) {
            if (p.suppressed) {
              await t.database
                .sql`insert into suppressions (email_normalized, reason) values (${`p${i}@${d}`}, 'complaint')`;
            }
          }
          const id = await createAndSchedule({
            name: `Property run ${run}`,
            topic: 'internet-issues',
            subject: 'Internet issues',
            template: 'society-mailing',
            segment: {
              all: [
                { field: 'country', op: 'in', values: targeted },
                { field: 'status', op: 'eq', value: 'active' },
              ],
            },
          });
          await waitForState(id, 'completed');
          const expected = people
            .map((p, i) => ({ ...p, email: `p${i}@${d}` }))
            .filter((p) => p.optIn && !p.suppressed && !p.lapsed && targeted.includes(p.country))
            .map((p) => p.email)
            .sort();
          const got = (await deliveredTo(d)).map((m) => m.destination.to[0]).sort();
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 6 },
    );
  }, 120_000);
});
