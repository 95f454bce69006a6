/**
 * Verification of Amazon SNS HTTP(S) deliveries, done before anything else
 * reads the body.
 *
 * Glossary:
 * - envelope: the JSON document SNS POSTs; `Message` holds the payload (for us,
 *   an SES event as JSON text).
 * - string to sign: `Key\nValue\n` for a fixed, per-Type list of envelope
 *   fields in AWS's documented order; SNS signs it with the private key of the
 *   certificate at `SigningCertURL`.
 * - SignatureVersion: '1' is RSA-SHA1, '2' is RSA-SHA256.
 *
 * Order of checks, cheapest and least trusting first: parse the envelope, check
 * the certificate URL (so we never fetch from a host an attacker picked), check
 * the topic, fetch the certificate, verify the signature.
 *
 * Not checked: the age of `Timestamp` (replays are harmless because handling is
 * idempotent on `MessageId`), and the certificate's validity dates and chain
 * (trust comes from the https URL on an AWS host, as in AWS's own SDKs).
 */
import { createVerify, X509Certificate } from 'node:crypto';
import { z } from 'zod';

export { type CertificateFetcher, createCertificateFetcher } from './certificateFetcher.ts';
export { parseSesEvent, type SesEvent } from './sesEvent.ts';

/** The host AWS serves SNS signing certificates from, in every partition we know of. */
export const DEFAULT_SNS_CERT_HOST_PATTERN = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

export type SnsVerifyOptions = {
  /** Topic ARNs allowed to post to us. Empty: every message is refused. */
  topicArns: readonly string[];
  /** Fetches a certificate's PEM text; rejects when it cannot. See `createCertificateFetcher`. */
  fetchCertificate: (url: string) => Promise<string>;
  /** Host the certificate URL must have. Default `DEFAULT_SNS_CERT_HOST_PATTERN`. */
  certHostPattern?: RegExp | string;
  /**
   * Accept an `http:` certificate URL. Default false. Only for tests that serve
   * a throwaway certificate from loopback: set it from test configuration and
   * nowhere else. Every other check (host pattern, no userinfo, `.pem`, the
   * signature itself) still applies.
   */
  allowInsecureCertUrlForTests?: boolean;
};

const base = {
  MessageId: z.string().min(1),
  TopicArn: z.string().min(1),
  Message: z.string(),
  Timestamp: z.string().min(1),
  SignatureVersion: z.enum(['1', '2']),
  Signature: z.string().min(1),
  SigningCertURL: z.string().min(1),
};

export const snsEnvelopeSchema = z.discriminatedUnion('Type', [
  z.looseObject({
    ...base,
    Type: z.literal('Notification'),
    Subject: z.string().optional(),
    UnsubscribeURL: z.string().optional(),
  }),
  z.looseObject({
    ...base,
    Type: z.enum(['SubscriptionConfirmation', 'UnsubscribeConfirmation']),
    SubscribeURL: z.string().min(1),
    Token: z.string().min(1),
  }),
]);

export type SnsEnvelope = z.output<typeof snsEnvelopeSchema>;

export type SnsVerifyResult =
  | { ok: true; message: SnsEnvelope }
  | {
      ok: false;
      reason: 'malformed' | 'bad-cert-url' | 'unknown-topic' | 'bad-signature' | 'cert-unavailable';
    };

/**
 * Verifies one SNS delivery from its raw body. Never throws and never logs;
 * every refusal is a `reason` the caller maps to a 4xx (or, for
 * `cert-unavailable`, a 5xx so SNS retries).
 */
export async function verifySnsMessage(body: string, options: SnsVerifyOptions): Promise<SnsVerifyResult> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const parsed = snsEnvelopeSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  const message = parsed.data;

  if (!isTrustedCertUrl(message.SigningCertURL, options)) return { ok: false, reason: 'bad-cert-url' };
  if (!options.topicArns.includes(message.TopicArn)) return { ok: false, reason: 'unknown-topic' };

  let publicKey: X509Certificate['publicKey'];
  try {
    publicKey = new X509Certificate(await options.fetchCertificate(message.SigningCertURL)).publicKey;
  } catch {
    return { ok: false, reason: 'cert-unavailable' };
  }
  // SNS signs with RSA; any other key type cannot have made this signature.
  if (publicKey.asymmetricKeyType !== 'rsa') return { ok: false, reason: 'bad-signature' };

  const verifier = createVerify(message.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
  verifier.update(snsStringToSign(message), 'utf8');
  try {
    if (verifier.verify(publicKey, message.Signature, 'base64')) return { ok: true, message };
  } catch {
    // A key that cannot verify this algorithm is as bad as a wrong signature.
  }
  return { ok: false, reason: 'bad-signature' };
}

/**
 * The string SNS signs, per
 * https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html:
 * `Key\nValue\n` for each field in this order, `Subject` only when present.
 */
export function snsStringToSign(message: SnsEnvelope): string {
  const fields =
    message.Type === 'Notification'
      ? message.Subject === undefined
        ? (['Message', 'MessageId', 'Timestamp', 'TopicArn', 'Type'] as const)
        : (['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const)
      : (['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'] as const);
  const values = message as Record<string, unknown>;
  return fields.map((field) => `${field}\n${String(values[field])}\n`).join('');
}

/**
 * True when a certificate URL is one we are willing to fetch: https (http only
 * with `allowInsecureCertUrlForTests`), no user or password, a host matching
 * the pattern (a string pattern must match the whole host), a path ending in `.pem`,
 * no query or fragment.
 */
export function isTrustedCertUrl(
  text: string,
  options: Pick<SnsVerifyOptions, 'certHostPattern' | 'allowInsecureCertUrlForTests'> = {},
): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  const allowedProtocols = options.allowInsecureCertUrlForTests ? ['https:', 'http:'] : ['https:'];
  if (!allowedProtocols.includes(url.protocol)) return false;
  if (url.username !== '' || url.password !== '') return false;
  const pattern = options.certHostPattern ?? DEFAULT_SNS_CERT_HOST_PATTERN;
  // A pattern from configuration must match the whole host, anchored or not.
  const hostPattern = typeof pattern === 'string' ? new RegExp(`^(?:${pattern})$`) : pattern;
  if (url.hostname.search(hostPattern) === -1) return false;
  // AWS's certificate URLs have neither; refusing them keeps "ends in .pem" meaning what it says.
  if (url.search !== '' || url.hash !== '') return false;
  return url.pathname.endsWith('.pem');
}
