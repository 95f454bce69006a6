import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestApp } from '../support/app.ts';
import {
  createSnsTestSigner,
  type SnsFields,
  serveCertificate,
  sesEventMessage,
  TEST_TOPIC_ARN,
} from '../support/sns.ts';
import { isGranted, ledgerOf, seedCampaign, snapshot } from '../unsubscribe/fixtures.ts';

const signer = createSnsTestSigner();
let cert: Awaited<ReturnType<typeof serveCertificate>>;
let t: TestApp;
const snsEnv = {
  SNS_TOPIC_ARNS: TEST_TOPIC_ARN,
  SNS_CERT_HOST_PATTERN: '^127\\.0\\.0\\.1$',
  SNS_ALLOW_INSECURE_CERT_URL: 'true',
};

beforeAll(async () => {
  cert = await serveCertificate(signer);
  t = await createTestApp({ env: snsEnv });
});
afterAll(async () => {
  await t?.close();
  await cert?.close();
});

const sign = (fields: SnsFields, version: '1' | '2' = '1') =>
  signer.signSnsMessage({ SigningCertURL: cert.url, ...fields }, version);

const deliver = (envelope: object, app: TestApp = t) =>
  app.app.request('/webhooks/ses', {
    method: 'POST',
    headers: { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': 'Notification' },
    body: JSON.stringify(envelope),
  });

const processedCount = async () =>
  Number((await t.database.sql`select count(*) as n from processed_notifications`)[0]!.n);

const eventsOf = async (campaignId: number) =>
  (await t.database.sql`select type from campaign_events where campaign_id = ${campaignId} order by id`).map(
    (r) => r.type,
  );

const suppressionOf = async (email: string) =>
  (await t.database.sql`select reason from suppressions where email_normalized = ${email.toLowerCase()}`)[0]
    ?.reason;

describe('POST /webhooks/ses: verified events', () => {
  for (const version of ['1', '2'] as const) {
    it(`a permanent bounce (signature v${version}) suppresses the address and withdraws every topic by email`, async () => {
      const { campaignId, recipients } = await seedCampaign(t);
      const r = recipients[0]!;
      const res = await deliver(
        sign(
          {
            Message: sesEventMessage('Bounce', {
              recipients: [r.email.toUpperCase()],
              tags: { campaign: [String(campaignId)] },
            }),
          },
          version,
        ),
      );
      expect(res.status).toBe(200);
      expect(await json(res)).toMatchObject({ status: 'processed', type: 'bounce', suppressed: 1 });
      expect(await suppressionOf(r.email)).toBe('hard-bounce');
      const ledger = await ledgerOf(t, r.memberId);
      // One entry per topic, in no particular order within the one statement that writes them.
      expect(ledger.map((e) => [e.topic, e.channel, e.granted, e.source, e.actor]).sort()).toEqual([
        ['events', 'email', false, 'bounce', 'ses'],
        ['internet-issues', 'email', false, 'bounce', 'ses'],
        ['partner-offers', 'email', false, 'bounce', 'ses'],
        ['society-news', 'email', false, 'bounce', 'ses'],
      ]);
      expect(await isGranted(t, r.memberId, 'events', 'postal')).toBe(true);
      expect(await eventsOf(campaignId)).toEqual(['bounce']);
    });
  }

  it('matches an identity notification (no tags) to its send by SES message id', async () => {
    const { campaignId, recipients } = await seedCampaign(t);
    const r = recipients[0]!;
    await t.database
      .sql`update campaign_recipients set provider_message_id = 'ses-id-1', state = 'sent' where id = ${r.recipientId}`;
    const res = await deliver(
      sign({ Message: sesEventMessage('Bounce', { messageId: 'ses-id-1', recipients: [r.email] }) }),
    );
    expect(res.status).toBe(200);
    expect(await eventsOf(campaignId)).toEqual(['bounce']);
    expect(await isGranted(t, r.memberId, 'society-news')).toBe(false);
  });

  it('a transient bounce changes nothing', async () => {
    const { campaignId, recipients } = await seedCampaign(t);
    const before = await snapshot(t);
    const res = await deliver(
      sign({
        Message: sesEventMessage('Bounce', {
          recipients: [recipients[0]!.email],
          bounceType: 'Transient',
          tags: { campaign: [String(campaignId)] },
        }),
      }),
    );
    expect(res.status).toBe(200);
    expect(await snapshot(t)).toEqual(before);
  });

  it('a complaint suppresses the address and withdraws every marketing topic', async () => {
    const { campaignId, recipients } = await seedCampaign(t, { topic: 'events' });
    const r = recipients[0]!;
    const res = await deliver(
      sign({
        Message: sesEventMessage('Complaint', {
          recipients: [r.email],
          tags: { campaign: [String(campaignId)] },
        }),
      }),
    );
    expect(res.status).toBe(200);
    expect(await suppressionOf(r.email)).toBe('complaint');
    const ledger = await ledgerOf(t, r.memberId);
    expect(ledger).toHaveLength(4);
    expect(new Set(ledger.map((e) => `${e.source}/${e.channel}/${e.granted}`))).toEqual(
      new Set(['complaint/email/false']),
    );
    expect(await eventsOf(campaignId)).toEqual(['complaint']);
  });

  it('a delivery counts for its campaign and changes no consent', async () => {
    const { campaignId, recipients } = await seedCampaign(t);
    const before = await snapshot(t);
    const res = await deliver(
      sign({
        Message: sesEventMessage('Delivery', {
          recipients: [recipients[0]!.email],
          tags: { campaign: [String(campaignId)] },
        }),
      }),
    );
    expect(res.status).toBe(200);
    expect(await eventsOf(campaignId)).toEqual(['delivery']);
    const after = await snapshot(t);
    expect(after.events).toBe(before.events);
    expect(after.suppressions).toBe(before.suppressions);
  });

  it('inbound mail to unsubscribe+<token>@ unsubscribes that recipient from the campaign topic (source mailto)', async () => {
    const { campaignId, recipients } = await seedCampaign(t, { topic: 'internet-issues' });
    const r = recipients[0]!;
    const address = `unsubscribe+${r.token}@${t.deps.config.MAIL_DOMAIN}`;
    const res = await deliver(sign({ Message: sesEventMessage('Received', { recipients: [address] }) }));
    expect(res.status).toBe(200);
    expect(await isGranted(t, r.memberId, 'internet-issues')).toBe(false);
    expect(await ledgerOf(t, r.memberId)).toEqual([
      expect.objectContaining({
        topic: 'internet-issues',
        channel: 'email',
        granted: false,
        source: 'mailto',
      }),
    ]);
    expect(await eventsOf(campaignId)).toEqual(['unsubscribe']);
  });

  it('inbound mail to a seed address goes to the seed-mail check', async () => {
    const { seeds } = await seedCampaign(t, { members: [], seeds: 1 });
    const res = await deliver(
      sign({ Message: sesEventMessage('Received', { recipients: [seeds[0]!.email] }) }),
    );
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ seedAlerts: 1 });
    const alerts = await t.database.sql`select summary from misuse_alerts`;
    expect(alerts.length).toBeGreaterThanOrEqual(1);
  });

  it('handles a redelivered MessageId once', async () => {
    const { campaignId, recipients } = await seedCampaign(t);
    const envelope = sign({
      Message: sesEventMessage('Complaint', {
        recipients: [recipients[0]!.email],
        tags: { campaign: [String(campaignId)] },
      }),
    });
    expect(await json(await deliver(envelope))).toMatchObject({ status: 'processed' });
    const after = await snapshot(t);
    const again = await Promise.all([deliver(envelope), deliver(envelope)]);
    for (const res of again) {
      expect(res.status).toBe(200);
      expect(await json(res)).toEqual({ status: 'duplicate' });
    }
    expect(await snapshot(t)).toEqual(after);
    expect(await eventsOf(campaignId)).toEqual(['complaint']);
  });
});

