/**
 * Campaign email templates.
 *
 * Glossary
 * - content: the MJML a campaign carries (a file in `emails/` or staff-written),
 *   a full `<mjml>` document or just its `<mj-body>`.
 * - mandatory footer: why the member gets the message, a one-click unsubscribe
 *   link, a preferences link and the Society's postal address. The system adds
 *   it to every message; no content can leave it out.
 * - placeholder: `{{name}}` and friends, filled per recipient after compiling.
 * - compiled template: the HTML and text of one campaign (one language
 *   variant), split once into literal parts and placeholder slots so that
 *   rendering for a recipient is a plain join.
 */

/** One problem in an MJML document, as mjml's strict validation reports it. */
export interface MjmlIssue {
  /** 1-based line in the content; 0 when mjml could not tell. */
  line: number;
  message: string;
  tagName: string;
}

/** A placeholder the system does not know, with where it stands. */
export interface PlaceholderIssue {
  line: number;
  placeholder: string;
  message: string;
}

export type TemplateError =
  | { type: 'invalid-mjml'; errors: MjmlIssue[] }
  | { type: 'unknown-placeholder'; errors: PlaceholderIssue[] }
  /** The content compiles but hides the mandatory footer (say, with an unclosed comment). */
  | { type: 'footer-hidden'; message: string };

/** Who sends and where from: comes from config (SOCIETY_NAME, SOCIETY_POSTAL_ADDRESS). */
export interface FooterSettings {
  societyName: string;
  /** May span lines; each line shows on its own line. */
  postalAddress: string;
}

export interface CompileInput {
  mjml: string;
  /** Language of the content: sets `<html lang>` and the footer wording. Default 'en'. */
  language?: string;
  /** The topic in the content's language, e.g. "Society news": "chose to receive <topic label> by email". */
  topicLabel: string;
  footer: FooterSettings;
}

/**
 * A compiled campaign email. `html` and `text` are literal parts around
 * placeholder slots: `parts.length === slots.length + 1`.
 */
export interface CompiledTemplate {
  readonly language: string;
  readonly html: SplitText;
  readonly text: SplitText;
  /** Used for `{{name}}` when a member has no name on file ("member", "membre"…). */
  readonly nameFallback: string;
}

export interface SplitText {
  readonly parts: readonly string[];
  /** Index into the per-recipient values, see `SLOTS`. */
  readonly slots: readonly number[];
}

export type CompileResult = { ok: true; template: CompiledTemplate } | ({ ok: false } & TemplateError);

/** What differs from one recipient to the next. */
export interface Recipient {
  /** Full name; blank uses the template's fallback ("member"). */
  name?: string | null;
  /** Default: the first word of `name`. */
  firstName?: string | null;
  /** Absolute http(s) URLs. */
  unsubscribeUrl: string;
  preferencesUrl: string;
}

export interface RenderedEmail {
  html: string;
  text: string;
}
