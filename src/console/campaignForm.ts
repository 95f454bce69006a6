import type { z } from '@hono/zod-openapi';
import type { ContentProblem } from '../campaigns/campaignContent.ts';
import { type CreateCampaignInput, createCampaignInput } from '../campaigns/campaignInput.ts';
import type { Campaign } from '../campaigns/campaignStore.ts';
import { type ContractChoice, contractProblem } from '../subcontractors/contractChoices.ts';
import { EMPTY_SEGMENT_FORM, formOfSegment, type SegmentForm, segmentFromForm } from './segmentForm.ts';

/**
 * The console's campaign form, field by field as posted, and its translation
 * into the campaign API's input. Pure: the same schema as the API decides,
 * and every problem comes back under the name of the form field at fault so
 * the page can point at it.
 *
 * Glossary
 * - source: where the content comes from, a template in emails/ or MJML
 *   written in the form.
 * - variant: a translation, for members whose language it is: its own subject
 *   and/or MJML (the main subject or content stands in for what it leaves out).
 */
export interface VariantForm {
  language: string;
  subject: string;
  mjml: string;
}

export interface CampaignForm extends SegmentForm {
  name: string;
  topic: string;
  channel: string;
  subject: string;
  source: 'template' | 'mjml';
  template: string;
  mjml: string;
  defaultLanguage: string;
  variants: VariantForm[];
  fromAddress: string;
  replyTo: string;
  /** Messages per second as typed; empty: as fast as the global rate allows. */
  rateLimit: string;
  /** A contract id as posted; empty: the usual contract for the channel. */
  contractId: string;
}

/** How many translations the form carries at most (each save offers one more empty row). */
export const MAX_VARIANTS = 8;

/** The form name of one part of translation `index`: variant0Language, variant2Mjml… */
export const variantField = (index: number, part: 'language' | 'subject' | 'mjml') =>
  `variant${index}${part.charAt(0).toUpperCase()}${part.slice(1)}`;

export const EMPTY_CAMPAIGN_FORM: CampaignForm = {
  name: '',
  topic: 'society-news',
  channel: 'email',
  subject: '',
  source: 'template',
  template: 'society-mailing',
  mjml: '',
  defaultLanguage: 'en',
  variants: [],
  fromAddress: '',
  replyTo: '',
  rateLimit: '',
  contractId: '',
  ...EMPTY_SEGMENT_FORM,
};

/** A stored campaign as the form shows it. */
export function formOfCampaign(c: Campaign): CampaignForm {
  return {
    name: c.name,
    topic: c.topic,
    channel: c.channel,
    subject: c.subject,
    source: c.mjml !== null ? 'mjml' : 'template',
    template: c.template ?? '',
    mjml: c.mjml ?? '',
    defaultLanguage: c.defaultLanguage,
    variants: Object.entries(c.variants).map(([language, v]) => ({
      language,
      subject: v.subject ?? '',
      mjml: v.mjml ?? '',
    })),
    fromAddress: c.fromAddress,
    replyTo: c.replyTo ?? '',
    rateLimit: c.rateLimit === null ? '' : String(c.rateLimit),
    contractId: c.contractId === null ? '' : String(c.contractId),
    ...formOfSegment(c.segment),
  };
}

export type FormInput =
  | { type: 'ok'; input: CreateCampaignInput }
  | { type: 'invalid'; errors: Record<string, string> };

const LANGUAGE = /^[a-z]{2,3}$/;
const blank = (v: VariantForm) => !v.language.trim() && !v.subject.trim() && !v.mjml.trim();

/** Zod's wording where a person would say it more simply. */
function plain(issue: z.core.$ZodIssue): string {
  if (issue.code === 'too_small' && issue.origin === 'string' && issue.minimum === 1) return 'required';
  if (issue.code === 'invalid_value') return 'choose one from the list';
  return issue.message;
}

/**
 * The form as API input, checked as the API checks it, plus what only the
 * form can get wrong (a rate that is not a number, a contract not in force
 * or for the other channel, a translation row half filled).
 */