describe('POST /webhooks/ses: refused before anything changes', () => {
  it('answers 403 to forged, unsigned, unknown-topic and off-host messages', async () => {
    const { campaignId, recipients } = await seedCampaign(t);
    const message = sesEventMessage('Bounce', {
      recipients: [recipients[0]!.email],
      tags: { campaign: [String(campaignId)] },
    });
    const good = sign({ Message: message });
    const { Signature: _dropped, ...unsigned } = good;
    const stranger = createSnsTestSigner();
    const forgeries: object[] = [
      { ...good, Message: message.replace('Permanent', 'Permanent ') },
      unsigned,
      { ...good, Signature: 'AAAA' },
      sign({ Message: message, TopicArn: 'arn:aws:sns:eu-west-1:999999999999:someone-else' }),
      stranger.signSnsMessage({ Message: message, SigningCertURL: cert.url }),
      sign({ Message: message, SigningCertURL: 'http://127.0.0.1.evil.example/cert.pem' }),
      sign({ Message: message, SigningCertURL: 'https://sns.eu-west-1.amazonaws.com/cert.pem' }),
    ];
    const before = await snapshot(t);
    const processed = await processedCount();
    for (const forged of forgeries) {
      const res = await deliver(forged);
      expect(res.status).toBe(403);
    }
    const garbage = await t.app.request('/webhooks/ses', { method: 'POST', body: 'not json' });
    expect(garbage.status).toBe(403);
    expect(await snapshot(t)).toEqual(before);
    expect(await processedCount()).toBe(processed);
  });

  it('does not honour the insecure certificate flag outside NODE_ENV=test', async () => {
    const dev = await createTestApp({ env: { ...snsEnv, NODE_ENV: 'development' } });
    try {
      const res = await deliver(sign({ Message: sesEventMessage('Delivery') }), dev);
      expect(res.status).toBe(403);
    } finally {
      await dev.close();
    }
  });
});

describe('POST /webhooks/ses: subscription confirmation', () => {
  it('fetches the SubscribeURL when it is on the SNS host, and refuses one elsewhere', async () => {
    const hits: string[] = [];
    const sns = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'text/xml' }).end('<ConfirmSubscriptionResponse/>');
    });
    await new Promise<void>((resolve) => sns.listen(0, '127.0.0.1', resolve));
    const { port } = sns.address() as AddressInfo;
    try {
      const subscribeUrl = `http://127.0.0.1:${port}/?Action=ConfirmSubscription&TopicArn=${TEST_TOPIC_ARN}&Token=abc`;
      const res = await deliver(
        sign({
          Type: 'SubscriptionConfirmation',
          Message: 'You have chosen to subscribe',
          SubscribeURL: subscribeUrl,
        }),
      );
      expect(res.status).toBe(200);
      expect(await json(res)).toEqual({ status: 'confirmed' });
      expect(hits).toEqual([`/?Action=ConfirmSubscription&TopicArn=${TEST_TOPIC_ARN}&Token=abc`]);

      const offHost = await deliver(
        sign({
          Type: 'SubscriptionConfirmation',
          Message: 'You have chosen to subscribe',
          SubscribeURL: `http://localhost:${port}/?Action=ConfirmSubscription`,
        }),
      );
      expect(offHost.status).toBe(403);
      expect(hits).toHaveLength(1);
    } finally {
      sns.closeAllConnections();
      await new Promise((resolve) => sns.close(resolve));
    }
  });
});
