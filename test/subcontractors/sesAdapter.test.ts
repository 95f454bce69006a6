import { readFile } from 'node:fs/promises';
import { MessageRejected, SendingPausedException, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EmailEnvelope } from '../../src/subcontractors/envelope.ts';
import {
  BACKOFF,
  backoffMs,
  classifySendError,
  createSesAdapter,
  createSesClient,
  getMaxSendRate,
  isRetryable,
  type SendOutcome,
} from '../../src/subcontractors/sesAdapter.ts';
import { type FlakySes, startFlakySes } from '../support/flakySes.ts';
import { LOCAL_CREDENTIALS, type LocalSes, startLocalSes, waitFor } from '../support/ses.ts';

const CONFIGURATION_SET = 'society-mailer';

function envelope(overrides: Partial<EmailEnvelope> = {}): EmailEnvelope {
  return {
    to: 'member@example.org',
    from: 'Society News <news@society.example>',
    replyTo: 'membership@society.example',
    subject: 'Chapter meeting on Thursday',
    html: '<p>See you <b>Thursday</b>.</p>',
    text: 'See you Thursday.',
    headers: [
      {
        name: 'List-Unsubscribe',
        value: '<https://society.example/u/abc>, <mailto:unsubscribe@society.example>',
      },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
      { name: 'List-Id', value: 'Society News <news.society.example>' },
    ],
    tags: [
      { name: 'campaign', value: '42' },
      { name: 'topic', value: 'events' },
    ],
    ...overrides,
  };
}

let ses: LocalSes;
beforeAll(async () => {
  ses = await startLocalSes({ maxSendRate: 37 });
});
afterAll(() => ses?.close());
beforeEach(() => ses.clear());

/** An adapter whose requests go through a flaky proxy in front of the local endpoint. */
async function throughFlakyProxy(configure: (proxy: FlakySes) => void, clientOptions = {}) {
  const proxy = await startFlakySes({ target: ses.endpoint, seed: 7 });
  configure(proxy);
  const client = createSesClient({
    region: 'us-east-1',
    endpoint: proxy.endpoint,
    credentials: LOCAL_CREDENTIALS,
    ...clientOptions,
  });
  const adapter = createSesAdapter({ client, configurationSet: CONFIGURATION_SET });
  return {
    proxy,
    adapter,
    [Symbol.asyncDispose]: async () => {
      client.destroy();
      await proxy.close();
    },
  };
}

describe('sending to the local SES endpoint', () => {
  it('delivers one message with the subject, both parts, sender, recipient and list headers', async () => {
    const adapter = createSesAdapter({ client: ses.client, configurationSet: CONFIGURATION_SET });
    const outcome = await adapter.send(envelope());
    expect(outcome.type).toBe('sent');
    const messageId = (outcome as Extract<SendOutcome, { type: 'sent' }>).messageId;

    const [stored] = await waitFor(async () => {
      const emails = await ses.store();
      return emails.length > 0 && emails;
    });
    expect(stored).toMatchObject({
      messageId,
      from: 'Society News <news@society.example>',
      replyTo: ['membership@society.example'],
      destination: { to: ['member@example.org'], cc: [], bcc: [] },
      subject: 'Chapter meeting on Thursday',
      body: { html: '<p>See you <b>Thursday</b>.</p>', text: 'See you Thursday.' },
    });
    expect(stored?.headers).toEqual(envelope().headers);
  });

  it('reads the account sending rate', async () => {
    expect(await getMaxSendRate(ses.client)).toBe(37);
  });
});

describe('refusing unsafe envelopes before anything is sent', () => {
  const adapter = () => createSesAdapter({ client: ses.client, configurationSet: CONFIGURATION_SET });

  it('rejects a header value carrying CR or LF, and sends nothing', async () => {
    const injected = envelope({
      headers: [{ name: 'List-Id', value: 'News <news.society.example>\r\nBcc: everyone@example.org' }],
    });
    expect(await adapter().send(injected)).toEqual({
      type: 'rejected',
      reason: 'header List-Id contains CR or LF',
    });
    expect(await ses.store()).toEqual([]);
  });

  it('rejects any line break in a header value, subject or header name', async () => {
    const lineBreak = fc.constantFrom('\r', '\n', '\r\n');
    const withBreak = fc
      .tuple(fc.string(), lineBreak, fc.string())
      .map(([before, br, after]) => `${before}${br}${after}`);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          withBreak.map((value) => envelope({ headers: [{ name: 'List-Id', value }] })),
          withBreak.map((subject) => envelope({ subject })),
          withBreak.map((name) => envelope({ headers: [{ name, value: 'x' }] })),
        ),
        async (unsafe) => {
          expect((await adapter().send(unsafe)).type).toBe('rejected');
        },
      ),
      { numRuns: 60 },
    );
    expect(await ses.store()).toEqual([]);
  });

  it('rejects a recipient that is not exactly one address', async () => {
    for (const to of ['a@example.org, b@example.org', 'Someone <a@example.org>', 'not-an-address']) {
      expect((await adapter().send(envelope({ to }))).type).toBe('rejected');
    }
    expect(await ses.store()).toEqual([]);
  });
});