export function inputFromForm(form: CampaignForm, contracts: readonly ContractChoice[]): FormInput {
  const errors: Record<string, string> = {};
  const segment = segmentFromForm(form);
  if (segment.type === 'invalid') Object.assign(errors, segment.errors);

  const mainLanguage = form.defaultLanguage || 'en';
  const variants: Record<string, { subject?: string; mjml?: string }> = {};
  const rowOf = new Map<string, number>();
  form.variants.forEach((v, i) => {
    if (blank(v)) return;
    const language = v.language.trim().toLowerCase();
    if (!LANGUAGE.test(language)) {
      errors[variantField(i, 'language')] = 'a two- or three-letter language code, such as fr';
    } else if (language === mainLanguage) {
      errors[variantField(i, 'language')] = 'the main content is already in this language';
    } else if (rowOf.has(language)) {
      errors[variantField(i, 'language')] = 'this language has a translation above';
    } else if (!v.subject.trim() && !v.mjml.trim()) {
      errors[variantField(i, 'subject')] = 'give a subject or MJML for this language, or empty the row';
    } else {
      rowOf.set(language, i);
      variants[language] = {
        ...(v.subject.trim() ? { subject: v.subject.trim() } : {}),
        ...(v.mjml.trim() ? { mjml: v.mjml } : {}),
      };
    }
  });

  let rateLimit: number | undefined;
  if (form.rateLimit.trim()) {
    rateLimit = Number(form.rateLimit.trim().replace(',', '.'));
    if (!Number.isFinite(rateLimit) || rateLimit <= 0 || rateLimit > 10_000) {
      errors.rateLimit = 'a number of messages per second above 0 and at most 10000, such as 10';
    }
  }

  let contractId: number | undefined;
  if (form.contractId.trim()) {
    contractId = Number(form.contractId);
    const problem = Number.isInteger(contractId)
      ? contractProblem(contracts, contractId, form.channel || 'email')
      : 'choose one of the contracts in force listed here';
    if (problem) errors.contractId = problem;
  }

  const fromMjml = form.source === 'mjml';
  if (fromMjml && !form.mjml.trim()) errors.mjml = 'write the MJML of the message, or choose a template';

  const parsed = createCampaignInput.safeParse({
    name: form.name,
    topic: form.topic,
    channel: form.channel || 'email',
    subject: form.subject,
    ...(fromMjml ? { mjml: form.mjml } : { template: form.template }),
    defaultLanguage: mainLanguage,
    variants,
    segment: segment.type === 'ok' ? segment.segment : { all: [] },
    ...(form.fromAddress ? { fromAddress: form.fromAddress } : {}),
    ...(form.replyTo ? { replyTo: form.replyTo } : {}),
    ...(rateLimit !== undefined && !errors.rateLimit ? { rateLimit } : {}),
    ...(contractId !== undefined && !errors.contractId ? { contractId } : {}),
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [first, language, part] = issue.path.map(String);
      const row = first === 'variants' && language ? rowOf.get(language) : undefined;
      const key =
        row !== undefined ? variantField(row, part === 'mjml' ? 'mjml' : 'subject') : (first ?? '_');
      errors[key] ??= plain(issue);
    }
  }
  if (!parsed.success || Object.keys(errors).length > 0) return { type: 'invalid', errors };
  return { type: 'ok', input: parsed.data };
}

/**
 * The form field a content problem belongs to, so an MJML error shows beside
 * the MJML that has it, with its line.
 */
export function contentErrors(
  form: CampaignForm,
  problems: readonly ContentProblem[],
): Record<string, string> {
  const errors: Record<string, string> = {};
  const add = (key: string, message: string) => {
    errors[key] = errors[key] ? `${errors[key]}; ${message}` : message;
  };
  for (const p of problems) {
    const message = p.line ? `line ${p.line}: ${p.message}` : p.message;
    const row =
      p.variant === 'default'
        ? -1
        : form.variants.findIndex((v) => v.language.trim().toLowerCase() === p.variant);
    if (row >= 0 && p.field === 'subject') add(variantField(row, 'subject'), message);
    else if (row >= 0 && p.field === 'mjml' && form.variants[row]!.mjml.trim()) {
      add(variantField(row, 'mjml'), message);
    } else if (p.field === 'subject') add('subject', message);
    else add(form.source === 'mjml' ? 'mjml' : 'template', message);
  }
  return errors;
}
