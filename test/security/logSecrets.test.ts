import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mount } from '../../src/http/app.ts';
import { registerWorkers } from '../../src/jobs/registerWorkers.ts';
import { createLogger } from '../../src/ops/logger.ts';
import { newPartner } from '../partners/support.ts';
import { createTestApp, json, type TestApp } from '../support/app.ts';
import { type LocalSes, type StoredEmail, startLocalSes } from '../support/ses.ts';
import { createSnsTestSigner, serveCertificate, sesEventMessage, TEST_TOPIC_ARN } from '../support/sns.ts';
import { waitFor } from '../support/waitFor.ts';

/**
 * Representative flows run with every log line at trace level captured in
 * memory: a member upsert, a campaign sent through the local SES, a one-click
 * unsubscribe, SES webhooks (verified and refused), refused credentials and a
 * failing request. Then every line is searched for the secrets, tokens,
 * addresses and names the flows handled. None may appear.
 */

const SIGNING_SECRET = 'bG9nLWNhbmFyeS1zaWduaW5nLWtleS0wMDAwMDAwMDAwMDA=';
const members = [
  { email: 'canary.ada+secret@log-canary.example', name: 'Adalind Canarywood' },
  { email: 'canary.bob@log-canary.example', name: 'Bobbin Canarywood' },
];

const lines: string[] = [];
const capture = new Writable({
  write(chunk, _encoding, done) {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    done();
  },
});

/** A route that fails the way a bug would: a constraint violation whose detail quotes an address. */
const failing: Mount = (app, deps) => {
  app.post('/test/failing', async () => {
    await deps.sql`insert into members (email, email_normalized, name) values (${members[0]!.email}, ${members[0]!.email}, 'x')`;
    return new Response('unreachable');
  });
  app.post('/test/failing-with-cause', async () => {
    try {
      await deps.sql`insert into members (email, email_normalized, name) values (${members[1]!.email}, ${members[1]!.email}, 'x')`;
    } catch (error) {
      throw new Error('upsert failed', { cause: error });
    }
    return new Response('unreachable');
  });
};

const signer = createSnsTestSigner();
let cert: Awaited<ReturnType<typeof serveCertificate>>;
let ses: LocalSes;
let t: TestApp;
beforeAll(async () => {
  cert = await serveCertificate(signer);
  ses = await startLocalSes();
  t = await createTestApp({
    sesEndpoint: ses.endpoint,
    mounts: [failing],
    env: {
      LOG_LEVEL: 'trace',
      LINK_SIGNING_KEYS: `canary1:${SIGNING_SECRET}`,
      SNS_TOPIC_ARNS: TEST_TOPIC_ARN,
      SNS_CERT_HOST_PATTERN: '^127\\.0\\.0\\.1$',
      SNS_ALLOW_INSECURE_CERT_URL: 'true',
      SEND_BATCH_SIZE: '1',
    },
  });
  // The routes read deps.log when they log, so swapping it here captures them; the workers copy it next.
  t.deps.log = createLogger('trace', false, capture);
  await registerWorkers(t.deps, { globalRate: 100 });
});
afterAll(async () => {
  await t?.close();
  await ses?.close();
  await cert?.close();
});

