/**
 * What a subcontractor's adapter is given for one message: a projection of the
 * recipient holding only the fields the contract permits, already rendered.
 * Never a member row, a member id or anything else from the database — adapters
 * cannot import `src/db` at all, so whatever they could leak is exactly this.
 */

/** A mail header or a tag: a name and a value, both single-line. */
export interface NameValue {
  name: string;
  value: string;
}

/** One email to one recipient. */
export interface EmailEnvelope {
  /** The one recipient: a bare address, no display name, never a list. */
  to: string;
  /** The sender, as verified with the subcontractor (may carry a display name). */
  from: string;
  replyTo?: string;
  subject: string;
  html: string;
  /** Always present: the text part of every mailing. */
  text: string;
  /** Extra headers chosen by the caller: List-Unsubscribe, List-Unsubscribe-Post, List-Id. */
  headers: NameValue[];
  /** Subcontractor-side labels for feedback events (campaign, topic); never member data. */
  tags: NameValue[];
}

/** One outbound message of any channel; only email exists so far. */
export type Envelope = EmailEnvelope;

/** A reason why an envelope must not be sent as it stands, or null if it may be. */
export function envelopeProblem(envelope: EmailEnvelope): string | null {
  if (!BARE_ADDRESS.test(envelope.to)) return 'to must be exactly one bare address';
  if (hasLineBreak(envelope.from)) return 'from contains CR or LF';
  if (envelope.replyTo !== undefined && hasLineBreak(envelope.replyTo)) return 'replyTo contains CR or LF';
  if (hasLineBreak(envelope.subject)) return 'subject contains CR or LF';
  for (const { name, value } of envelope.headers) {
    // A line break in a header would let the rest of the value become new headers or a body.
    if (!HEADER_NAME.test(name)) return 'a header name is not a valid field name';
    if (hasLineBreak(value)) return `header ${name} contains CR or LF`;
  }
  for (const { name, value } of envelope.tags) {
    if (hasLineBreak(name) || hasLineBreak(value))
      return `tag ${name.replace(/[\r\n]/g, ' ')} contains CR or LF`;
  }
  return null;
}

function hasLineBreak(value: string): boolean {
  return /[\r\n]/.test(value);
}

/** RFC 5322 field name: printable ASCII except colon and space. */
const HEADER_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
/** One address: no whitespace, separators, brackets or quotes, exactly one `@`. */
const BARE_ADDRESS = /^[^\s@,;<>"()]+@[^\s@,;<>"()]+$/;
