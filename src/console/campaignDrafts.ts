import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { recordAudit } from '../audit/recordAudit.ts';
import { type CampaignContent, compiledFor, validateContent } from '../campaigns/campaignContent.ts';
import { type Campaign, findCampaign } from '../campaigns/campaignStore.ts';
import { EDITABLE } from '../campaigns/lifecycle.ts';
import { createCampaign, draftValues, updateDraft } from '../campaigns/writeDraft.ts';
import { campaigns } from '../db/schema.ts';
import { composeEmail } from '../delivery/composeEmail.ts';
import type { Deps } from '../deps.ts';
import type { StaffPrincipal } from '../staff/staffUsers.ts';
import { type ContractChoice, liveContracts } from '../subcontractors/contractChoices.ts';
import type { SesAdapter } from '../subcontractors/sesAdapter.ts';
import type { CompileCache } from '../templates/index.ts';
import { recipientLinks } from '../unsubscribe/links.ts';
import { type CampaignForm, contentErrors, type FormInput, inputFromForm } from './campaignForm.ts';
import { EMPTY_SEGMENT_FORM } from './segmentForm.ts';

/**
 * Drafting a campaign from the console form: the same validation as the
 * campaign API (the input schema, then strict MJML compilation of every
 * language), with problems returned by form field rather than as JSON.
 */
export type SaveOutcome =
  | { type: 'saved'; id: number }
  | { type: 'invalid'; errors: Record<string, string> }
  | { type: 'not-found' }
  | { type: 'not-editable'; state: string };

const footerOf = (deps: Pick<Deps, 'config'>) => ({
  societyName: deps.config.SOCIETY_NAME,
  postalAddress: deps.config.SOCIETY_POSTAL_ADDRESS,
});

/** The form checked field by field, then its content compiled as sending will compile it. */
async function checkedInput(
  deps: Pick<Deps, 'config'>,
  form: CampaignForm,
  contracts: readonly ContractChoice[],
): Promise<FormInput> {
  const parsed = inputFromForm(form, contracts);
  if (parsed.type === 'invalid') return parsed;
  const { input } = parsed;
  const content = { ...input, template: input.template ?? null, mjml: input.mjml ?? null };
  const errors = contentErrors(form, await validateContent(content, footerOf(deps)));
  return Object.keys(errors).length > 0 ? { type: 'invalid', errors } : parsed;
}

export async function saveDraft(
  deps: Pick<Deps, 'db' | 'config' | 'clock'>,
  id: number | null,
  form: CampaignForm,
  actor: string,
): Promise<SaveOutcome> {
  const contracts = await liveContracts(deps.db, deps.clock.now());
  const checked = await checkedInput(deps, form, contracts);
  if (checked.type === 'invalid') return checked;
  const values = draftValues(checked.input, deps.config.DEFAULT_FROM);
  return deps.db.transaction(async (tx): Promise<SaveOutcome> => {
    if (id === null) return { type: 'saved', ...(await createCampaign(tx, values, actor)) };
    const existing = await findCampaign(tx, id, { lock: true });
    if (!existing) return { type: 'not-found' };
    if (!EDITABLE.includes(existing.state)) return { type: 'not-editable', state: existing.state };
    const updated = await updateDraft(tx, id, values, actor);
    return updated.type === 'updated'
      ? { type: 'saved', id }
      : { type: 'not-editable', state: existing.state };
  });
}

export type Preview = { subject: string; html: string; text: string };

/**
 * The message the form would make, before anything is saved: only the
 * content is checked (a name, an audience or a contract are not needed to
 * see it). Problems come back by field, as for saving.
 */
