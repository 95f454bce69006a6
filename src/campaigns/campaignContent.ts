import { topicLabel } from '../consent/topicLabels.ts';
import type { Topic } from '../consent/vocabulary.ts';
import {
  type CompileCache,
  type CompiledTemplate,
  compileCampaign,
  loadTemplate,
  pickVariant,
  SUBJECT_SLOTS,
  type TemplateError,
  unknownPlaceholders,
} from '../templates/index.ts';

/** The parts of a campaign that decide what a message says. */
export interface CampaignContent {
  id?: number;
  topic: Topic;
  subject: string;
  template: string | null;
  mjml: string | null;
  defaultLanguage: string;
  variants: Record<string, { subject?: string; mjml?: string }>;
}

export interface ContentProblem {
  /** Which content: 'default' or a language code. */
  variant: string;
  field: 'template' | 'mjml' | 'subject';
  message: string;
  line?: number;
}

export interface Footer {
  societyName: string;
  postalAddress: string;
}

/** The MJML of the default content: the stored MJML, or the named template's file. */
async function defaultMjml(
  content: CampaignContent,
): Promise<{ ok: true; mjml: string } | { ok: false; message: string }> {
  if (content.mjml !== null) return { ok: true, mjml: content.mjml };
  const loaded = await loadTemplate(content.template ?? '');
  return loaded.ok
    ? { ok: true, mjml: loaded.mjml }
    : { ok: false, message: `no template named "${loaded.name}"` };
}

function describe(error: TemplateError): { message: string; line?: number }[] {
  if (error.type === 'footer-hidden') return [{ message: error.message }];
  return error.errors.map((e) => ({ message: e.message, line: e.line }));
}

/**
 * Checks every language variant the way sending will use it: strict MJML,
 * known placeholders, subject placeholders. Returns the problems (empty: fine).
 */
export async function validateContent(content: CampaignContent, footer: Footer): Promise<ContentProblem[]> {
  const problems: ContentProblem[] = [];
  const base = await defaultMjml(content);
  if (!base.ok) return [{ variant: 'default', field: 'template', message: base.message }];
  const languages = [content.defaultLanguage, ...Object.keys(content.variants)];
  for (const language of languages) {
    const variant = language === content.defaultLanguage ? 'default' : language;
    const own = content.variants[language];
    const subject = own?.subject ?? content.subject;
    for (const p of unknownPlaceholders(subject, SUBJECT_SLOTS)) {
      problems.push({ variant, field: 'subject', message: p.message });
    }
    const compiled = await compileCampaign({
      mjml: own?.mjml ?? base.mjml,
      language,
      topicLabel: topicLabel(content.topic, language),
      footer,
    });
    if (!compiled.ok) {
      const field = own?.mjml !== undefined || content.mjml !== null ? 'mjml' : 'template';
      for (const d of describe(compiled)) problems.push({ variant, field, ...d });
    }
  }
  return problems;
}

/** The compiled message for one language (compiled once per campaign and language, then cached). */
export async function compiledFor(
  content: CampaignContent & { id: number },
  language: string,
  footer: Footer,
  cache: CompileCache,
): Promise<{ template: CompiledTemplate; subject: string }> {
  const { language: lang, variant } = pickVariant(
    {
      defaultLanguage: content.defaultLanguage,
      default: {} as { subject?: string; mjml?: string },
      others: content.variants,
    },
    language,
  );
  const base = await defaultMjml(content);
  if (!base.ok) throw new Error(`campaign ${content.id}: ${base.message}`);
  const result = await cache.compile(`${content.id}:${lang}`, {
    mjml: variant.mjml ?? base.mjml,
    language: lang,
    topicLabel: topicLabel(content.topic, lang),
    footer,
  });
  if (!result.ok) throw new Error(`campaign ${content.id} (${lang}) no longer compiles: ${result.type}`);
  return { template: result.template, subject: variant.subject ?? content.subject };
}
