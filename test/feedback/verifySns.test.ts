import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCertificateFetcher,
  isTrustedCertUrl,
  parseSesEvent,
  type SnsVerifyOptions,
  snsEnvelopeSchema,
  snsStringToSign,
  verifySnsMessage,
} from '../../src/feedback/verifySns.ts';
import {
  createSnsTestSigner,
  type SnsFields,
  serveCertificate,
  sesEventMessage,
  TEST_TOPIC_ARN,
} from '../support/sns.ts';

const signer = createSnsTestSigner();
const options: SnsVerifyOptions = { topicArns: [TEST_TOPIC_ARN], fetchCertificate: signer.fetchCertificate };
const fields: SnsFields = {
  Message: sesEventMessage('Bounce'),
  Subject: 'Amazon SES Email Event Notification',
};

function verify(envelope: object, opts: SnsVerifyOptions = options) {
  return verifySnsMessage(JSON.stringify(envelope), opts);
}

describe('verifySnsMessage', () => {
  for (const version of ['1', '2'] as const) {
    it(`accepts a notification signed with SignatureVersion ${version}`, async () => {
      const envelope = signer.signSnsMessage(fields, version);
      const result = await verify(envelope);
      expect(result).toEqual({ ok: true, message: envelope });
    });

    it(`accepts a notification without a Subject (version ${version})`, async () => {
      expect(await verify(signer.signSnsMessage({ Message: 'hello' }, version))).toMatchObject({ ok: true });
    });

    it(`refuses altered signed fields (version ${version})`, async () => {
      const envelope = signer.signSnsMessage(fields, version);
      const otherTopic = 'arn:aws:sns:eu-west-1:123456789012:other';
      const alterations = [
        { Message: envelope.Message.replace('Permanent', 'Transient') },
        { Subject: 'Something else' },
        { MessageId: 'another-id' },
        { Timestamp: '2020-01-01T00:00:00.000Z' },
        { TopicArn: otherTopic },
        {
          Type: 'SubscriptionConfirmation',
          SubscribeURL: 'https://sns.eu-west-1.amazonaws.com/x',
          Token: 't',
        },
        { SignatureVersion: version === '1' ? '2' : '1' },
        { Signature: signer.signSnsMessage({ Message: 'other' }, version).Signature },
      ];
      for (const alteration of alterations) {
        const result = await verify(
          { ...envelope, ...alteration },
          { ...options, topicArns: [TEST_TOPIC_ARN, otherTopic] },
        );
        expect(result, JSON.stringify(Object.keys(alteration))).toEqual({
          ok: false,
          reason: 'bad-signature',
        });
      }
      const { Subject: _dropped, ...withoutSubject } = envelope;
      expect(await verify(withoutSubject)).toEqual({ ok: false, reason: 'bad-signature' });
    });
  }

  it('refuses a signature made with another key', async () => {
    const impostor = createSnsTestSigner();
    expect(await verify(impostor.signSnsMessage(fields))).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('accepts subscription and unsubscribe confirmations', async () => {
    for (const Type of ['SubscriptionConfirmation', 'UnsubscribeConfirmation'] as const) {
      const envelope = signer.signSnsMessage({ Type, Message: `You have chosen to ... ${Type}` }, '2');
      expect(await verify(envelope)).toEqual({ ok: true, message: envelope });
      expect(await verify({ ...envelope, Token: `${envelope.Token}0` })).toEqual({
        ok: false,
        reason: 'bad-signature',
      });
      expect(
        await verify({ ...envelope, SubscribeURL: 'https://sns.eu-west-1.amazonaws.com/?evil' }),
      ).toEqual({
        ok: false,
        reason: 'bad-signature',
      });
    }
  });

  it('refuses certificate URLs off AWS, without https, with userinfo or not ending .pem', async () => {
    const bad = [
      'http://sns.eu-west-1.amazonaws.com/cert.pem',
      'https://sns.eu-west-1.amazonaws.com.evil.example/cert.pem',
      'https://evil.example/sns.eu-west-1.amazonaws.com/cert.pem',
      'https://sns.eu-west-1.amazonaws.com@evil.example/cert.pem',
      'https://user:pw@sns.eu-west-1.amazonaws.com/cert.pem',
      'https://sns.eu-west-1.amazonaws.com/cert.pem.txt',
      'https://sns.eu-west-1.amazonaws.com/cert.pem?x=.pem.exe',
      'https://sns.eu-west-1.amazonaws.com/cert.pem#frag',
      'https://s3.amazonaws.com/cert.pem',
      'file:///etc/ssl/cert.pem',
      'not a url',
    ];
    let fetched = 0;
    const counting = {
      ...options,
      fetchCertificate: (url: string) => {
        fetched++;
        return signer.fetchCertificate(url);
      },
    };
    for (const url of bad) {
      const envelope = signer.signSnsMessage({ ...fields, SigningCertURL: url });
      expect(await verify(envelope, counting), url).toEqual({ ok: false, reason: 'bad-cert-url' });
    }
    expect(fetched).toBe(0);
  });

  it('accepts the certificate hosts AWS uses, including China regions', () => {
    for (const url of [
      'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem',
      'https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-3242f6a8b1a7f5bc8c2d0bcbe0f7e1a2.pem',
    ]) {
      expect(isTrustedCertUrl(url), url).toBe(true);
    }
  });

  it('anchors a host pattern given as a string', () => {
    const pattern = 'sns\\.[a-z0-9-]+\\.amazonaws\\.com';
    expect(isTrustedCertUrl('https://sns.eu-west-1.amazonaws.com/c.pem', { certHostPattern: pattern })).toBe(
      true,
    );
    expect(
      isTrustedCertUrl('https://sns.eu-west-1.amazonaws.com.evil.example/c.pem', {
        certHostPattern: pattern,
      }),
    ).toBe(false);
  });

  it('allows http only when explicitly asked, for tests', () => {
    const url = 'http://127.0.0.1:8080/cert.pem';
    expect(isTrustedCertUrl(url, { certHostPattern: '127\\.0\\.0\\.1' })).toBe(false);
    expect(
      isTrustedCertUrl(url, { certHostPattern: '127\\.0\\.0\\.1', allowInsecureCertUrlForTests: true }),
    ).toBe(true);
    expect(isTrustedCertUrl(url, { allowInsecureCertUrlForTests: true })).toBe(false);
    expect(
      isTrustedCertUrl('http://u@127.0.0.1:8080/cert.pem', {
        certHostPattern: '127\\.0\\.0\\.1',
        allowInsecureCertUrlForTests: true,
      }),
    ).toBe(false);
  });

  it('refuses a topic that is not allowed', async () => {
    const envelope = signer.signSnsMessage({
      ...fields,
      TopicArn: 'arn:aws:sns:eu-west-1:999999999999:stranger',
    });
    expect(await verify(envelope)).toEqual({ ok: false, reason: 'unknown-topic' });
    expect(await verify(signer.signSnsMessage(fields), { ...options, topicArns: [] })).toEqual({
      ok: false,
      reason: 'unknown-topic',
    });
  });

  it('reports cert-unavailable when the certificate cannot be had', async () => {
    const envelope = signer.signSnsMessage(fields);
    const failing = async () => {
      throw new Error('connect ECONNREFUSED');
    };
    expect(await verify(envelope, { ...options, fetchCertificate: failing })).toEqual({
      ok: false,
      reason: 'cert-unavailable',
    });
    const garbage = async () => '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n';
    expect(await verify(envelope, { ...options, fetchCertificate: garbage })).toEqual({
      ok: false,
      reason: 'cert-unavailable',
    });
  });

  it('refuses malformed bodies', async () => {
    const envelope = signer.signSnsMessage(fields);
    const { Signature: _s, ...unsigned } = envelope;
    for (const body of [
      '',
      'not json',
      'null',
      '[]',
      JSON.stringify(unsigned),
      JSON.stringify({ ...envelope, Type: 'Other' }),
      JSON.stringify({ ...envelope, SignatureVersion: '3' }),
      JSON.stringify({ ...envelope, Message: 42 }),
      JSON.stringify({ ...envelope, Type: 'SubscriptionConfirmation' }), // no SubscribeURL or Token
    ]) {
      expect(await verifySnsMessage(body, options), body.slice(0, 40)).toEqual({
        ok: false,
        reason: 'malformed',
      });
    }
  });
});

describe('snsStringToSign', () => {
  it('builds the documented string for a SubscriptionConfirmation', () => {
    const message = snsEnvelopeSchema.parse({
      Type: 'SubscriptionConfirmation',
      MessageId: '165545c9-2a5c-472c-8df2-7ff2be2b3b1b',
      Token: '2336412f37f',
      TopicArn: 'arn:aws:sns:us-west-2:123456789012:MyTopic',
      Message: 'You have chosen to subscribe to the topic arn:aws:sns:us-west-2:123456789012:MyTopic.',
      SubscribeURL: 'https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&Token=2336412f37f',
      Timestamp: '2012-04-26T20:45:04.751Z',
      SignatureVersion: '1',
      Signature:
        'EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=',
      SigningCertURL:
        'https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem',
    });
    expect(snsStringToSign(message)).toBe(
      'Message\nYou have chosen to subscribe to the topic arn:aws:sns:us-west-2:123456789012:MyTopic.\n' +
        'MessageId\n165545c9-2a5c-472c-8df2-7ff2be2b3b1b\n' +
        'SubscribeURL\nhttps://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&Token=2336412f37f\n' +
        'Timestamp\n2012-04-26T20:45:04.751Z\n' +
        'Token\n2336412f37f\n' +
        'TopicArn\narn:aws:sns:us-west-2:123456789012:MyTopic\n' +
        'Type\nSubscriptionConfirmation\n',
    );
  });

  it('builds the documented string for a Notification, Subject only when present', () => {
    const envelope = {
      Type: 'Notification',
      MessageId: 'm1',
      TopicArn: 't1',
      Message: 'hello\nworld',
      Timestamp: '2026-01-01T00:00:00.000Z',
      SignatureVersion: '2',
      Signature: 'x',
      SigningCertURL: 'https://sns.eu-west-1.amazonaws.com/c.pem',
    };
    expect(snsStringToSign(snsEnvelopeSchema.parse(envelope))).toBe(
      'Message\nhello\nworld\nMessageId\nm1\nTimestamp\n2026-01-01T00:00:00.000Z\nTopicArn\nt1\nType\nNotification\n',
    );
    expect(snsStringToSign(snsEnvelopeSchema.parse({ ...envelope, Subject: 's' }))).toBe(
      'Message\nhello\nworld\nMessageId\nm1\nSubject\ns\nTimestamp\n2026-01-01T00:00:00.000Z\nTopicArn\nt1\nType\nNotification\n',
    );
  });
});

describe('certificate over loopback HTTP with the default fetcher', () => {
  let served: Awaited<ReturnType<typeof serveCertificate>>;
  beforeAll(async () => {
    served = await serveCertificate(signer);
  });
  afterAll(() => served.close());

  it('verifies end to end, fetching the certificate once', async () => {
    const loopback: SnsVerifyOptions = {
      topicArns: [TEST_TOPIC_ARN],
      fetchCertificate: createCertificateFetcher({ timeoutMs: 2000 }),
      certHostPattern: '127\\.0\\.0\\.1',
      allowInsecureCertUrlForTests: true,
    };
    const before = served.requests();
    for (const version of ['1', '2'] as const) {
      const envelope = signer.signSnsMessage({ ...fields, SigningCertURL: served.url }, version);
      expect(await verify(envelope, loopback)).toEqual({ ok: true, message: envelope });
    }
    expect(served.requests() - before).toBe(1);
    const strict = { ...loopback, allowInsecureCertUrlForTests: false };
    expect(await verify(signer.signSnsMessage({ ...fields, SigningCertURL: served.url }), strict)).toEqual({
      ok: false,
      reason: 'bad-cert-url',
    });
  });

  it('reports cert-unavailable on a 404, and tries again next time', async () => {
    const fetchCertificate = createCertificateFetcher({ timeoutMs: 2000 });
    const missing = served.url.replace('cert.pem', 'missing.pem');
    await expect(fetchCertificate(missing)).rejects.toThrow(/HTTP 404/);
    await expect(fetchCertificate(missing)).rejects.toThrow(/HTTP 404/);
    const envelope = signer.signSnsMessage({ ...fields, SigningCertURL: missing });
    const result = await verify(envelope, {
      topicArns: [TEST_TOPIC_ARN],
      fetchCertificate,
      certHostPattern: '127\\.0\\.0\\.1',
      allowInsecureCertUrlForTests: true,
    });
    expect(result).toEqual({ ok: false, reason: 'cert-unavailable' });
  });
});

describe('parseSesEvent', () => {
  const tags = { 'ses:configuration-set': ['society-mailer'], campaign: ['42'] };

  it('reads a permanent bounce from event publishing, with tags', () => {
    const message = sesEventMessage('Bounce', {
      messageId: 'ses-1',
      recipients: ['a@example.org', 'b@example.org'],
      tags,
    });
    expect(parseSesEvent(message)).toEqual({
      type: 'bounce',
      mail: { messageId: 'ses-1', tags },
      bounceType: 'Permanent',
      bounceSubType: 'General',
      recipients: ['a@example.org', 'b@example.org'],
      timestamp: '2026-03-02T10:15:30.123Z',
    });
  });

  it('reads a transient bounce from an identity notification, which has no tags', () => {
    const message = sesEventMessage('Bounce', { bounceType: 'Transient', bounceSubType: 'MailboxFull' });
    expect(parseSesEvent(message)).toMatchObject({
      type: 'bounce',
      bounceType: 'Transient',
      bounceSubType: 'MailboxFull',
      mail: { tags: {} },
    });
  });

  it('reads a complaint', () => {
    expect(parseSesEvent(sesEventMessage('Complaint', { messageId: 'ses-2', tags }))).toEqual({
      type: 'complaint',
      mail: { messageId: 'ses-2', tags },
      recipients: ['member@example.org'],
      feedbackType: 'abuse',
      timestamp: '2026-03-02T10:15:30.123Z',
    });
  });

  it('reads a delivery', () => {
    expect(parseSesEvent(sesEventMessage('Delivery', { messageId: 'ses-3', tags }))).toEqual({
      type: 'delivery',
      mail: { messageId: 'ses-3', tags },
      recipients: ['member@example.org'],
      timestamp: '2026-03-02T10:15:30.123Z',
    });
  });

  it('reads inbound mail to our unsubscribe address', () => {
    const message = sesEventMessage('Received', { recipients: ['unsubscribe+abc@mail.society.example'] });
    expect(parseSesEvent(message)).toEqual({
      type: 'received',
      mail: { messageId: 'o3vrnil0e2ic28trm7dfhrc2v0cnbeccl4nbp0g1', tags: {} },
      recipients: ['unsubscribe+abc@mail.society.example'],
      from: ['A Member <member@example.org>'],
      subject: 'unsubscribe',
      headers: [
        { name: 'Return-Path', value: '<member@example.org>' },
        { name: 'From', value: 'A Member <member@example.org>' },
        { name: 'To', value: 'unsubscribe+abc@mail.society.example' },
        { name: 'Subject', value: 'unsubscribe' },
      ],
      timestamp: '2026-03-02T10:15:30.123Z',
    });
  });

  it('ignores event types it does not handle', () => {
    for (const eventType of ['Send', 'Open', 'Click', 'Reject', 'DeliveryDelay', 'Rendering Failure']) {
      expect(parseSesEvent(JSON.stringify({ eventType, mail: { messageId: 'x' } }))).toEqual({
        type: 'ignored',
        eventType,
      });
    }
    expect(
      parseSesEvent(JSON.stringify({ notificationType: 'AmazonSnsSubscriptionSucceeded' })),
    ).toMatchObject({
      type: 'ignored',
    });
    expect(parseSesEvent('{}')).toEqual({ type: 'ignored' });
  });

  it('reports a malformed event by field, without echoing its values', () => {
    expect(parseSesEvent('not json')).toEqual({ type: 'malformed', problem: 'Message is not JSON' });
    expect(parseSesEvent('"text"')).toEqual({ type: 'malformed', problem: 'Message is not an object' });
    const noRecipients = JSON.parse(sesEventMessage('Bounce'));
    noRecipients.bounce.bounceType = 'Sideways';
    const result = parseSesEvent(JSON.stringify(noRecipients));
    expect(result).toMatchObject({
      type: 'malformed',
      problem: expect.stringContaining('bounce.bounceType'),
    });
    expect(JSON.stringify(result)).not.toContain('Sideways');
    expect(JSON.stringify(result)).not.toContain('@');
    expect(
      parseSesEvent(JSON.stringify({ notificationType: 'Delivery', mail: { messageId: 'x' } })),
    ).toMatchObject({
      type: 'malformed',
    });
  });
});
