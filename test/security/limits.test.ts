import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.ts';
import { createTokenBuckets } from '../../src/http/rateLimit.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

let t: TestApp;
let https: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  https = await createTestApp({ env: { PUBLIC_URL: 'https://mail.society.example', TRUST_PROXY: 'true' } });
});
afterAll(async () => {
  await t?.close();
  await https?.close();
});

/** A request as @hono/node-server hands it over: with the socket's remote address. */
const from = (app: TestApp, address: string, path: string, init: RequestInit = {}) =>
  app.app.request(path, init, { incoming: { socket: { remoteAddress: address } } });

describe('security headers', () => {
  it('every answer (JSON, page, 404) forbids framing and carries a CSP; no HSTS over http', async () => {
    for (const path of ['/healthz', '/u/not-a-token', '/partner', '/nowhere', '/openapi.json']) {
      const res = await t.call('GET', path);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).not.toContain('unsafe-eval');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), path).toBeTruthy();
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('strict-transport-security'), path).toBeNull();
    }
  });

  it('sends HSTS when PUBLIC_URL is https', async () => {
    const res = await https.call('GET', '/healthz');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/);
  });
});

describe('body size', () => {
  it('refuses a body over 1 MiB with 413 before any handler, with or without content-length', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) });
    const sized = await t.call('POST', '/api/members', big, t.tokens.admin);
    expect(sized.status).toBe(413);
    const streamed = await t.app.request('/webhooks/ses', {
      method: 'POST',
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 17; i++) controller.enqueue(new Uint8Array(64 * 1024).fill(65));
          controller.close();
        },
      }),
      duplex: 'half', // undici needs this for a streamed body
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });
});

describe('rate limits on public endpoints (per client, per process)', () => {
  /** Requests until the first 429 (requests take time, so the bucket refills a little meanwhile). */
  const untilLimited = async (send: () => Response | Promise<Response>, okStatus: number) => {
    for (let n = 1; n <= 5000; n++) {
      const res = await send();
      if (res.status === 429) return { n, res };
      expect(res.status).toBe(okStatus);
    }
    throw new Error('never limited');
  };

  it('one client that floods a link page gets 429 with Retry-After; another client is unaffected', async () => {
    const { n, res } = await untilLimited(() => from(t, '198.51.100.7', '/u/forged'), 400);
    expect(n).toBeGreaterThan(500);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await from(t, '198.51.100.8', '/u/forged')).status).toBe(400);
    expect((await from(t, '198.51.100.8', '/p/forged')).status).toBe(400);
  });

  it('partner sign-in allows 10 guesses per client, then 429', async () => {
    const guess = (address: string) =>
      from(t, address, '/partner/sign-in', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
        body: 'email=guess%40partner.example&password=guessguessguess',
      });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await guess('203.0.113.9')).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
    expect((await guess('203.0.113.10')).status).toBe(401);
  });

  it('staff sign-in allows 30 posts per client, then 429; the page itself is not counted', async () => {
    const post = () =>
      from(t, '203.0.113.20', '/console/sign-in', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'email=nobody%40staff.example&password=guess',
      });
    for (let i = 0; i < 30; i++) expect((await post()).status).not.toBe(429);
    expect((await post()).status).toBe(429);
    expect((await from(t, '203.0.113.20', '/console/sign-in')).status).toBe(200);
  });

  it('the webhook is limited too', async () => {
    const { n } = await untilLimited(() => from(t, '192.0.2.1', '/webhooks/ses', { method: 'POST' }), 403);
    expect(n).toBeGreaterThan(500);
  });

  it('behind a trusted proxy counts the address the proxy appended, not what the client claimed', async () => {
    const guess = (forwarded: string) =>
      from(https, '10.0.0.2', '/partner/sign-in', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          origin: 'http://localhost',
          'x-forwarded-for': forwarded,
        },
        body: 'email=guess%40partner.example&password=guessguessguess',
      });
    // A client rotating a spoofed first entry is still one client.
    for (let i = 0; i < 10; i++) expect((await guess(`1.1.1.${i}, 203.0.113.50`)).status).toBe(401);
    expect((await guess('9.9.9.9, 203.0.113.50')).status).toBe(429);
    expect((await guess('203.0.113.51')).status).toBe(401);
  });

  it('loopback is counted unless exempted (NODE_ENV=development exempts it by default)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      statuses.push(
        (
          await from(t, '127.0.0.1', '/partner/sign-in', {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: 'key=x',
          })
        ).status,
      );
    }
    expect(statuses.at(-1)).toBe(429);
    expect(loadConfig({ NODE_ENV: 'development' }).RATE_LIMIT_EXEMPT_LOOPBACK).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production' }).RATE_LIMIT_EXEMPT_LOOPBACK).toBe(false);
    expect(
      loadConfig({ NODE_ENV: 'production', RATE_LIMIT_EXEMPT_LOOPBACK: 'true' }).RATE_LIMIT_EXEMPT_LOOPBACK,
    ).toBe(true);
  });
});

describe('token buckets', () => {
  it('refill at the rate up to the burst, and forget full buckets when too many clients are remembered', () => {
    let now = 0;
    const buckets = createTokenBuckets({ ratePerSecond: 2, burst: 3, maxClients: 2, now: () => now });
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([0, 0, 0]);
    expect(buckets.take('a')).toBe(500);
    now += 500;
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBe(500);
    buckets.take('b');
    now += 10_000; // both full again
    buckets.take('c');
    expect(buckets.size()).toBe(1);
  });
});
