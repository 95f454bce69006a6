import { describe, expect, it } from 'vitest';
import { type CampaignAction, transition } from '../../src/campaigns/lifecycle.ts';
import type { CAMPAIGN_STATES } from '../../src/db/schema.ts';

describe('campaign lifecycle', () => {
  it('follows draft → scheduled → building → sending ⇄ paused → completed', () => {
    const path: [CampaignAction, string][] = [
      ['schedule', 'scheduled'],
      ['start-building', 'building'],
      ['start-sending', 'sending'],
      ['pause', 'paused'],
      ['resume', 'sending'],
      ['complete', 'completed'],
    ];
    let state = 'draft' as (typeof CAMPAIGN_STATES)[number];
    for (const [action, expected] of path) {
      const r = transition(state, action);
      expect(r).toEqual({ type: 'ok', to: expected });
      state = expected as typeof state;
    }
  });

  it('never leaves a final state and never jumps a step', () => {
    const actions: CampaignAction[] = [
      'schedule',
      'unschedule',
      'start-building',
      'start-sending',
      'pause',
      'resume',
      'complete',
      'cancel',
      'fail',
    ];
    for (const from of ['completed', 'cancelled', 'failed'] as const) {
      for (const action of actions) expect(transition(from, action).type).toBe('illegal');
    }
    expect(transition('draft', 'start-sending').type).toBe('illegal');
    expect(transition('draft', 'complete').type).toBe('illegal');
    expect(transition('scheduled', 'pause').type).toBe('illegal');
    expect(transition('paused', 'complete').type).toBe('illegal');
  });
});
