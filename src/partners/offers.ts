import { and, desc, eq } from 'drizzle-orm';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Tx } from '../db/connect.ts';
import { campaigns, offers, partners } from '../db/schema.ts';
import type { OfferInput } from './offerInput.ts';
import { type OfferAction, type OfferState, offerTransition } from './offerStates.ts';
import type { Targeting } from './targeting.ts';

type OfferRow = typeof offers.$inferSelect;

/** An offer as its partner sees it: its own content and review, nothing about recipients. */
export interface PartnerOfferView {
  id: number;
  state: OfferState;
  title: string;
  subject: string;
  headline: string;
  body: string;
  ctaUrl: string;
  ctaLabel: string;
  imageUrl: string | null;
  sendWindow: { from: string; to: string };
  maxRecipients: number;
  targeting: Targeting;
  /** The reviewer's note: what to change, or why approved or rejected. */
  reviewNote: string | null;
  createdAt: string;
  updatedAt: string;
}

/** An offer as staff see it. */
export interface StaffOfferView extends PartnerOfferView {
  partnerId: number;
  partnerName: string;
  campaignId: number | null;
}

export function partnerView(o: OfferRow): PartnerOfferView {
  return {
    id: o.id,
    state: o.state as OfferState,
    title: o.title,
    subject: o.subject,
    headline: o.headline,
    body: o.bodyMarkdown,
    ctaUrl: o.ctaUrl,
    ctaLabel: o.ctaLabel,
    imageUrl: o.imageUrl,
    sendWindow: { from: o.windowStart.toISOString(), to: o.windowEnd.toISOString() },
    maxRecipients: o.maxRecipients,
    targeting: o.targeting as Targeting,
    reviewNote: o.reviewNote,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
}

function columns(input: OfferInput) {
  return {
    title: input.title,
    subject: input.subject,
    headline: input.headline,
    bodyMarkdown: input.body,
    ctaUrl: input.ctaUrl,
    ctaLabel: input.ctaLabel ?? 'Learn more',
    imageUrl: input.imageUrl ?? null,
    windowStart: new Date(input.sendWindow.from),
    windowEnd: new Date(input.sendWindow.to),
    maxRecipients: input.maxRecipients,
    targeting: input.targeting,
  };
}

/** A partner submits a new offer; it starts `submitted`. `actor` names who did, when not the key. */
export async function submitOffer(
  tx: Tx,
  partnerId: number,
  input: OfferInput,
  actor = `partner:${partnerId}`,
): Promise<OfferRow> {
  const [row] = await tx
    .insert(offers)
    .values({ partnerId, ...columns(input) })
    .returning();
  await recordAudit(tx, {
    actor,
    action: 'offer.submit',
    target: `offer:${row!.id}`,
    details: { to: 'submitted' },
  });
  return row!;
}

/** A partner's own offers, newest first. */
export async function listPartnerOffers(tx: Tx, partnerId: number): Promise<OfferRow[]> {
  return tx.select().from(offers).where(eq(offers.partnerId, partnerId)).orderBy(desc(offers.id));
}

/** One offer of this partner: another partner's offer is as absent as a missing one. */
export async function findPartnerOffer(tx: Tx, partnerId: number, offerId: number) {
  const [row] = await tx
    .select()
    .from(offers)
    .where(and(eq(offers.id, offerId), eq(offers.partnerId, partnerId)));
  return row;
}

export async function findOffer(tx: Tx, offerId: number, options: { lock?: boolean } = {}) {
  const query = tx
    .select({ offer: offers, partnerName: partners.name })
    .from(offers)
    .innerJoin(partners, eq(partners.id, offers.partnerId))
    .where(eq(offers.id, offerId));
  const [row] = options.lock ? await query.for('update', { of: offers }) : await query;
  return row;
}

export function staffView(row: { offer: OfferRow; partnerName: string }): StaffOfferView {
  return {
    ...partnerView(row.offer),
    partnerId: row.offer.partnerId,
    partnerName: row.partnerName,
    campaignId: row.offer.campaignId,
  };
}

export async function listOffers(tx: Tx, state?: OfferState) {
  return tx
    .select({ offer: offers, partnerName: partners.name })
    .from(offers)
    .innerJoin(partners, eq(partners.id, offers.partnerId))
    .where(state ? eq(offers.state, state) : undefined)
    .orderBy(desc(offers.id));
}

export type MoveOutcome =
  | { type: 'moved'; offer: OfferRow }
  | { type: 'not-found' }
  | { type: 'illegal'; state: OfferState; message: string };

/**
 * Applies one lifecycle move to an offer under a row lock, with its audit
 * entry. `partnerId` limits the move to that partner's offers; `changes`
 * are columns written with the move (a resubmission's new content, a note).
 */
export async function moveOffer(
  tx: Tx,
  input: {
    offerId: number;
    action: OfferAction;
    actor: string;
    partnerId?: number;
    note?: string | null;
    changes?: Partial<typeof offers.$inferInsert>;
  },
): Promise<MoveOutcome> {
  const [current] = await tx
    .select()
    .from(offers)
    .where(
      input.partnerId === undefined
        ? eq(offers.id, input.offerId)
        : and(eq(offers.id, input.offerId), eq(offers.partnerId, input.partnerId)),
    )
    .for('update');
  if (!current) return { type: 'not-found' };
  const move = offerTransition(current.state as OfferState, input.action);
  if (move.type === 'illegal') return { type: 'illegal', state: move.from, message: move.message };
  const [offer] = await tx
    .update(offers)
    .set({
      ...input.changes,
      state: move.to,
      ...(input.note !== undefined ? { reviewNote: input.note } : {}),
      updatedAt: new Date(),
    })
    .where(eq(offers.id, input.offerId))
    .returning();
  await recordAudit(tx, {
    actor: input.actor,
    action: `offer.${input.action}`,
    target: `offer:${input.offerId}`,
    details: { from: move.from, to: move.to, note: input.note ?? null },
  });
  return { type: 'moved', offer: offer! };
}

/** A partner resubmits an offer staff asked changes to, with its new content. */
export function resubmitOffer(tx: Tx, partnerId: number, offerId: number, input: OfferInput) {
  return moveOffer(tx, {
    offerId,
    partnerId,
    action: 'resubmit',
    actor: `partner:${partnerId}`,
    note: null,
    changes: columns(input),
  });
}

/**
 * A partner withdraws an offer. A scheduled one is withdrawn only while its
 * campaign has not started; the campaign is then cancelled with it.
 */
export async function withdrawOffer(
  tx: Tx,
  partnerId: number,
  offerId: number,
  actor = `partner:${partnerId}`,
): Promise<MoveOutcome> {
  return tx
    .transaction(async (t) => {
      const outcome = await moveOffer(t, {
        offerId,
        partnerId,
        action: 'withdraw',
        actor,
      });
      if (outcome.type !== 'moved' || outcome.offer.campaignId === null) return outcome;
      const cancelled = await t
        .update(campaigns)
        .set({ state: 'cancelled', stateReason: 'the partner withdrew the offer', updatedAt: new Date() })
        .where(and(eq(campaigns.id, outcome.offer.campaignId), eq(campaigns.state, 'scheduled')))
        .returning({ id: campaigns.id });
      if (cancelled.length === 0) {
        t.rollback();
      }
      return outcome;
    })
    .catch((error: unknown) => {
      if (error instanceof Error && error.name === 'TransactionRollbackError') {
        return { type: 'illegal', state: 'scheduled', message: 'the offer is already being sent' } as const;
      }
      throw error;
    });
}

/**
 * For the engine, when a partner-offer campaign completes: its offer becomes
 * sent. Returns false when the campaign carries no scheduled offer.
 */
export async function markOfferSent(tx: Tx, campaignId: number): Promise<boolean> {
  const [offer] = await tx
    .select({ id: offers.id })
    .from(offers)
    .where(and(eq(offers.campaignId, campaignId), eq(offers.state, 'scheduled')));
  if (!offer) return false;
  const outcome = await moveOffer(tx, { offerId: offer.id, action: 'mark-sent', actor: 'system' });
  return outcome.type === 'moved';
}
