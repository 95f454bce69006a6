import { randomBytes } from 'node:crypto';
import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Tx } from '../db/connect.ts';
import {
  campaignRecipients,
  campaigns,
  contracts,
  disclosures,
  seeds,
  subcontractors,
} from '../db/schema.ts';
import {
  type Clause,
  type ContractField,
  checkContract,
  type Purpose,
  type Service,
} from './contractTerms.ts';

export {
  type Clause,
  type ContractCheck,
  type ContractTerms,
  checkContract,
  type ProjectedRecipient,
  projectFields,
} from './contractTerms.ts';

export interface OpenDispatchInput {
  campaignId: number;
  /** Default: the campaign's contract. */
  contractId?: number | null;
  /** Must match the campaign: 'partner-offer' for a partner offer, else 'society-mailing'. */
  purpose: Purpose;
  /** Must match the campaign's channel. */
  channel: Service;
  now: Date;
  /** Domain of email seed addresses (config MAIL_DOMAIN), where SES inbound mail reaches us. */
  seedDomain: string;
}

export type DispatchOutcome =
  | {
      type: 'ok';
      disclosureId: number;
      /** Goes into every message of the dispatch: see `dispatchHeader`. */
      reference: string;
      /** The permitted fields: project every recipient to these before it leaves. */
      fields: ContractField[];
      seedIds: number[];
    }
  | { type: 'refused'; clause: Clause; message: string };

/** Believable decoy names: a seed must look like any other recipient. */
const SEED_NAMES = ['Robin Ashdown', 'Alex Marlowe', 'Sam Okafor', 'Jordan Ferreira', 'Charlie Lindqvist'];

/**
 * Opens one dispatch of a campaign to its contracted subcontractor, before
 * any data leaves: counts the campaign's member recipients, checks the
 * contract (status, service, purpose, dates, volume with seeds, seeds), adds
 * the dispatch's unique seed recipients, and records the disclosure with its
 * deletion deadline. A refusal writes nothing and names the clause.
 *
 * Call it in the transaction that built the audience. Email seeds are made
 * fresh (`seed+<random>@<seedDomain>`); a postal dispatch takes one unused
 * postal seed from the list staff manage. Running it again for a campaign
 * that already has its disclosure returns that disclosure unchanged.
 */
export async function openDispatch(tx: Tx, input: OpenDispatchInput): Promise<DispatchOutcome> {
  const { campaignId, channel, now } = input;
  return tx.transaction(async (t) => {
    const [campaign] = await t
      .select({ kind: campaigns.kind, channel: campaigns.channel, contractId: campaigns.contractId })
      .from(campaigns)
      .where(eq(campaigns.id, campaignId))
      .for('update');
    if (!campaign) throw new Error(`openDispatch: campaign ${campaignId} does not exist`);
    const purpose: Purpose = campaign.kind === 'partner-offer' ? 'partner-offer' : 'society-mailing';
    if (purpose !== input.purpose || campaign.channel !== channel) {
      throw new Error(
        `openDispatch: campaign ${campaignId} is a ${purpose} by ${campaign.channel}, not ${input.purpose} by ${channel}`,
      );
    }
    const contractId = input.contractId ?? campaign.contractId;
    if (contractId === null) {
      return { type: 'refused', clause: 'status', message: 'the campaign names no subcontractor contract' };
    }

    const [existing] = await t
      .select()
      .from(disclosures)
      .where(and(eq(disclosures.campaignId, campaignId), eq(disclosures.contractId, contractId)));
    if (existing) {
      return {
        type: 'ok',
        disclosureId: existing.id,
        reference: existing.reference,
        fields: existing.fields as ContractField[],
        seedIds: existing.seedIds,
      };
    }

    const [contract] = await t
      .select({
        id: contracts.id,
        reference: contracts.reference,
        subcontractorId: contracts.subcontractorId,
        service: subcontractors.service,
        status: contracts.status,
        purposes: contracts.purposes,
        fields: contracts.fields,
        validFrom: contracts.validFrom,
        validTo: contracts.validTo,
        maxRecipientsPerDispatch: contracts.maxRecipientsPerDispatch,
        retentionDays: contracts.retentionDays,
        seedsRequired: contracts.seedsRequired,
      })
      .from(contracts)
      .innerJoin(subcontractors, eq(subcontractors.id, contracts.subcontractorId))
      .where(eq(contracts.id, contractId));
    if (!contract) return { type: 'refused', clause: 'status', message: `no contract ${contractId}` };

    const [{ members } = { members: 0 }] = await t
      .select({ members: sql<number>`count(*)::int` })
      .from(campaignRecipients)
      .where(and(eq(campaignRecipients.campaignId, campaignId), isNotNull(campaignRecipients.memberId)));

    // An unused postal seed, locked so two dispatches never share one.
    const postalSeed =
      channel === 'postal'
        ? (
            await t
              .select({ id: seeds.id, address: seeds.address })
              .from(seeds)
              .where(and(eq(seeds.channel, 'postal'), eq(seeds.active, true), isNull(seeds.disclosureId)))
              .orderBy(seeds.id)
              .limit(1)
              .for('update', { skipLocked: true })
          )[0]
        : undefined;
    const seedCount = channel === 'email' || postalSeed ? 1 : 0;

    const verdict = checkContract(contract, {
      purpose,
      channel,
      recipientCount: members + seedCount,
      seedCount,
      on: now,
    });
    if (verdict.type === 'refused') return verdict;

    const seed =
      postalSeed ??
      (channel === 'email'
        ? (
            await t
              .insert(seeds)
              .values({
                channel: 'email',
                address: `seed+${randomBytes(8).toString('hex')}@${input.seedDomain.toLowerCase()}`,
                name: SEED_NAMES[randomBytes(1)[0]! % SEED_NAMES.length]!,
              })
              .returning({ id: seeds.id, address: seeds.address })
          )[0]
        : undefined);
    const seedIds = seed ? [seed.id] : [];

    const reference = `D${now.toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(4).toString('hex')}`;
    const [disclosure] = await t
      .insert(disclosures)
      .values({
        reference,
        subcontractorId: contract.subcontractorId,
        contractId: contract.id,
        campaignId,
        fields: contract.fields,
        recipientCount: members + seedIds.length,
        seedIds,
        disclosedAt: now,
        deleteBy: new Date(now.getTime() + contract.retentionDays * 86_400_000),
      })
      .returning({ id: disclosures.id });
    const disclosureId = disclosure!.id;

    if (seed) {
      await t.update(seeds).set({ disclosureId }).where(eq(seeds.id, seed.id));
      await t.insert(campaignRecipients).values({
        campaignId,
        seedId: seed.id,
        emailNormalized: seed.address,
        token: randomBytes(32).toString('hex'),
        language: 'en',
      });
    }
    await recordAudit(t, {
      actor: 'system',
      action: 'disclosure.open',
      target: `disclosure:${disclosureId}`,
      details: { reference, campaignId, contract: contract.reference, members, seeds: seedIds.length },
    });
    return { type: 'ok', disclosureId, reference, fields: contract.fields as ContractField[], seedIds };
  });
}
