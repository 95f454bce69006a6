/**
 * The default way to get an SNS signing certificate: global fetch with a
 * timeout, no redirects, a size cap, and a small in-memory cache.
 *
 * AWS publishes a new certificate under a new URL rather than changing the
 * file behind an old one, so a cached certificate never goes stale; the cache
 * is bounded only so a stream of distinct URLs cannot grow it without end.
 * Call it only with a URL `isTrustedCertUrl` accepted.
 */

export type CertificateFetcher = (url: string) => Promise<string>;

export type CertificateFetcherOptions = {
  /** Give up on a fetch after this long. Default 5000 ms. */
  timeoutMs?: number;
  /** Certificates kept in memory, oldest dropped first. Default 32. */
  maxEntries?: number;
  /** Largest body accepted. Default 64 KiB (a real one is about 2 KiB). */
  maxBytes?: number;
  /** Default the global fetch. */
  fetch?: typeof globalThis.fetch;
};

export function createCertificateFetcher(options: CertificateFetcherOptions = {}): CertificateFetcher {
  const { timeoutMs = 5000, maxEntries = 32, maxBytes = 64 * 1024, fetch = globalThis.fetch } = options;
  // Promises, not strings, so concurrent deliveries signed with the same
  // certificate share one request.
  const cache = new Map<string, Promise<string>>();

  async function load(url: string): Promise<string> {
    const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`certificate fetch failed: HTTP ${response.status}`);
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > maxBytes) throw new Error('certificate fetch failed: response too large');
    const body = await response.text();
    if (Buffer.byteLength(body) > maxBytes) throw new Error('certificate fetch failed: response too large');
    if (!body.includes('-----BEGIN CERTIFICATE-----'))
      throw new Error('certificate fetch failed: not a PEM certificate');
    return body;
  }

  return (url) => {
    const cached = cache.get(url);
    if (cached) return cached;
    const pending = load(url);
    cache.set(url, pending);
    // A failure is not remembered: the next delivery tries again.
    pending.catch(() => {
      if (cache.get(url) === pending) cache.delete(url);
    });
    while (cache.size > maxEntries) {
      const oldest = cache.keys().next().value;
      if (oldest === undefined) break;
      cache.delete(oldest);
    }
    return pending;
  };
}
