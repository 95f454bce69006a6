import { randomBytes } from 'node:crypto';
import type { Topic } from '../../src/consent/vocabulary.ts';
import type { Sql } from '../../src/db/connect.ts';
import { recipientLinks } from '../../src/unsubscribe/links.ts';
import type { TestApp } from '../support/app.ts';

/** A recipient token as the audience builder makes them: 64 hex characters. */
export const recipientToken = () => randomBytes(32).toString('hex');

export interface SeededRecipient {
  memberId: number;
  recipientId: number;
  email: string;
  token: string;
  unsubscribePath: string;
  preferencesPath: string;
}

let counter = 0;

/** Members (opted in to `topic` by email, and to events by post), a campaign about `topic`, one recipient each. */
export async function seedCampaign(
  t: TestApp,
  options: { topic?: Topic; members?: { language?: string; email?: string }[]; seeds?: number } = {},
) {
  const sql: Sql = t.database.sql;
  const topic = options.topic ?? 'society-news';
  const [campaign] = await sql<{ id: string }[]>`
    insert into campaigns (name, topic, subject, from_address, created_by, state)
    values ('March news', ${topic}, 'News', 'news@mail.society.example', 'staff:1', 'sending') returning id`;
  const campaignId = Number(campaign!.id);
  const recipients: SeededRecipient[] = [];
  for (const m of options.members ?? [{}]) {
    const n = ++counter;
    const email = m.email ?? `member${n}-${randomBytes(3).toString('hex')}@example.org`;
    const [member] = await sql<{ id: string }[]>`
      insert into members (external_id, email, email_normalized, name, language)
      values (${`ext-${n}-${randomBytes(3).toString('hex')}`}, ${email}, ${email.toLowerCase()}, ${`Member ${n}`}, ${m.language ?? 'en'})
      returning id`;
    const memberId = Number(member!.id);
    await sql`
      insert into consent_events (member_id, topic, channel, granted, source, actor, policy_version, occurred_at)
      values (${memberId}, ${topic}, 'email', true, 'join-form', 'import:test', '2011-12-15', now() - interval '1 day'),
             (${memberId}, 'events', 'postal', true, 'join-form', 'import:test', '2011-12-15', now() - interval '1 day')`;
    recipients.push(
      await addRecipient(t, campaignId, topic, { memberId, email, language: m.language ?? 'en' }),
    );
  }
  const seeds: SeededRecipient[] = [];
  for (let i = 0; i < (options.seeds ?? 0); i++) {
    const address = `seed${++counter}-${randomBytes(3).toString('hex')}@seeds.society.example`;
    const [seed] = await sql<{ id: string }[]>`
      insert into seeds (channel, address, name) values ('email', ${address}, 'Seed') returning id`;
    seeds.push(
      await addRecipient(t, campaignId, topic, { seedId: Number(seed!.id), email: address, language: 'en' }),
    );
  }
  return { campaignId, topic, recipients, seeds };
}

async function addRecipient(
  t: TestApp,
  campaignId: number,
  topic: Topic,
  who: { memberId?: number; seedId?: number; email: string; language: string },
): Promise<SeededRecipient> {
  const token = recipientToken();
  const [row] = await t.database.sql<{ id: string }[]>`
    insert into campaign_recipients (campaign_id, member_id, seed_id, email_normalized, token, language)
    values (${campaignId}, ${who.memberId ?? null}, ${who.seedId ?? null}, ${who.email.toLowerCase()}, ${token}, ${who.language})
    returning id`;
  const links = recipientLinks(
    { publicUrl: '', mailDomain: t.deps.config.MAIL_DOMAIN, keys: t.deps.linkKeys },
    { recipientToken: token, topic, campaignId, issuedAt: Math.floor(Date.now() / 1000) },
  );
  return {
    memberId: who.memberId ?? 0,
    recipientId: Number(row!.id),
    email: who.email,
    token,
    unsubscribePath: links.unsubscribeUrl,
    preferencesPath: links.preferencesUrl,
  };
}

/** Everything a consent action could change, to compare before and after. */
export async function snapshot(t: TestApp) {
  const sql = t.database.sql;
  const [events] = await sql<
    { n: string; max: string | null }[]
  >`select count(*) as n, max(id) as max from consent_events`;
  const consents =
    await sql`select member_id, topic, channel, granted, event_id from consents order by 1, 2, 3`;
  const [campaignEvents] = await sql<{ n: string }[]>`select count(*) as n from campaign_events`;
  const [suppressions] = await sql<{ n: string }[]>`select count(*) as n from suppressions`;
  return {
    events: Number(events!.n),
    lastEvent: events!.max,
    consents: consents.map((r) => ({ ...r })),
    campaignEvents: Number(campaignEvents!.n),
    suppressions: Number(suppressions!.n),
  };
}

/** The ledger rows of one member written after the fixture's own grants. */
export function ledgerOf(t: TestApp, memberId: number) {
  return t.database.sql<
    { topic: string; channel: string; granted: boolean; source: string; actor: string; note: string | null }[]
  >`
    select topic, channel, granted, source, actor, note from consent_events
     where member_id = ${memberId} and source <> 'join-form' order by id`;
}

export async function isGranted(t: TestApp, memberId: number, topic: Topic, channel = 'email') {
  const [row] = await t.database.sql<{ granted: boolean }[]>`
    select granted from consents where member_id = ${memberId} and topic = ${topic} and channel = ${channel}`;
  return row?.granted ?? false;
}