describe('secrets in logs', () => {
  it('no log line holds a secret, a token, a member address or name', async () => {
    const secrets = new Set<string>([SIGNING_SECRET, ...Object.values(t.tokens)]);
    for (const m of members) {
      secrets.add(m.email);
      secrets.add(m.email.split('@')[0]!);
      secrets.add(m.name);
    }

    // Member upsert (the membership system's API).
    const upsert = await t.call(
      'POST',
      '/api/members',
      {
        members: members.map((m) => ({
          ...m,
          consents: [{ topic: 'society-news', channel: 'email', granted: true }],
        })),
      },
      t.tokens.editor,
    );
    expect(upsert.status).toBe(200);
    // A partner and its key.
    const partner = await newPartner(t, 'Canary Partner');
    secrets.add(partner.key);

    // A campaign sent through the local SES.
    const created = await json(
      await t.call(
        'POST',
        '/api/campaigns',
        { name: 'Canary', topic: 'society-news', subject: 'Hello {{name}}', template: 'society-mailing' },
        t.tokens.editor,
      ),
    );
    await t.call(
      'POST',
      `/api/campaigns/${created.id}/schedule`,
      { sendAt: '2020-01-01T00:00:00Z' },
      t.tokens.editor,
    );
    const sent = await waitFor(
      async () => {
        const found = (await ses.store()).filter((m) => m.destination.to[0]!.endsWith('@log-canary.example'));
        return found.length === members.length ? found : null;
      },
      { timeoutMs: 20_000, message: 'both members to receive the campaign' },
    );
    await waitFor(
      async () =>
        (await t.database.sql`select state from campaigns where id = ${created.id}`)[0]!.state ===
        'completed',
      { timeoutMs: 20_000, message: 'the campaign to complete' },
    );
    for (const r of await t.database.sql<{ token: string }[]>`select token from campaign_recipients`) {
      secrets.add(r.token);
    }

    // One-click unsubscribe through the link in the message.
    const url = new URL(unsubscribeUrl(sent[0]!));
    const linkToken = url.pathname.split('/').pop()!;
    secrets.add(linkToken);
    const oneClick = await t.app.request(url.pathname, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    // A tampered link, a page view and the preference centre.
    expect((await t.app.request(`${url.pathname.slice(0, -2)}xx`)).status).toBe(400);
    expect((await t.app.request(url.pathname)).status).toBe(200);

    // SES webhooks: a verified bounce for the other member, and a forged one.
    const bounce = signer.signSnsMessage(
      {
        SigningCertURL: cert.url,
        Message: sesEventMessage('Bounce', {
          recipients: [members[1]!.email],
          tags: { campaign: [String(created.id)] },
        }),
      },
      '1',
    );
    const deliver = (body: object) =>
      t.app.request('/webhooks/ses', {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=UTF-8' },
        body: JSON.stringify(body),
      });
    expect((await deliver(bounce)).status).toBe(200);
    expect(
      (await deliver({ ...bounce, Message: bounce.Message.replace('Permanent', 'Transient') })).status,
    ).toBe(403);
    // A message SES could not parse: logged as not understood, by id only.
    const odd = signer.signSnsMessage(
      {
        SigningCertURL: cert.url,
        Message: JSON.stringify({ notificationType: 'Bounce', mail: { destination: [members[0]!.email] } }),
      },
      '1',
    );
    expect((await deliver(odd)).status).toBe(200);

    // Refused credentials: a wrong staff token, a wrong password (here a key) at portal sign-in.
    expect((await t.call('GET', '/api/campaigns', undefined, `${partner.key.slice(0, -4)}zzzz`)).status).toBe(
      401,
    );
    const signIn = await t.app.request('/partner/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
      body: `email=someone%40canary.example&password=${partner.key}x`,
    });
    expect(signIn.status).toBe(401);

    // Failing requests whose database errors quote an address.
    expect((await t.call('POST', '/test/failing', undefined, t.tokens.admin)).status).toBe(500);
    expect((await t.call('POST', '/test/failing-with-cause', undefined, t.tokens.admin)).status).toBe(500);

    // The flows did log: the failures, the refused webhook, the campaign start and its ranges.
    const text = lines.join('\n');
    expect(text).toContain('request failed');
    expect(text).toContain('SNS delivery refused');
    expect(lines.length).toBeGreaterThan(5);
    const leaks = [...secrets].filter((s) => s.length >= 6 && text.toLowerCase().includes(s.toLowerCase()));
    expect(leaks).toEqual([]);
    // The database error was logged, with its value redacted rather than dropped silently.
    expect(text).toContain('[redacted]');
  }, 60_000);
});

function unsubscribeUrl(email: StoredEmail): string {
  const value = email.headers?.find((h) => h.name === 'List-Unsubscribe')?.value ?? '';
  return value.slice(1, value.indexOf('>'));
}
