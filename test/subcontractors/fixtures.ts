import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Tx } from '../../src/db/connect.ts';
import {
  campaignRecipients,
  campaigns,
  contracts,
  members,
  seeds,
  subcontractors,
} from '../../src/db/schema.ts';

let serial = 0;
const unique = () => `${++serial}-${randomBytes(3).toString('hex')}`;

export async function addSubcontractor(db: Tx, service: 'email' | 'postal'): Promise<number> {
  const [row] = await db
    .insert(subcontractors)
    .values({ name: `${service === 'email' ? 'Mailer' : 'Print House'} ${unique()}`, service })
    .returning({ id: subcontractors.id });
  return row!.id;
}

export async function addContract(
  db: Tx,
  subcontractorId: number,
  terms: Partial<typeof contracts.$inferInsert> = {},
): Promise<number> {
  const [row] = await db
    .insert(contracts)
    .values({
      subcontractorId,
      reference: `C-${unique()}`,
      purposes: ['society-mailing', 'partner-offer'],
      fields: ['email', 'firstName'],
      validFrom: '2030-01-01',
      validTo: '2030-12-31',
      maxRecipientsPerDispatch: 1000,
      retentionDays: 30,
      seedsRequired: true,
      ...terms,
    })
    .returning({ id: contracts.id });
  return row!.id;
}

export interface MemberFixture {
  name: string;
  email: string;
  country?: string;
  city?: string;
  addressLine1?: string;
  postalCode?: string;
  membershipType?: string;
  language?: string;
}

export async function addMember(db: Tx, m: MemberFixture): Promise<number> {
  const [row] = await db
    .insert(members)
    .values({
      email: m.email,
      emailNormalized: m.email.toLowerCase(),
      name: m.name,
      externalId: `EXT-${unique()}`,
      addressLine1: m.addressLine1 ?? null,
      city: m.city ?? null,
      postalCode: m.postalCode ?? null,
      country: m.country ?? null,
      membershipType: m.membershipType ?? null,
      language: m.language ?? 'en',
    })
    .returning({ id: members.id });
  return row!.id;
}

export async function addCampaign(
  db: Tx,
  options: { kind?: 'society' | 'partner-offer'; channel?: 'email' | 'postal'; contractId?: number | null },
): Promise<number> {
  const kind = options.kind ?? 'society';
  const [row] = await db
    .insert(campaigns)
    .values({
      name: 'Dispatch test',
      kind,
      topic: kind === 'partner-offer' ? 'partner-offers' : 'events',
      channel: options.channel ?? 'email',
      subject: 'Hello',
      fromAddress: 'news@mail.society.example',
      contractId: options.contractId ?? null,
      createdBy: 'test',
    })
    .returning({ id: campaigns.id });
  return row!.id;
}

/** Freezes members as recipients, the way the audience builder does (random 64-hex tokens). */
export async function addRecipients(db: Tx, campaignId: number, memberIds: number[]): Promise<void> {
  if (memberIds.length === 0) return;
  await db.execute(sql`
    insert into campaign_recipients (campaign_id, member_id, email_normalized, token, language)
    select ${campaignId}::bigint, m.id, m.email_normalized,
           replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), m.language
      from members m where m.id in ${memberIds}`);
}

export async function addPostalSeed(db: Tx, name = 'Morgan Pryce'): Promise<number> {
  const [row] = await db
    .insert(seeds)
    .values({
      channel: 'postal',
      address: `postal-seed-${unique()}`,
      name,
      postalAddress: {
        line1: '1 Decoy Lane',
        line2: null,
        city: 'Seedville',
        region: null,
        postalCode: 'SD1 1SD',
        country: 'GB',
      },
    })
    .returning({ id: seeds.id });
  return row!.id;
}

/** Rows in the tables a dispatch writes to: a refusal must leave every one unchanged. */
export async function footprint(db: Tx) {
  const [row] = await db.execute<Record<string, number>>(sql`
    select (select count(*)::int from disclosures) as disclosures,
           (select count(*)::int from seeds) as seeds,
           (select count(*)::int from seeds where disclosure_id is not null) as used_seeds,
           (select count(*)::int from campaign_recipients) as recipients,
           (select count(*)::int from audit_log) as audit`);
  return row!;
}

export const recipientsOf = (db: Tx, campaignId: number) =>
  db.select().from(campaignRecipients).where(sql`${campaignRecipients.campaignId} = ${campaignId}`);
