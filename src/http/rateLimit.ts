import type { Context, MiddlewareHandler } from 'hono';
import { problem } from './problems.ts';

/**
 * Per-client token buckets for the public endpoints (link pages, the SES
 * webhook, partner sign-in).
 *
 * The buckets live in this process's memory: with N web processes a client
 * gets N times the allowance. That is enough to blunt a flood or a password
 * guesser against one process; a global limit belongs in front of the
 * service (the load balancer), not in PostgreSQL, which the send engine needs.
 *
 * Glossary:
 * - client: the socket's remote address, or with `trustProxy` the address
 *   the proxy appended last to X-Forwarded-For (earlier entries are whatever
 *   the client claimed, so never trusted).
 * - bucket: `burst` permits, refilled at `ratePerSecond`; a request takes one.
 */
export interface RateLimitOptions {
  /** Name in the 429 message and the metrics, e.g. "link pages". */
  name: string;
  ratePerSecond: number;
  /** Capacity; default one second's worth, at least 1. */
  burst?: number;
  /** Trust the last X-Forwarded-For entry (default false). */
  trustProxy?: boolean;
  /** Don't count requests from 127.0.0.0/8 or ::1 (default false). */
  exemptLoopback?: boolean;
  /** Count only these methods (default: all). */
  methods?: readonly string[];
  /** At most this many clients remembered; full buckets are dropped first (default 10,000). */
  maxClients?: number;
  /** Milliseconds, injectable for tests (default performance.now). */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** The bucket arithmetic, without HTTP: `take(key)` answers 0 (allowed) or the ms to wait. */
export function createTokenBuckets(options: {
  ratePerSecond: number;
  burst?: number;
  maxClients?: number;
  now?: () => number;
}) {
  const { ratePerSecond } = options;
  if (!(ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
  const burst = options.burst ?? Math.max(1, ratePerSecond);
  const maxClients = options.maxClients ?? 10_000;
  const now = options.now ?? (() => performance.now());
  const buckets = new Map<string, Bucket>();

  const refill = (b: Bucket, at: number) => {
    b.tokens = Math.min(burst, b.tokens + ((at - b.at) / 1000) * ratePerSecond);
    b.at = at;
  };
  const evict = (at: number) => {
    for (const [key, b] of buckets) {
      refill(b, at);
      if (b.tokens >= burst) buckets.delete(key);
    }
    // Everyone is mid-burst: forget the oldest (Map keeps insertion order) rather than grow.
    while (buckets.size >= maxClients) buckets.delete(buckets.keys().next().value!);
  };

  return {
    take(key: string): number {
      const at = now();
      let b = buckets.get(key);
      if (!b) {
        if (buckets.size >= maxClients) evict(at);
        b = { tokens: burst, at };
        buckets.set(key, b);
      }
      refill(b, at);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.ceil(((1 - b.tokens) / ratePerSecond) * 1000);
    },
    size: () => buckets.size,
  };
}

/** The client address a request is counted against (see the glossary above). */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const hops = c.req.header('x-forwarded-for')?.split(',');
    const last = hops?.[hops.length - 1]?.trim();
    if (last) return last;
  }
  // @hono/node-server puts the Node request in env.incoming; app.request() in tests has none.
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

export function isLoopback(address: string): boolean {
  return address === '::1' || /^(::ffff:)?127\./.test(address);
}

/** Hono middleware: 429 with Retry-After once a client's bucket is empty. */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler {
  const buckets = createTokenBuckets(options);
  return async (c, next) => {
    if (options.methods && !options.methods.includes(c.req.method)) return next();
    const client = clientAddress(c, options.trustProxy ?? false);
    if (!(options.exemptLoopback && isLoopback(client))) {
      const waitMs = buckets.take(client);
      if (waitMs > 0) {
        c.header('Retry-After', String(Math.max(1, Math.ceil(waitMs / 1000))));
        return problem(c, 429, 'too_many_requests', `too many requests to the ${options.name}; slow down`);
      }
    }
    await next();
  };
}
