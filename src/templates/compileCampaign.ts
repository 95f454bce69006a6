import { randomBytes } from 'node:crypto';
import mjml2html from 'mjml';
import { EMAILS_DIR } from './emailsDir.ts';
import { footerMarks, footerMjml, nameFallback } from './footer.ts';
import { htmlToText } from './htmlToText.ts';
import { CONSTANTS, escapeHtml, lineAt, SLOTS, unknownPlaceholders } from './placeholders.ts';
import { PLACEHOLDER, splitAtPlaceholders } from './split.ts';
import type { CompileInput, CompileResult, MjmlIssue } from './types.ts';

const KNOWN = [...SLOTS, ...CONSTANTS];
const LANGUAGE = /^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i;

/**
 * Compiles a campaign's MJML once: checks placeholders, adds the mandatory
 * footer before `</mj-body>`, validates strictly, converts to text, and
 * splits both parts for the per-recipient join. Bad content is an error
 * value naming lines, never a throw.
 */
export async function compileCampaign(input: CompileInput): Promise<CompileResult> {
  const language = input.language && LANGUAGE.test(input.language) ? input.language : 'en';
  const unknown = unknownPlaceholders(input.mjml, KNOWN);
  if (unknown.length > 0) return { ok: false, type: 'unknown-placeholder', errors: unknown };

  const includes = badIncludes(input.mjml);
  if (includes.length > 0) return { ok: false, type: 'invalid-mjml', errors: includes };

  const document = withFooter(input.mjml, language, footerMjml(language, input.topicLabel, input.footer));
  if (typeof document !== 'string') return { ok: false, type: 'invalid-mjml', errors: [document] };

  const compiled = await toHtml(document);
  if (!compiled.ok) return { ok: false, type: 'invalid-mjml', errors: compiled.errors };
  const html = compiled.html;
  // Partials pulled in by mj-include were not in the content checked above.
  const late = unknownPlaceholders(html, KNOWN);
  if (late.length > 0) return { ok: false, type: 'unknown-placeholder', errors: late };

  // html-to-text decodes entities, so an escaped "&#123;&#123;name&#125;&#125;" in
  // the content would come out as a live {{name}}. The real placeholders go
  // through the conversion as one-off tokens no content can spell.
  const nonce = `ph${randomBytes(8).toString('hex')}`;
  const token = (name: string) => `${nonce}${name}${nonce}`;
  const text = htmlToText(html.replace(PLACEHOLDER, (_, name: string) => token(name)));

  const visibleHtml = html.replace(/<!--[\s\S]*?-->/g, '').replace(/<!--[\s\S]*$/, '');
  const marks = footerMarks(input.footer, token);
  const flatText = flatten(text);
  if (
    !marks.html.every((m) => visibleHtml.includes(m)) ||
    !marks.text.every((m) => flatText.includes(flatten(m)))
  ) {
    return {
      ok: false,
      type: 'footer-hidden',
      message: 'The content hides the mandatory footer (an unclosed comment or raw HTML before </mj-body>?)',
    };
  }

  const societyName = input.footer.societyName;
  return {
    ok: true,
    template: {
      language,
      html: splitAtPlaceholders(html, { society_name: escapeHtml(societyName) }),
      text: splitAtPlaceholders(
        text,
        { society_name: societyName },
        new RegExp(`${nonce}([a-z_]+)${nonce}`, 'g'),
      ),
      nameFallback: nameFallback(language),
    },
  };
}

/** Whitespace runs as one space: the text part is word-wrapped. */
const flatten = (s: string) => s.replace(/\s+/g, ' ');

/**
 * The content as a full document with the footer inserted before its last
 * `</mj-body>` and `lang` set. Edits stay on existing lines, so mjml's line
 * numbers still point into the content as written.
 */
function withFooter(content: string, language: string, footer: string): string | MjmlIssue {
  const bodyEnd = content.lastIndexOf('</mj-body>');
  if (bodyEnd === -1) {
    return { line: 1, message: 'The content has no <mj-body>…</mj-body>', tagName: 'mj-body' };
  }
  let doc = `${content.slice(0, bodyEnd)}${footer}${content.slice(bodyEnd)}`;
  const root = /<mjml(\s[^>]*)?>/.exec(doc);
  if (!root) return `<mjml lang="${language}">${doc}</mjml>`;
  const attributes = (root[1] ?? '').replace(/\slang\s*=\s*("[^"]*"|'[^']*')/, '');
  doc = `${doc.slice(0, root.index)}<mjml${attributes} lang="${language}">${doc.slice(root.index + root[0].length)}`;
  return doc;
}

const INCLUDE = /<mj-include\b[^>]*>/g;
const PARTIAL_PATH = /\spath\s*=\s*"(?:\.\/)?[a-z0-9-]+(?:\/[a-z0-9-]+)*\.mjml"/;

/**
 * mjml itself refuses includes from outside emails/, but silently; content
 * may include only MJML partials from there, and hears why otherwise.
 */
function badIncludes(content: string): MjmlIssue[] {
  return [...content.matchAll(INCLUDE)]
    .filter((m) => !PARTIAL_PATH.test(m[0]))
    .map((m) => ({
      line: lineAt(content, m.index),
      message: 'mj-include may only name an .mjml partial inside emails/, such as "./partials/head.mjml"',
      tagName: 'mj-include',
    }));
}

type HtmlResult = { ok: true; html: string } | { ok: false; errors: MjmlIssue[] };

async function toHtml(document: string): Promise<HtmlResult> {
  try {
    const result = await mjml2html(document, {
      validationLevel: 'strict',
      keepComments: false,
      // Partials in emails/ only: mjml denies includes outside includePath.
      ignoreIncludes: false,
      // No web fonts: loading one from a font host would tell it who opened the message.
      fonts: {},
      filePath: EMAILS_DIR,
      includePath: EMAILS_DIR,
      mjmlConfigPath: EMAILS_DIR,
    });
    if (result.errors.length > 0) return { ok: false, errors: result.errors.map(issue) };
    return { ok: true, html: result.html };
  } catch (error) {
    // Strict validation throws a ValidationError carrying the issues.
    const issues = (error as { errors?: unknown }).errors;
    if (Array.isArray(issues)) return { ok: false, errors: issues.map(issue) };
    // mjml threw on input it could not take at all: still the content's fault.
    const message = String((error as Error).message).replaceAll(EMAILS_DIR, 'emails');
    return { ok: false, errors: [{ line: 0, message, tagName: 'mjml' }] };
  }
}

function issue(e: { line?: unknown; message?: unknown; tagName?: unknown }): MjmlIssue {
  return {
    line: typeof e.line === 'number' ? e.line : 0,
    message: String(e.message ?? 'invalid MJML'),
    tagName: String(e.tagName ?? ''),
  };
}
