import {
  GetAccountCommand,
  SESv2Client,
  type SESv2ClientConfig,
  SendEmailCommand,
  type SendEmailCommandInput,
} from '@aws-sdk/client-sesv2';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { type EmailEnvelope, envelopeProblem } from './envelope.ts';

/**
 * The Amazon SES (v2 API) email adapter: one projected envelope in, one
 * outcome out. Expected failures are values; only faults of our own set-up
 * (credentials, permissions, a missing configuration set, a paused or suspended
 * account) are thrown, because every message would fail alike and none of them
 * should be given up as rejected.
 */

/** What happened to one message. */
export type SendOutcome =
  | { type: 'sent'; messageId: string }
  /** SES asked us to slow down (429, or a sending-rate/quota limit). */
  | { type: 'throttled'; retryAfterMs: number }
  /** A network fault, timeout or 5xx: the same message may succeed later. */
  | { type: 'transient'; reason: string }
  /** This message will never be accepted as it stands: don't retry it. */
  | { type: 'rejected'; reason: string }
  /**
   * The request went out and no answer came in time: SES may have taken it.
   * Sending again could deliver it twice, so it is not retried (at most once).
   */
  | { type: 'unknown'; reason: string };

export interface SesAdapter {
  send(envelope: EmailEnvelope): Promise<SendOutcome>;
}

/** How long to hold off after a throttle when SES gives no Retry-After. */
export const DEFAULT_THROTTLE_RETRY_MS = 1_000;

/** Errors that are about this message: retrying it unchanged can never help. */
const MESSAGE_REJECTIONS = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'BadRequestException',
]);
/** Errors about our account or set-up: they affect every message, so they are thrown, not returned. */
const SETUP_FAULTS = new Set([
  'AccountSuspendedException',
  'SendingPausedException',
  'NotFoundException',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
]);

/**
 * An SES client for the adapter. The SDK's own retries are turned off
 * (maxAttempts 1) because our worker owns retry and backoff: it returns the
 * permit to the shared rate limiter, reschedules the batch, and records the
 * attempt, so a message is never re-sent behind the limiter's back and a
 * throttle slows every worker rather than one hidden loop. Timeouts are bounded
 * so a hung connection becomes a transient outcome instead of a stuck job.
 */
