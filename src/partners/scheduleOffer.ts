import { eq, sql } from 'drizzle-orm';
import { fromDrizzle } from 'pg-boss';
import { campaigns, contracts, subcontractors } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { QUEUES } from '../jobs/queues.ts';
import { checkContract } from '../subcontractors/contractTerms.ts';
import { type OfferState, offerTransition } from './offerStates.ts';
import { findOffer, moveOffer } from './offers.ts';
import { offerMjml } from './preview.ts';
import { segmentFromTargeting, type Targeting } from './targeting.ts';

export interface ScheduleOfferInput {
  offerId: number;
  actor: string;
  /** Default: the start of the offer's window, or now if that has passed. Must fall in the window. */
  sendAt?: Date;
  /** An active email contract permitting partner offers; default: the first that does on the send date. */
  contractId?: number;
}

export type ScheduleOutcome =
  | { type: 'scheduled'; campaignId: number; sendAt: Date; contractId: number }
  | { type: 'not-found' }
  | { type: 'illegal'; state: OfferState; message: string }
  | { type: 'invalid'; path: string; message: string }
  | { type: 'no-contract'; message: string }
  | { type: 'invalid-content'; message: string };

/**
 * Turns an approved offer into a scheduled campaign, in one transaction:
 * kind partner-offer, topic partner-offers (always: nothing asked for
 * changes it), email, the segment of the offer's targeting, the offer's
 * maximum as the recipient limit, the filled partner-offer MJML, a send time
 * in the requested window and an active email contract; the offer becomes
 * scheduled and the campaign's start job is enqueued for the send time.
 */
export async function scheduleOffer(
  deps: Pick<Deps, 'db' | 'boss' | 'config' | 'clock'>,
  input: ScheduleOfferInput,
): Promise<ScheduleOutcome> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const found = await findOffer(tx, input.offerId, { lock: true });
    if (!found) return { type: 'not-found' };
    const { offer, partnerName } = found;
    const legal = offerTransition(offer.state as OfferState, 'schedule');
    if (legal.type === 'illegal') return { type: 'illegal', state: legal.from, message: legal.message };

    const earliest = Math.max(offer.windowStart.getTime(), now.getTime());
    const sendAt = input.sendAt ?? new Date(earliest);
    if (sendAt.getTime() < earliest || sendAt.getTime() > offer.windowEnd.getTime()) {
      return {
        type: 'invalid',
        path: 'sendAt',
        message: `sendAt must fall in the requested window (${new Date(earliest).toISOString()} to ${offer.windowEnd.toISOString()})`,
      };
    }

    const candidates = await tx
      .select({
        id: contracts.id,
        reference: contracts.reference,
        status: contracts.status,
        service: subcontractors.service,
        purposes: contracts.purposes,
        fields: contracts.fields,
        validFrom: contracts.validFrom,
        validTo: contracts.validTo,
        maxRecipientsPerDispatch: contracts.maxRecipientsPerDispatch,
        seedsRequired: contracts.seedsRequired,
      })
      .from(contracts)
      .innerJoin(subcontractors, eq(subcontractors.id, contracts.subcontractorId))
      .where(
        input.contractId === undefined ? eq(contracts.status, 'active') : eq(contracts.id, input.contractId),
      )
      .orderBy(contracts.id);
    const verdicts = candidates.map((c) => ({
      contract: c,
      verdict: checkContract(c, {
        purpose: 'partner-offer',
        channel: 'email',
        recipientCount: 1,
        on: sendAt,
      }),
    }));
    const chosen = verdicts.find((v) => v.verdict.type === 'ok');
    if (!chosen) {
      const why = verdicts[0]?.verdict;
      return {
        type: 'no-contract',
        message:
          input.contractId === undefined
            ? 'no active email contract permits partner offers on the send date'
            : why?.type === 'refused'
              ? `contract ${input.contractId} cannot carry this offer (${why.clause}: ${why.message})`
              : `no contract ${input.contractId}`,
      };
    }

    const content = await offerMjml(offer, partnerName, deps.config.SOCIETY_NAME);
    if (!content.ok) return { type: 'invalid-content', message: content.message };

    const [campaign] = await tx
      .insert(campaigns)
      .values({
        name: `Partner offer ${offer.id}: ${offer.title}`,
        kind: 'partner-offer',
        topic: 'partner-offers',
        channel: 'email',
        subject: offer.subject,
        template: null,
        mjml: content.mjml,
        segment: segmentFromTargeting(offer.targeting as Targeting),
        recipientLimit: offer.maxRecipients,
        sendAt,
        contractId: chosen.contract.id,
        fromAddress: deps.config.DEFAULT_FROM,
        state: 'scheduled',
        offerId: offer.id,
        createdBy: input.actor,
      })
      .returning({ id: campaigns.id });
    const campaignId = campaign!.id;
    const moved = await moveOffer(tx, {
      offerId: offer.id,
      action: 'schedule',
      actor: input.actor,
      changes: { campaignId },
    });
    if (moved.type !== 'moved') throw new Error(`scheduleOffer: offer ${offer.id} changed under its lock`);
    await deps.boss.send(
      QUEUES.campaignStart,
      { campaignId },
      { startAfter: sendAt, db: fromDrizzle(tx, sql), singletonKey: `campaign-${campaignId}` },
    );
    return { type: 'scheduled', campaignId, sendAt, contractId: chosen.contract.id };
  });
}
