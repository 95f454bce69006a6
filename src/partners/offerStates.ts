import type { OFFER_STATES } from '../db/schema.ts';

export type OfferState = (typeof OFFER_STATES)[number];

/** What someone can do to an offer. */
export type OfferAction =
  | 'start-review'
  | 'request-changes'
  | 'approve'
  | 'reject'
  | 'resubmit'
  | 'schedule'
  | 'mark-sent'
  | 'withdraw';

/**
 * The offer lifecycle, the one place that decides which moves are legal:
 *
 * ```text
 *            resubmit
 *   ┌──────────────────────────┐
 *   ▼                          │
 * submitted ──start-review──▶ in-review ──request-changes──▶ changes-requested
 *                                │  │
 *                        approve │  │ reject
 *                                ▼  ▼
 *                         approved  rejected
 *                                │
 *                       schedule │
 *                                ▼
 *                           scheduled ──mark-sent──▶ sent
 *
 * withdraw: submitted | in-review | changes-requested | approved | scheduled ──▶ withdrawn
 * ```
 *
 * Who may act is checked at the edge: staff with the approver role review,
 * approve, reject and schedule; the partner resubmits and withdraws; the
 * engine marks an offer sent. Approve and reject need a note.
 */
const MOVES: Record<OfferAction, { from: readonly OfferState[]; to: OfferState }> = {
  'start-review': { from: ['submitted'], to: 'in-review' },
  'request-changes': { from: ['in-review'], to: 'changes-requested' },
  approve: { from: ['in-review'], to: 'approved' },
  reject: { from: ['in-review'], to: 'rejected' },
  resubmit: { from: ['changes-requested'], to: 'submitted' },
  schedule: { from: ['approved'], to: 'scheduled' },
  'mark-sent': { from: ['scheduled'], to: 'sent' },
  withdraw: {
    from: ['submitted', 'in-review', 'changes-requested', 'approved', 'scheduled'],
    to: 'withdrawn',
  },
};

export type Transition =
  | { type: 'ok'; from: OfferState; to: OfferState }
  | { type: 'illegal'; from: OfferState; action: OfferAction; message: string };

/** Where `action` takes an offer in state `from`, or why it cannot. */
export function offerTransition(from: OfferState, action: OfferAction): Transition {
  const move = MOVES[action];
  if (move.from.includes(from)) return { type: 'ok', from, to: move.to };
  return {
    type: 'illegal',
    from,
    action,
    message: `an offer that is ${from} cannot ${action.replace('-', ' ')} (only from ${move.from.join(', ')})`,
  };
}

/** The review decision staff name by its target state. */
export const REVIEW_ACTIONS = {
  'in-review': 'start-review',
  'changes-requested': 'request-changes',
  approved: 'approve',
  rejected: 'reject',
} as const satisfies Partial<Record<OfferState, OfferAction>>;

/** Moves that must carry a note to the partner. */
export function needsNote(action: OfferAction): boolean {
  return action === 'approve' || action === 'reject';
}
