import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenDispatchInput, openDispatch } from '../../src/subcontractors/dispatch.ts';
import { dispatchHeader } from '../../src/subcontractors/dispatchHeader.ts';
import { flagOverdueDeletions } from '../../src/subcontractors/ledger.ts';
import { recordSeedMail } from '../../src/subcontractors/seedMail.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import {
  addCampaign,
  addContract,
  addMember,
  addPostalSeed,
  addRecipients,
  addSubcontractor,
  footprint,
  recipientsOf,
} from './fixtures.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

const NOW = new Date('2030-06-01T10:00:00Z');
const DOMAIN = 'mail.society.example';

/** A campaign with `members` member recipients under a fresh contract of its own. */
async function setUp(options: {
  service?: 'email' | 'postal';
  channel?: 'email' | 'postal';
  kind?: 'society' | 'partner-offer';
  members?: number;
  terms?: Parameters<typeof addContract>[2];
}) {
  const sub = await addSubcontractor(db.db, options.service ?? options.channel ?? 'email');
  const contractId = await addContract(db.db, sub, options.terms);
  const campaignId = await addCampaign(db.db, {
    kind: options.kind,
    channel: options.channel ?? 'email',
    contractId,
  });
  const ids: number[] = [];
  for (let i = 0; i < (options.members ?? 3); i++) {
    ids.push(
      await addMember(db.db, {
        name: `Member ${campaignId}-${i}`,
        email: `m${campaignId}-${i}@example.org`,
      }),
    );
  }
  await addRecipients(db.db, campaignId, ids);
  const input: OpenDispatchInput = {
    campaignId,
    purpose: options.kind === 'partner-offer' ? 'partner-offer' : 'society-mailing',
    channel: options.channel ?? 'email',
    now: NOW,
    seedDomain: DOMAIN,
  };
  return { sub, contractId, campaignId, input };
}

describe('openDispatch refuses a dispatch that breaks its contract, writing nothing', () => {
  it.each([
    ['status', { terms: { status: 'suspended' } }],
    ['purpose', { kind: 'partner-offer' as const, terms: { purposes: ['society-mailing'] } }],
    ['dates', { terms: { validTo: '2030-05-31' } }],
    ['volume', { members: 3, terms: { maxRecipientsPerDispatch: 3 } }],
    ['service', { service: 'postal' as const, channel: 'email' as const }],
    ['service', { terms: { fields: ['firstName'] } }],
    ['seeds', { channel: 'postal' as const, terms: { fields: ['name', 'postalAddress'] } }],
  ] as const)('%s', async (clause, options) => {
    // Postal seeds in the list are all taken, so a postal dispatch finds none.
    await db.db.execute(
      sql`update seeds set active = false where channel = 'postal' and disclosure_id is null`,
    );
    const { input } = await setUp(options as Parameters<typeof setUp>[0]);
    const before = await footprint(db.db);
    const outcome = await openDispatch(db.db, input);
    expect(outcome).toMatchObject({ type: 'refused', clause });
    expect(outcome.type === 'refused' && outcome.message.length).toBeGreaterThan(10);
    expect(await footprint(db.db)).toEqual(before);
  });

  it('status, when the campaign names no contract', async () => {
    const campaignId = await addCampaign(db.db, { contractId: null });
    const outcome = await openDispatch(db.db, {
      campaignId,
      purpose: 'society-mailing',
      channel: 'email',
      now: NOW,
      seedDomain: DOMAIN,
    });
    expect(outcome).toMatchObject({ type: 'refused', clause: 'status' });
  });
});

