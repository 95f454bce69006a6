/**
 * Signed tokens for unsubscribe and preference links.
 *
 * Glossary:
 * - recipient token: the opaque random string that names one recipient of one
 *   campaign; the database maps it back to the member. It is the only handle on
 *   the member a link carries: no address, no member id.
 * - kid: the id of the signing key, so keys can rotate. The first key signs;
 *   every listed key verifies, so links in mail sent before a rotation keep
 *   working for as long as the old key stays listed.
 *
 * A token reads `<kid>.<header>.<recipientToken>.<mac>`, all URL-safe:
 * - header: 12 bytes, base64url (16 chars): version (1), topic index (1),
 *   issued-at in unix seconds (5, big-endian), campaign id (5, big-endian);
 * - mac: HMAC-SHA256 over a context label and `<kid>.<header>.<recipientToken>`,
 *   truncated to 128 bits (22 chars), as RFC 4868 does, to keep links short: a
 *   forger still needs about 2^128 guesses, each one an HTTP request.
 *
 * With a 22-character recipient token a token is about 70 characters; with a
 * 64-character recipient token and a 12-character kid (both maxima), 117.
 *
 * There is no expiry: an unsubscribe link must work however old the mail is.
 * Callers that want one (a preference page, say) read `issuedAt`.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { TOPICS, type Topic } from '../consent/vocabulary.ts';

/** One signing key. `secret` is at least 32 bytes. */
export type SigningKey = { kid: string; secret: Buffer };
/** Newest first: the first key signs, all of them verify. */
export type SigningKeys = readonly SigningKey[];

const VERSION = 1;
const HEADER_BYTES = 12;
const MAC_BYTES = 16;
const MIN_SECRET_BYTES = 32;
const MAX_UINT40 = 2 ** 40 - 1;
/** Domain separation, so a key shared by mistake with another HMAC use cannot mint link tokens. */
const CONTEXT = 'society-mailer/link-token/v1\n';

const kidPattern = /^[A-Za-z0-9_-]{1,12}$/;
const recipientTokenPattern = /^[A-Za-z0-9_-]{1,64}$/;
const tokenPattern =
  /^([A-Za-z0-9_-]{1,12})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{22})$/;

export const linkTokenPayloadSchema = z.object({
  /** Opaque random string naming one recipient of one campaign. */
  recipientToken: z.string().regex(recipientTokenPattern, '1 to 64 characters of [A-Za-z0-9_-]'),
  topic: z.enum(TOPICS),
  campaignId: z.number().int().positive().max(MAX_UINT40),
  /** Unix seconds. */
  issuedAt: z.number().int().nonnegative().max(MAX_UINT40),
});

export type LinkTokenPayload = { recipientToken: string; topic: Topic; campaignId: number; issuedAt: number };

export type LinkTokenResult =
  | { ok: true; payload: LinkTokenPayload; kid: string }
  | { ok: false; reason: 'malformed' | 'unknown-key' | 'bad-signature' };

/**
 * Signs with the first (current) key. Throws on an invalid payload or an empty
 * key list: both are bugs in the caller, not bad input from outside.
 */
export function signLinkToken(payload: LinkTokenPayload, keys: SigningKeys): string {
  const key = keys[0];
  if (!key) throw new Error('signLinkToken: no signing key configured');
  if (!kidPattern.test(key.kid))
    throw new Error('signLinkToken: key id must be 1 to 12 characters of [A-Za-z0-9_-]');
  const parsed = linkTokenPayloadSchema.safeParse(payload);
  if (!parsed.success) {
    throw new Error(`signLinkToken: invalid payload (${parsed.error.issues.map(describeIssue).join('; ')})`);
  }
  const p = parsed.data;
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt8(VERSION, 0);
  header.writeUInt8(TOPICS.indexOf(p.topic), 1);
  header.writeUIntBE(p.issuedAt, 2, 5);
  header.writeUIntBE(p.campaignId, 7, 5);
  const signed = `${key.kid}.${header.toString('base64url')}.${p.recipientToken}`;
  return `${signed}.${mac(key.secret, signed)}`;
}

