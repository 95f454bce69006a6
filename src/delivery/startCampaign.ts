import { sql } from 'drizzle-orm';
import { buildAudience } from '../audiences/buildAudience.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import { findCampaign } from '../campaigns/campaignStore.ts';
import { transition } from '../campaigns/lifecycle.ts';
import type { Deps } from '../deps.ts';
import { defaultContractId } from '../subcontractors/defaultContract.ts';
import { openDispatch } from '../subcontractors/dispatch.ts';
import { dispatchPostal } from '../subcontractors/postalDispatch.ts';
import { finishCampaignIfDone } from './finishCampaign.ts';
import { enqueueSendRanges } from './sendRanges.ts';

export type StartOutcome =
  | { type: 'started'; recipients: number; jobs: number }
  | { type: 'not-due'; sendAt: Date }
  | { type: 'ignored'; state: string }
  | { type: 'failed'; reason: string };

/**
 * Starts a scheduled campaign when its time comes: freezes the audience with
 * one set-based statement, opens the dispatch under the subcontractor's
 * contract (checked before any data leaves; seeds added; disclosure
 * recorded) and enqueues the send jobs, in one transaction with the move to
 * `sending`. A refused dispatch fails the campaign with the clause named. A retry after a crash finds the campaign `building`
 * and builds again (the build is idempotent).
 */
export async function startCampaign(deps: Deps, campaignId: number): Promise<StartOutcome> {
  const first = await deps.db.transaction(async (tx) => {
    const campaign = await findCampaign(tx, campaignId, { lock: true });
    if (!campaign) return { type: 'ignored', state: 'missing' } as const;
    if (campaign.state === 'building') return { type: 'build' } as const;
    if (campaign.state !== 'scheduled') return { type: 'ignored', state: campaign.state } as const;
    // A job from an earlier schedule may fire before the current send time.
    if (campaign.sendAt && campaign.sendAt.getTime() > deps.clock.now().getTime() + 1000) {
      return { type: 'not-due', sendAt: campaign.sendAt } as const;
    }
    await tx.execute(
      sql`update campaigns set state = 'building', started_at = now(), updated_at = now() where id = ${campaignId}`,
    );
    return { type: 'build' } as const;
  });
  if (first.type !== 'build') return first;

  const started = await deps.db.transaction(async (tx) => {
    const campaign = (await findCampaign(tx, campaignId, { lock: true }))!;
    const next = transition(campaign.state, 'start-sending');
    if (next.type === 'illegal') return { type: 'ignored', state: campaign.state } as const;
    const purpose = campaign.kind === 'partner-offer' ? 'partner-offer' : 'society-mailing';
    const now = deps.clock.now();
    // Audience and disclosure stand or fall together: a refused dispatch leaves no recipients behind.
    const frozen = await tx
      .transaction(async (inner) => {
        const recipients = await buildAudience(inner, {
          campaignId,
          topic: campaign.topic,
          channel: campaign.channel,
          segment: campaign.segment,
          ...(campaign.recipientLimit ? { limit: campaign.recipientLimit } : {}),
        });
        const dispatch = await openDispatch(inner, {
          campaignId,
          contractId: campaign.contractId ?? (await defaultContractId(inner, campaign.channel, purpose, now)),
          purpose,
          channel: campaign.channel,
          now,
          seedDomain: deps.config.MAIL_DOMAIN,
        });
        if (dispatch.type === 'refused') throw new Refused(dispatch.clause, dispatch.message);
        return { recipients, dispatch };
      })
      .catch((error: unknown) => {
        if (error instanceof Refused) return error;
        throw error;
      });
    if (frozen instanceof Refused) {
      const reason = `The subcontractor contract does not allow this dispatch (${frozen.clause}): ${frozen.message}`;
      await tx.execute(
        sql`update campaigns set state = 'failed', state_reason = ${reason}, finished_at = now(), updated_at = now() where id = ${campaignId}`,
      );
      await recordAudit(tx, {
        actor: 'system',
        action: 'campaign.dispatch-refused',
        target: `campaign:${campaignId}`,
        details: { clause: frozen.clause },
      });
      return { type: 'failed', reason } as const;
    }
    // Postal mail goes as one manifest after this commits; email as keyset-ranged send jobs.
    const jobs =
      campaign.channel === 'email'
        ? await enqueueSendRanges(tx, deps.boss, campaignId, deps.config.SEND_BATCH_SIZE)
        : 1;
    const state = jobs === 0 ? 'completed' : next.to;
    await tx.execute(sql`
      update campaigns set state = ${state}, updated_at = now(),
             finished_at = case when ${state} = 'completed' then now() else null end
       where id = ${campaignId}`);
    await recordAudit(tx, {
      actor: 'system',
      action: 'campaign.start',
      target: `campaign:${campaignId}`,
      details: { recipients: frozen.recipients, jobs, disclosure: frozen.dispatch.reference },
    });
    return {
      type: 'started',
      recipients: frozen.recipients,
      jobs,
      channel: campaign.channel,
      dispatch: frozen.dispatch,
    } as const;
  });
  if (started.type !== 'started') return started;
  if (started.channel === 'postal') {
    await dispatchPostal(deps, {
      campaignId,
      disclosureId: started.dispatch.disclosureId,
      fields: started.dispatch.fields,
    });
    await finishCampaignIfDone(deps.db, campaignId);
  }
  return { type: 'started', recipients: started.recipients, jobs: started.jobs };
}

class Refused extends Error {
  readonly clause: string;
  constructor(clause: string, message: string) {
    super(message);
    this.clause = clause;
  }
}
