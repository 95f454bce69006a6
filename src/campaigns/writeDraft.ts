import { sql } from 'drizzle-orm';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Tx } from '../db/connect.ts';
import { campaigns } from '../db/schema.ts';
import type { CreateCampaignInput } from './campaignInput.ts';
import type { Campaign } from './campaignStore.ts';

/** The columns staff write into a draft, from the console form or the API. */
const DRAFT_FIELDS = [
  'name',
  'topic',
  'channel',
  'subject',
  'template',
  'mjml',
  'defaultLanguage',
  'variants',
  'segment',
  'fromAddress',
  'replyTo',
  'rateLimit',
  'contractId',
] as const satisfies readonly (keyof Campaign)[];

/** A draft's editable values, absent optional fields already made explicit. */
export type DraftValues = Pick<Campaign, (typeof DRAFT_FIELDS)[number]>;

/** A new campaign's values from checked input; no sender given means the Society's default one. */
export function draftValues(input: CreateCampaignInput, defaultFrom: string): DraftValues {
  return {
    name: input.name,
    topic: input.topic,
    channel: input.channel,
    subject: input.subject,
    template: input.template ?? null,
    mjml: input.mjml ?? null,
    defaultLanguage: input.defaultLanguage,
    variants: input.variants,
    segment: input.segment,
    fromAddress: input.fromAddress ?? defaultFrom,
    replyTo: input.replyTo ?? null,
    rateLimit: input.rateLimit ?? null,
    contractId: input.contractId ?? null,
  };
}

// Callers may pass a whole campaign (the stored one with changes over it); only draft columns are written.
const editable = (draft: DraftValues) =>
  Object.fromEntries(DRAFT_FIELDS.map((field) => [field, draft[field]])) as DraftValues;

/** Inserts a draft, audited as created by `actor`. */
export async function createCampaign(tx: Tx, draft: DraftValues, actor: string): Promise<{ id: number }> {
  const [row] = await tx
    .insert(campaigns)
    .values({ ...editable(draft), createdBy: actor })
    .returning({ id: campaigns.id });
  await recordAudit(tx, { actor, action: 'campaign.create', target: `campaign:${row!.id}` });
  return { id: row!.id };
}

export type UpdateDraftOutcome = { type: 'updated' } | { type: 'not-editable' };

/**
 * Replaces a draft's values, audited. The write itself is guarded on the
 * draft state, so a campaign scheduled meanwhile is left alone and reported
 * as not editable (nothing written, nothing audited).
 */
export async function updateDraft(
  tx: Tx,
  id: number,
  merged: DraftValues,
  actor: string,
): Promise<UpdateDraftOutcome> {
  const result = await tx
    .update(campaigns)
    .set({ ...editable(merged), updatedAt: new Date() })
    .where(sql`${campaigns.id} = ${id} and ${campaigns.state} = 'draft'`)
    .returning({ id: campaigns.id });
  if (result.length === 0) return { type: 'not-editable' };
  await recordAudit(tx, { actor, action: 'campaign.update', target: `campaign:${id}` });
  return { type: 'updated' };
}
