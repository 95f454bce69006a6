/**
 * Confirming an SNS subscription: SNS sends a signed SubscriptionConfirmation
 * whose SubscribeURL we GET once. The URL is fetched only when it is https on
 * an SNS host (the same host pattern certificates must match), so a message
 * cannot make us request an address of an attacker's choosing.
 */

export interface SnsUrlOptions {
  /** Host pattern, a whole-host match (the SNS_CERT_HOST_PATTERN config). */
  hostPattern: string;
  /** Accept http: too — only ever from test configuration. */
  allowInsecureForTests?: boolean;
}

export function isTrustedSubscribeUrl(text: string, options: SnsUrlOptions): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  const protocols = options.allowInsecureForTests ? ['https:', 'http:'] : ['https:'];
  if (!protocols.includes(url.protocol)) return false;
  if (url.username !== '' || url.password !== '') return false;
  return new RegExp(`^(?:${options.hostPattern})$`).test(url.hostname);
}

export type ConfirmOutcome =
  | { type: 'confirmed' }
  | { type: 'untrusted-url' }
  | { type: 'failed'; status?: number };

/** GETs the SubscribeURL (no redirects, 5 s timeout). Never throws. */
export async function confirmSubscription(
  subscribeUrl: string,
  options: SnsUrlOptions & { fetch?: typeof globalThis.fetch; timeoutMs?: number },
): Promise<ConfirmOutcome> {
  if (!isTrustedSubscribeUrl(subscribeUrl, options)) return { type: 'untrusted-url' };
  const fetch = options.fetch ?? globalThis.fetch;
  try {
    const response = await fetch(subscribeUrl, {
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
    await response.body?.cancel();
    return response.ok ? { type: 'confirmed' } : { type: 'failed', status: response.status };
  } catch {
    return { type: 'failed' };
  }
}
