import type { CAMPAIGN_STATES } from '../db/schema.ts';

export type CampaignState = (typeof CAMPAIGN_STATES)[number];

/** What staff or the engine can do to a campaign. */
export type CampaignAction =
  | 'schedule'
  | 'unschedule'
  | 'start-building'
  | 'start-sending'
  | 'pause'
  | 'resume'
  | 'complete'
  | 'cancel'
  | 'fail';

/**
 * The campaign lifecycle. Only drafts can be edited or deleted.
 *
 * ```
 *   draft ──schedule──▶ scheduled ──start-building──▶ building ──start-sending──▶ sending ──complete──▶ completed
 *     ▲                  │                              │                          │  ▲
 *     └───unschedule─────┘                              │                    pause │  │ resume
 *                                                       │                          ▼  │
 *                                                       │                         paused
 *   cancel: from scheduled, building, sending or paused ──▶ cancelled
 *   fail:   from building or sending (contract refused, unrecoverable) ──▶ failed
 *           (building also goes to sending when a crash retry finds it built)
 * ```
 */
const TRANSITIONS: Record<CampaignAction, Partial<Record<CampaignState, CampaignState>>> = {
  schedule: { draft: 'scheduled' },
  unschedule: { scheduled: 'draft' },
  'start-building': { scheduled: 'building' },
  'start-sending': { building: 'sending' },
  pause: { sending: 'paused' },
  resume: { paused: 'sending' },
  complete: { sending: 'completed' },
  cancel: { scheduled: 'cancelled', building: 'cancelled', sending: 'cancelled', paused: 'cancelled' },
  fail: { building: 'failed', sending: 'failed' },
};

export type TransitionResult =
  | { type: 'ok'; to: CampaignState }
  | { type: 'illegal'; from: CampaignState; action: CampaignAction };

/** Whether `action` is legal from `from`, and where it leads. */
export function transition(from: CampaignState, action: CampaignAction): TransitionResult {
  const to = TRANSITIONS[action][from];
  return to ? { type: 'ok', to } : { type: 'illegal', from, action };
}

/** States in which the campaign's content and audience definition may still change. */
export const EDITABLE: readonly CampaignState[] = ['draft'];

/** States in which nothing more will happen. */
export const FINAL: readonly CampaignState[] = ['completed', 'cancelled', 'failed'];
