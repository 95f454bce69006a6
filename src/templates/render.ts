import { escapeHtml, type SUBJECT_SLOTS } from './placeholders.ts';
import { joinParts } from './split.ts';
import type { CompiledTemplate, Recipient, RenderedEmail } from './types.ts';

/**
 * The message for one recipient: a join of the compiled parts with the
 * recipient's values, HTML-escaped in the HTML part and as-is in the text.
 * A link that is not http(s) is a bug upstream, so it throws.
 */
export function renderFor(template: CompiledTemplate, recipient: Recipient): RenderedEmail {
  const name = recipient.name?.trim() || template.nameFallback;
  const firstName = recipient.firstName?.trim() || name.split(/\s/, 1)[0]!;
  const values = [name, firstName, httpUrl(recipient.unsubscribeUrl), httpUrl(recipient.preferencesUrl)];
  return {
    html: joinParts(template.html, values.map(escapeHtml)),
    text: joinParts(template.text, values),
  };
}

const SUBJECT_PLACEHOLDER = /\{\{\s*(name|first_name)\s*\}\}/g;

/**
 * A subject line for one recipient. Only SUBJECT_SLOTS are filled (check a
 * subject with `unknownPlaceholders(subject, SUBJECT_SLOTS)` when it is saved);
 * line breaks in a value become spaces, as a header cannot hold them.
 */
export function renderSubject(
  subject: string,
  values: { name?: string | null; firstName?: string | null; nameFallback?: string },
): string {
  const name = values.name?.trim() || values.nameFallback || 'member';
  const firstName = values.firstName?.trim() || name.split(/\s/, 1)[0]!;
  return subject
    .replace(SUBJECT_PLACEHOLDER, (_, slot: (typeof SUBJECT_SLOTS)[number]) =>
      slot === 'name' ? name : firstName,
    )
    .replace(/[\r\n\t]+/g, ' ');
}

function httpUrl(url: string): string {
  if (!url.startsWith('https://') && !url.startsWith('http://')) {
    throw new Error('A link in an email must be an absolute http(s) URL');
  }
  return url;
}