describe('classifying failures from SES', () => {
  it('turns a 429 TooManyRequestsException into throttled', async () => {
    await using flaky = await throughFlakyProxy((p) => p.configure({ throttle: 1 }));
    const outcome = await flaky.adapter.send(envelope());
    expect(outcome).toEqual({ type: 'throttled', retryAfterMs: expect.any(Number) });
    expect(isRetryable(outcome)).toBe(true);
    expect(flaky.proxy.counts().throttled).toBe(1);
    expect(await ses.store()).toEqual([]);
  });

  it('turns a 503 into transient', async () => {
    await using flaky = await throughFlakyProxy((p) => p.configure({ unavailable: 1 }));
    const outcome = await flaky.adapter.send(envelope());
    expect(outcome).toMatchObject({ type: 'transient', reason: expect.stringContaining('503') });
    expect(isRetryable(outcome)).toBe(true);
    // One attempt only: the SDK did not retry behind our back.
    expect(flaky.proxy.counts().unavailable).toBe(1);
  });

  it('turns a 400 MessageRejected into rejected, not to be retried', async () => {
    await using flaky = await throughFlakyProxy((p) => p.configure({ reject: 1 }));
    const outcome = await flaky.adapter.send(envelope());
    expect(outcome).toEqual({ type: 'rejected', reason: 'MessageRejected (HTTP 400)' });
    expect(isRetryable(outcome)).toBe(false);
  });

  it('turns a reset connection into transient', async () => {
    await using flaky = await throughFlakyProxy((p) => p.setMode({ mode: 'down' }));
    const outcome = await flaky.adapter.send(envelope());
    expect(outcome.type).toBe('transient');
    expect(flaky.proxy.counts().reset).toBe(1);
  });

  it('turns a request that outlives its timeout into unknown, never to be retried (SES may have taken it)', async () => {
    await using flaky = await throughFlakyProxy((p) => p.setMode({ mode: 'slow', delayMs: 5_000 }), {
      requestTimeoutMs: 200,
    });
    const outcome = await flaky.adapter.send(envelope());
    expect(outcome.type).toBe('unknown');
    expect(isRetryable(outcome)).toBe(false);
  });

  it('forwards what it does not fail, and fails the same way for the same seed', async () => {
    const shares = { throttle: 0.25, unavailable: 0.25, reject: 0.25 };
    const run = async () => {
      await using flaky = await throughFlakyProxy((p) => p.configure(shares));
      const types: string[] = [];
      for (let i = 0; i < 16; i++) types.push((await flaky.adapter.send(envelope())).type);
      return types;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(new Set(first)).toEqual(new Set(['sent', 'throttled', 'transient', 'rejected']));
    const sent = first.filter((t) => t === 'sent').length;
    expect(await ses.store()).toHaveLength(sent * 2);
  });

  it('throws for faults of our own set-up rather than giving up on the message', () => {
    const paused = new SendingPausedException({ message: 'paused', $metadata: { httpStatusCode: 400 } });
    expect(() => classifySendError(paused)).toThrow(/SendingPausedException/);
    const throttled = new TooManyRequestsException({
      message: 'slow down',
      $metadata: { httpStatusCode: 429 },
    });
    expect(classifySendError(throttled).type).toBe('throttled');
    const rejected = new MessageRejected({ message: 'no', $metadata: { httpStatusCode: 400 } });
    expect(classifySendError(rejected).type).toBe('rejected');
  });
});

describe('retry policy', () => {
  it('retries only throttled and transient outcomes', () => {
    expect(isRetryable({ type: 'sent', messageId: 'm' })).toBe(false);
    expect(isRetryable({ type: 'rejected', reason: 'r' })).toBe(false);
    expect(isRetryable({ type: 'throttled', retryAfterMs: 1 })).toBe(true);
    expect(isRetryable({ type: 'transient', reason: 't' })).toBe(true);
  });

  it('backs off with full jitter, growing per attempt and never past the cap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 10_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, r) => {
          const ms = backoffMs(attempt, () => r);
          const ceiling = Math.min(BACKOFF.capMs, BACKOFF.baseMs * 2 ** Math.max(0, attempt - 1));
          expect(ms).toBeGreaterThanOrEqual(0);
          expect(ms).toBeLessThan(ceiling);
        },
      ),
    );
    expect(backoffMs(1, () => 0.999999)).toBe(BACKOFF.baseMs - 1);
    expect(backoffMs(100, () => 0.999999)).toBe(BACKOFF.capMs - 1);
  });
});

describe('isolation', () => {
  it('keeps adapters away from the database module', async () => {
    for (const file of ['sesAdapter.ts', 'envelope.ts']) {
      const source = await readFile(new URL(`../../src/subcontractors/${file}`, import.meta.url), 'utf8');
      const imports = [...source.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]);
      expect(imports.filter((path) => /(^|\/)db(\/|\.ts$)/.test(path ?? ''))).toEqual([]);
    }
  });
});