export function createSesClient(
  config: Pick<SESv2ClientConfig, 'region' | 'endpoint' | 'credentials'> & {
    /** Default 2 000 ms. */
    connectionTimeoutMs?: number;
    /** Default 15 000 ms. */
    requestTimeoutMs?: number;
  },
): SESv2Client {
  const { connectionTimeoutMs = 2_000, requestTimeoutMs = 15_000, ...rest } = config;
  return new SESv2Client({
    ...rest,
    maxAttempts: 1,
    // Without throwOnRequestTimeout the handler only logs a warning and keeps waiting.
    requestHandler: {
      connectionTimeout: connectionTimeoutMs,
      requestTimeout: requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
  });
}

/**
 * An adapter sending through `client` (make it with {@link createSesClient})
 * with every message tagged to `configurationSet`, whose event destination
 * brings bounces and complaints back to us.
 */
export function createSesAdapter(options: { client: SESv2Client; configurationSet: string }): SesAdapter {
  const { client, configurationSet } = options;
  return {
    async send(envelope) {
      const problem = envelopeProblem(envelope);
      if (problem) return { type: 'rejected', reason: problem };
      try {
        const output = await client.send(new SendEmailCommand(toSendEmailInput(envelope, configurationSet)));
        if (!output.MessageId)
          return { type: 'transient', reason: 'SES accepted the message without a MessageId' };
        return { type: 'sent', messageId: output.MessageId };
      } catch (error) {
        return classifySendError(error);
      }
    },
  };
}

/** The SendEmail request for one envelope: Simple content, exactly one recipient. */
export function toSendEmailInput(envelope: EmailEnvelope, configurationSet: string): SendEmailCommandInput {
  return {
    FromEmailAddress: envelope.from,
    Destination: { ToAddresses: [envelope.to] },
    ReplyToAddresses: envelope.replyTo === undefined ? undefined : [envelope.replyTo],
    ConfigurationSetName: configurationSet,
    EmailTags: envelope.tags.map(({ name, value }) => ({ Name: name, Value: value })),
    Content: {
      Simple: {
        Subject: { Data: envelope.subject, Charset: 'UTF-8' },
        Body: {
          Html: { Data: envelope.html, Charset: 'UTF-8' },
          Text: { Data: envelope.text, Charset: 'UTF-8' },
        },
        Headers: envelope.headers.map(({ name, value }) => ({ Name: name, Value: value })),
      },
    },
  };
}

/**
 * Maps a failed SendEmail to an outcome using the SDK's own retry
 * classification, or throws for faults of our set-up. The reason names the
 * error, never the recipient.
 */
export function classifySendError(error: unknown): SendOutcome {
  if (!(error instanceof Error)) throw new Error('SES send failed with a non-error value', { cause: error });
  const sdkError = error as SdkErrorLike;
  const status = sdkError.$metadata?.httpStatusCode;
  if (isThrottlingError(sdkError)) return { type: 'throttled', retryAfterMs: retryAfterMs(sdkError) };
  // A connection that never opened is safe to retry; a request that timed out after it was sent is not.
  if (error.name === 'TimeoutError' && /requestTimeout/.test(error.message)) {
    return { type: 'unknown', reason: 'no answer within the request timeout' };
  }
  if (SETUP_FAULTS.has(error.name) || status === 401 || status === 403) {
    throw new Error(`SES refused our request: ${error.name}`, { cause: error });
  }
  if (isTransientError(sdkError) || isServerError(sdkError)) {
    return { type: 'transient', reason: status ? `${error.name} (HTTP ${status})` : error.name };
  }
  if (MESSAGE_REJECTIONS.has(error.name) || (status !== undefined && status >= 400 && status < 500)) {
    return { type: 'rejected', reason: status ? `${error.name} (HTTP ${status})` : error.name };
  }
  throw new Error(`SES send failed unexpectedly: ${error.name}`, { cause: error });
}

/** The account's sending rate in messages per second (SendQuota.MaxSendRate). */
export async function getMaxSendRate(client: SESv2Client): Promise<number> {
  const account = await client.send(new GetAccountCommand({}));
  const rate = account.SendQuota?.MaxSendRate;
  if (rate === undefined || !(rate > 0)) throw new Error('SES account reports no MaxSendRate');
  return rate;
}

/** Whether an outcome is worth another attempt of the same message. */
export function isRetryable(outcome: SendOutcome): boolean {
  return outcome.type === 'throttled' || outcome.type === 'transient';
}

/** Backoff bounds, in ms. */
export const BACKOFF = { baseMs: 500, capMs: 60_000 } as const;

/**
 * Delay before retry number `attempt` (1 for the first retry): "full jitter",
 * uniform in [0, min(cap, base · 2^(attempt-1))), so workers that failed
 * together don't come back together. `random` is injectable for tests.
 */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const exponent = Number.isNaN(attempt) ? 0 : Math.min(Math.max(0, Math.floor(attempt) - 1), 30);
  const ceiling = Math.min(BACKOFF.capMs, BACKOFF.baseMs * 2 ** exponent);
  const r = random();
  return Math.floor((r >= 0 && r < 1 ? r : 0) * ceiling);
}

/** The shape the SDK's classifiers accept: an Error with optional `$metadata`, `$retryable`, `$response`. */
type SdkErrorLike = Parameters<typeof isThrottlingError>[0];

function retryAfterMs(error: SdkErrorLike): number {
  const headers: Record<string, string | undefined> = error.$response?.headers ?? {};
  const header = Object.entries(headers).find(([k]) => k.toLowerCase() === 'retry-after');
  const seconds = Number(header?.[1]);
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds * 1000) : DEFAULT_THROTTLE_RETRY_MS;
}