export async function previewForm(
  deps: Pick<Deps, 'config'>,
  form: CampaignForm,
  cache: CompileCache,
  language = '',
): Promise<{ type: 'ok'; preview: Preview } | { type: 'invalid'; errors: Record<string, string> }> {
  const contentOnly: CampaignForm = {
    ...form,
    ...EMPTY_SEGMENT_FORM,
    name: form.name || 'Preview',
    fromAddress: '',
    replyTo: '',
    rateLimit: '',
    contractId: '',
  };
  const checked = await checkedInput(deps, contentOnly, []);
  if (checked.type === 'invalid') return checked;
  const { input } = checked;
  const campaign = {
    ...input,
    id: 0,
    template: input.template ?? null,
    mjml: input.mjml ?? null,
    fromAddress: deps.config.DEFAULT_FROM,
    replyTo: null,
  };
  // A language without a translation gets the main content, as such a member would.
  const reader = /^[a-z]{2,3}$/.test(language) ? language : input.defaultLanguage;
  return { type: 'ok', preview: await previewCampaign(deps, campaign, cache, reader) };
}

/** Deletes a draft; anything past draft stays (it has a history). */
export async function deleteDraft(deps: Pick<Deps, 'db'>, id: number, actor: string) {
  return deps.db.transaction(async (tx) => {
    const campaign = await findCampaign(tx, id, { lock: true });
    if (!campaign) return { type: 'not-found' } as const;
    if (campaign.state !== 'draft') return { type: 'not-editable', state: campaign.state } as const;
    await tx.delete(campaigns).where(eq(campaigns.id, id));
    await recordAudit(tx, { actor, action: 'campaign.delete', target: `campaign:${id}` });
    return { type: 'deleted' } as const;
  });
}

/** The message as a sample member would get it: subject, HTML and text. */
export async function previewCampaign(
  deps: Pick<Deps, 'config'>,
  campaign: CampaignContent & { id: number; fromAddress: string; replyTo: string | null },
  cache: CompileCache,
  language = campaign.defaultLanguage,
): Promise<Preview> {
  // A negative id keeps preview compilations apart from the sending cache's.
  const compiled = await compiledFor({ ...campaign, id: -campaign.id }, language, footerOf(deps), cache);
  const envelope = composeEmail({
    campaign,
    recipient: { name: 'Ada Lovelace', email: 'member@example.org' },
    compiled,
    links: {
      unsubscribeUrl: `${deps.config.PUBLIC_URL}/u/preview`,
      preferencesUrl: `${deps.config.PUBLIC_URL}/p/preview`,
      mailto: `mailto:unsubscribe@${deps.config.MAIL_DOMAIN}`,
    },
    mailDomain: deps.config.MAIL_DOMAIN,
  });
  return { subject: envelope.subject, html: envelope.html, text: envelope.text };
}

/**
 * Sends a test of the campaign to the signed-in staff member's own address
 * (never to anyone else), subject marked [TEST], with working links.
 */
export async function sendTestToSelf(
  deps: Pick<Deps, 'db' | 'config' | 'linkKeys' | 'clock'>,
  campaign: Campaign,
  staff: StaffPrincipal,
  sender: SesAdapter,
  cache: CompileCache,
): Promise<{ type: 'sent' } | { type: 'failed'; message: string }> {
  const footer = footerOf(deps);
  const compiled = await compiledFor(
    { ...campaign, id: -campaign.id },
    campaign.defaultLanguage,
    footer,
    cache,
  );
  const links = recipientLinks(
    { publicUrl: deps.config.PUBLIC_URL, mailDomain: deps.config.MAIL_DOMAIN, keys: deps.linkKeys },
    {
      recipientToken: `test${randomBytes(12).toString('hex')}`,
      topic: campaign.topic,
      campaignId: campaign.id,
      issuedAt: Math.floor(deps.clock.now().getTime() / 1000),
    },
  );
  const envelope = composeEmail({
    campaign,
    recipient: { name: staff.name, email: staff.email },
    compiled: { ...compiled, subject: `[TEST] ${compiled.subject}` },
    links,
    mailDomain: deps.config.MAIL_DOMAIN,
  });
  const outcome = await sender.send(envelope);
  if (outcome.type !== 'sent') {
    return {
      type: 'failed',
      message: `The email service did not accept the test (${outcome.type}). Try again in a minute.`,
    };
  }
  await deps.db.transaction((tx) =>
    recordAudit(tx, {
      actor: `staff:${staff.id}`,
      action: 'campaign.test-send',
      target: `campaign:${campaign.id}`,
      details: { recipients: 1 },
    }),
  );
  return { type: 'sent' };
}