describe('openDispatch within the contract', () => {
  it('adds a unique email seed, records the disclosure with its deadline, and is idempotent', async () => {
    const { input, contractId, sub, campaignId } = await setUp({ members: 3, terms: { retentionDays: 14 } });
    const outcome = await openDispatch(db.db, input);
    if (outcome.type !== 'ok') throw new Error(outcome.message);
    expect(outcome.fields).toEqual(['email', 'firstName']);
    expect(outcome.seedIds).toHaveLength(1);

    const [disclosure] = await db.sql`select * from disclosures where id = ${outcome.disclosureId}`;
    expect(disclosure).toMatchObject({
      reference: outcome.reference,
      contract_id: String(contractId),
      subcontractor_id: String(sub),
      campaign_id: String(campaignId),
      fields: ['email', 'firstName'],
      recipient_count: 4,
      seed_ids: outcome.seedIds.map(String),
    });
    expect(new Date(disclosure!.delete_by).toISOString()).toBe('2030-06-15T10:00:00.000Z');

    const recipients = await recipientsOf(db.db, campaignId);
    const seeds = recipients.filter((r) => r.seedId !== null);
    expect(seeds).toHaveLength(1);
    expect(seeds[0]).toMatchObject({ seedId: outcome.seedIds[0], state: 'pending', memberId: null });
    expect(seeds[0]!.token).toMatch(/^[0-9a-f]{64}$/);
    expect(seeds[0]!.emailNormalized).toMatch(/^seed\+[0-9a-f]{16}@mail\.society\.example$/);

    const again = await openDispatch(db.db, input);
    expect(again).toEqual(outcome);
    expect(await recipientsOf(db.db, campaignId)).toHaveLength(4);

    const other = await setUp({ members: 1 });
    const second = await openDispatch(db.db, other.input);
    expect(second.type === 'ok' && second.seedIds[0]).not.toBe(outcome.seedIds[0]);
  });

  it('counts seeds towards the volume: exactly at the maximum passes', async () => {
    const { input } = await setUp({ members: 3, terms: { maxRecipientsPerDispatch: 4 } });
    expect((await openDispatch(db.db, input)).type).toBe('ok');
  });

  it('takes one unused postal seed per postal dispatch', async () => {
    const seedId = await addPostalSeed(db.db);
    const { input, campaignId } = await setUp({
      channel: 'postal',
      terms: { fields: ['name', 'postalAddress'] },
    });
    const outcome = await openDispatch(db.db, input);
    expect(outcome).toMatchObject({ type: 'ok', seedIds: [seedId], fields: ['name', 'postalAddress'] });
    const seeds = (await recipientsOf(db.db, campaignId)).filter((r) => r.seedId !== null);
    expect(seeds.map((s) => s.seedId)).toEqual([seedId]);

    const next = await setUp({ channel: 'postal', terms: { fields: ['name', 'postalAddress'] } });
    expect(await openDispatch(db.db, next.input)).toMatchObject({ type: 'refused', clause: 'seeds' });
  });

  it('throws when the purpose or channel does not match the campaign (a caller bug)', async () => {
    const { input } = await setUp({ kind: 'partner-offer' });
    await expect(openDispatch(db.db, { ...input, purpose: 'society-mailing' })).rejects.toThrow(
      /partner-offer/,
    );
  });
});

describe('disclosure ledger', () => {
  it('flags each overdue, unconfirmed deletion once, with an audit entry', async () => {
    const a = await setUp({ terms: { retentionDays: 1 } });
    const b = await setUp({ terms: { retentionDays: 1 } });
    const c = await setUp({ terms: { retentionDays: 60 } });
    const [da, db2, dc] = [
      await openDispatch(db.db, a.input),
      await openDispatch(db.db, b.input),
      await openDispatch(db.db, c.input),
    ];
    if (da.type !== 'ok' || db2.type !== 'ok' || dc.type !== 'ok') throw new Error('dispatch refused');
    await db.sql`update disclosures set deletion_confirmed_at = ${NOW.toISOString()} where id = ${db2.disclosureId}`;
    const later = new Date(NOW.getTime() + 3 * 86_400_000);

    const flagged = await flagOverdueDeletions(db.db, later);
    expect(flagged).toContain(da.reference);
    expect(flagged).not.toContain(db2.reference);
    expect(flagged).not.toContain(dc.reference);
    const [audit] = await db.sql`
      select details from audit_log where action = 'disclosure.deletion-overdue' and target = ${`disclosure:${da.disclosureId}`}`;
    expect(audit!.details).toMatchObject({ reference: da.reference });
    expect(await flagOverdueDeletions(db.db, later)).toEqual([]);
  });
});

describe('seed misuse', () => {
  it('raises an alert naming the subcontractor and dispatch for mail reaching a seed outside its dispatch', async () => {
    const { input, sub } = await setUp({ members: 1 });
    const outcome = await openDispatch(db.db, input);
    if (outcome.type !== 'ok') throw new Error('refused');
    const [seed] = await db.sql`select address from seeds where id = ${outcome.seedIds[0]!}`;
    const address = seed!.address as string;
    const [subcontractor] = await db.sql`select name from subcontractors where id = ${sub}`;

    const ours = await recordSeedMail(db.db, {
      recipients: [address],
      sesMessageId: 'inbound-1',
      headers: [dispatchHeader(outcome.reference)],
    });
    expect(ours).toBe(0);

    const leaked = {
      recipients: [address.toUpperCase(), 'someone@else.example'],
      sesMessageId: 'inbound-2',
      headers: [],
    };
    expect(await recordSeedMail(db.db, leaked)).toBe(1);
    expect(await recordSeedMail(db.db, leaked)).toBe(0);

    const otherDispatch = await recordSeedMail(db.db, {
      recipients: [address],
      sesMessageId: 'inbound-3',
      headers: [{ name: 'x-society-dispatch', value: 'D20300101-deadbeef' }],
    });
    expect(otherDispatch).toBe(1);

    const alerts = await db.sql`
      select a.summary, a.subcontractor_id, a.disclosure_id from misuse_alerts a where a.seed_id = ${outcome.seedIds[0]!} order by a.id`;
    expect(alerts).toHaveLength(2);
    expect(alerts[0]!.summary).toContain(outcome.reference);
    expect(alerts[0]!.summary).toContain(subcontractor!.name);
    expect(alerts[0]!.subcontractor_id).toBe(String(sub));
    expect(alerts[0]!.disclosure_id).toBe(String(outcome.disclosureId));

    expect(
      await recordSeedMail(db.db, {
        recipients: ['member@example.org'],
        sesMessageId: 'inbound-4',
        headers: [],
      }),
    ).toBe(0);
  });
});