/**
 * Checks a token against every listed key. Never throws: anything that is not
 * a token we signed comes back as `{ ok: false, reason }`.
 */
export function verifyLinkToken(token: string, keys: SigningKeys): LinkTokenResult {
  const match = typeof token === 'string' ? tokenPattern.exec(token) : null;
  if (!match) return { ok: false, reason: 'malformed' };
  const [, kid, headerText, recipientToken, givenMac] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];

  const key = keys.find((k) => k.kid === kid);
  if (!key) return { ok: false, reason: 'unknown-key' };

  // Compare the encoded MACs, not decoded bytes: base64url decoding ignores the
  // spare low bits of the last character, so two different strings could
  // otherwise decode to the same MAC.
  const expected = Buffer.from(mac(key.secret, `${kid}.${headerText}.${recipientToken}`));
  if (!timingSafeEqual(expected, Buffer.from(givenMac))) return { ok: false, reason: 'bad-signature' };

  // Only now is the header ours; decoding still checks it, so a future version
  // signed with the same key is refused rather than misread.
  const header = Buffer.from(headerText, 'base64url');
  if (header.length !== HEADER_BYTES || header.readUInt8(0) !== VERSION)
    return { ok: false, reason: 'malformed' };
  const topic = TOPICS[header.readUInt8(1)];
  if (topic === undefined) return { ok: false, reason: 'malformed' };
  const payload = {
    recipientToken,
    topic,
    issuedAt: header.readUIntBE(2, 5),
    campaignId: header.readUIntBE(7, 5),
  };
  if (payload.campaignId === 0) return { ok: false, reason: 'malformed' };
  return { ok: true, payload, kid };
}

/**
 * Parses `LINK_SIGNING_KEYS` entries, `"kid:base64secret"`, newest first.
 * Throws one Error naming every bad entry by position and kid (never the
 * secret), so an operator fixes them in one go.
 */
export function parseSigningKeys(list: readonly string[]): SigningKey[] {
  const problems: string[] = [];
  const keys: SigningKey[] = [];
  if (list.length === 0) problems.push('no signing key given');
  list.forEach((entry, i) => {
    const at = `entry ${i + 1}`;
    const colon = entry.indexOf(':');
    if (colon < 0) {
      problems.push(`${at}: expected "kid:base64secret"`);
      return;
    }
    const kid = entry.slice(0, colon).trim();
    const secretText = entry.slice(colon + 1).trim();
    if (!kidPattern.test(kid)) {
      problems.push(`${at}: key id must be 1 to 12 characters of [A-Za-z0-9_-]`);
      return;
    }
    if (keys.some((k) => k.kid === kid)) {
      problems.push(`${at}: key id "${kid}" is listed twice`);
      return;
    }
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(secretText)) {
      problems.push(`${at} (kid "${kid}"): secret is not base64`);
      return;
    }
    const secret = Buffer.from(secretText, 'base64');
    if (secret.length < MIN_SECRET_BYTES) {
      problems.push(
        `${at} (kid "${kid}"): secret is ${secret.length} bytes, at least ${MIN_SECRET_BYTES} are needed ` +
          '(generate one with: openssl rand -base64 32)',
      );
      return;
    }
    keys.push({ kid, secret });
  });
  if (problems.length > 0)
    throw new Error(`Invalid link signing keys:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return keys;
}

/** A new `"kid:base64secret"` entry with a 32-byte random secret. */
export function generateSigningKey(kid: string): string {
  if (!kidPattern.test(kid))
    throw new Error('generateSigningKey: key id must be 1 to 12 characters of [A-Za-z0-9_-]');
  return `${kid}:${randomBytes(MIN_SECRET_BYTES).toString('base64')}`;
}

function mac(secret: Buffer, signed: string): string {
  return createHmac('sha256', secret)
    .update(CONTEXT)
    .update(signed)
    .digest()
    .subarray(0, MAC_BYTES)
    .toString('base64url');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  return `${issue.path.join('.') || 'payload'}: ${issue.message}`;
}
