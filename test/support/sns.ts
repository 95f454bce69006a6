/**
 * A stand-in for Amazon SNS in tests: a throwaway RSA key with a self-signed
 * certificate, envelopes signed the way SNS signs them, and a loopback HTTP
 * server for the certificate.
 *
 * Two ways to hand the certificate to the code under test:
 * - unit tests pass `signer.fetchCertificate` as `fetchCertificate` and keep
 *   the default, AWS-looking `signer.certUrl`;
 * - integration tests that go through the app's real fetcher call
 *   `serveCertificate(signer)`, sign with `{ SigningCertURL: served.url }`
 *   (`http://127.0.0.1:<port>/cert.pem`) and configure verification with
 *   `certHostPattern: '127\\.0\\.0\\.1'` and `allowInsecureCertUrlForTests: true`.
 *
 * The certificate is built with node:crypto and a few lines of DER, so tests
 * need no openssl binary. The string to sign is written out here independently
 * of src/, so a wrong field order in src/ fails the tests instead of agreeing
 * with itself.
 */
import { createSign, generateKeyPairSync, type KeyObject, randomBytes, randomUUID, sign } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export const TEST_TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:society-mailer-ses-events';
export const TEST_CERT_URL =
  'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000000000000000000000000000test.pem';

export type SnsType = 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';

/** Fields a test may set; the rest get realistic defaults. */
export type SnsFields = {
  Type?: SnsType;
  Message: string;
  MessageId?: string;
  TopicArn?: string;
  Subject?: string;
  Timestamp?: string;
  SigningCertURL?: string;
  SubscribeURL?: string;
  Token?: string;
};

export type SignedSnsEnvelope = Required<Pick<SnsFields, 'Type' | 'MessageId' | 'TopicArn' | 'Timestamp'>> & {
  Message: string;
  Subject?: string;
  SubscribeURL?: string;
  Token?: string;
  UnsubscribeURL?: string;
  SignatureVersion: '1' | '2';
  Signature: string;
  SigningCertURL: string;
};

export type SnsTestSigner = {
  certificatePem: string;
  certUrl: string;
  /** Serves the certificate for any URL: the URL checks are verifySns's job, not the fetcher's. */
  fetchCertificate: (url: string) => Promise<string>;
  signSnsMessage: (fields: SnsFields, version?: '1' | '2') => SignedSnsEnvelope;
};

/** A new key and certificate (about 100 ms: RSA 2048, as AWS uses). */
export function createSnsTestSigner(certUrl = TEST_CERT_URL): SnsTestSigner {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const certificatePem = selfSignedCertificate(privateKey, publicKey, 'sns.amazonaws.com.test');
  return {
    certificatePem,
    certUrl,
    fetchCertificate: async () => certificatePem,
    signSnsMessage: (fields, version = '1') => signEnvelope(privateKey, certUrl, fields, version),
  };
}

let shared: SnsTestSigner | undefined;

/** One signer per test process, made on first use. */
export function snsTestSigner(): SnsTestSigner {
  shared ??= createSnsTestSigner();
  return shared;
}

/** Signs with the shared signer; see `createSnsTestSigner` for one of your own. */
export function signSnsMessage(fields: SnsFields, version: '1' | '2' = '1'): SignedSnsEnvelope {
  return snsTestSigner().signSnsMessage(fields, version);
}

/**
 * Serves the signer's certificate at `http://127.0.0.1:<port>/cert.pem` (404
 * elsewhere). `requests` counts hits, so a test can see a cache at work.
 */
export async function serveCertificate(
  signer: Pick<SnsTestSigner, 'certificatePem'> = snsTestSigner(),
): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    if (req.method === 'GET' && req.url === '/cert.pem') {
      res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(signer.certificatePem);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/cert.pem`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function signEnvelope(privateKey: KeyObject, certUrl: string, fields: SnsFields, version: '1' | '2') {
  const type = fields.Type ?? 'Notification';
  const envelope: Omit<SignedSnsEnvelope, 'Signature'> = {
    Type: type,
    MessageId: fields.MessageId ?? randomUUID(),
    TopicArn: fields.TopicArn ?? TEST_TOPIC_ARN,
    ...(fields.Subject === undefined ? {} : { Subject: fields.Subject }),
    Message: fields.Message,
    Timestamp: fields.Timestamp ?? new Date().toISOString(),
    SignatureVersion: version,
    SigningCertURL: fields.SigningCertURL ?? certUrl,
  };
  if (type === 'Notification') {
    envelope.UnsubscribeURL = `https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${envelope.TopicArn}:${randomUUID()}`;
  } else {
    envelope.Token = fields.Token ?? randomBytes(64).toString('hex');
    envelope.SubscribeURL =
      fields.SubscribeURL ??
      `https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${envelope.TopicArn}&Token=${envelope.Token}`;
  }
  // The documented order: Notification signs Message, MessageId, Subject (if
  // any), Timestamp, TopicArn, Type; the confirmations sign Message, MessageId,
  // SubscribeURL, Timestamp, Token, TopicArn, Type.
  const keys =
    type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  const values = envelope as Record<string, string | undefined>;
  const stringToSign = keys
    .filter((k) => values[k] !== undefined)
    .map((k) => `${k}\n${values[k]}\n`)
    .join('');
  const signer = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
  signer.update(stringToSign, 'utf8');
  return { ...envelope, Signature: signer.sign(privateKey, 'base64') };
}

// --- A minimal self-signed X.509 v3 certificate in DER -----------------------

function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const n = body.length;
  const length =
    n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

const SEQUENCE = 0x30;
const SET = 0x31;
const SHA256_WITH_RSA = der(
  SEQUENCE,
  Buffer.from('06092a864886f70d01010b', 'hex'),
  Buffer.from('0500', 'hex'),
);
const COMMON_NAME_OID = Buffer.from('0603550403', 'hex');

function name(commonName: string): Buffer {
  return der(SEQUENCE, der(SET, der(SEQUENCE, COMMON_NAME_OID, der(0x0c, Buffer.from(commonName)))));
}

function utcTime(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, '').slice(2, 14);
  return der(0x17, Buffer.from(`${text}Z`));
}

function selfSignedCertificate(privateKey: KeyObject, publicKey: KeyObject, commonName: string): string {
  const serial = randomBytes(8);
  serial[0] = serial[0]! & 0x7f; // positive
  const now = Date.now();
  const tbs = der(
    SEQUENCE,
    der(0xa0, der(0x02, Buffer.from([2]))), // version 3
    der(0x02, serial),
    SHA256_WITH_RSA,
    name(commonName),
    der(SEQUENCE, utcTime(new Date(now - 3_600_000)), utcTime(new Date(now + 86_400_000))),
    name(commonName),
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const certificate = der(SEQUENCE, tbs, SHA256_WITH_RSA, der(0x03, Buffer.from([0]), signature));
  const lines = certificate.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

// --- SES events as SES puts them in an SNS Message ---------------------------

export type SesSampleOptions = {
  /** SES message id of the send the event is about. */
  messageId?: string;
  recipients?: string[];
  /** Message tags; given, the event has the event-publishing shape (`eventType`, `mail.tags`). */
  tags?: Record<string, string[]>;
  bounceType?: 'Permanent' | 'Transient' | 'Undetermined';
  bounceSubType?: string;
};

/**
 * The JSON text of an SES Bounce, Complaint, Delivery or Received event, shaped
 * as in the SES developer guide (notification and event-publishing contents),
 * with the fields we do not read left in so parsing must tolerate them.
 */
export function sesEventMessage(
  kind: 'Bounce' | 'Complaint' | 'Delivery' | 'Received',
  options: SesSampleOptions = {},
): string {
  const messageId = options.messageId ?? '0102018c9f3a1b2c-5e6f7a8b-1c2d-4e5f-8a9b-0c1d2e3f4a5b-000000';
  const recipients = options.recipients ?? ['member@example.org'];
  const timestamp = '2026-03-02T10:15:30.123Z';
  const sentAt = '2026-03-02T10:15:28.000Z';
  const mail = {
    timestamp: sentAt,
    source: 'The Society <news@mail.society.example>',
    sourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/mail.society.example',
    sourceIp: '203.0.113.10',
    callerIdentity: 'society-mailer',
    sendingAccountId: '123456789012',
    messageId,
    destination: recipients,
    headersTruncated: false,
    headers: [
      { name: 'From', value: 'The Society <news@mail.society.example>' },
      { name: 'To', value: recipients.join(', ') },
      { name: 'Subject', value: 'Society news, March' },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ],
    commonHeaders: {
      from: ['The Society <news@mail.society.example>'],
      to: recipients,
      messageId,
      subject: 'Society news, March',
    },
    ...(options.tags ? { tags: options.tags } : {}),
  };
  const kindField = options.tags ? { eventType: kind } : { notificationType: kind };
  switch (kind) {
    case 'Bounce':
      return JSON.stringify({
        ...kindField,
        bounce: {
          feedbackId: '0102018c9f3a1c3d-aaaabbbb-cccc-dddd-eeee-ffff00001111-000000',
          bounceType: options.bounceType ?? 'Permanent',
          bounceSubType: options.bounceSubType ?? 'General',
          bouncedRecipients: recipients.map((emailAddress) => ({
            emailAddress,
            action: 'failed',
            status: '5.1.1',
            diagnosticCode: 'smtp; 550 5.1.1 user unknown',
          })),
          timestamp,
          remoteMtaIp: '198.51.100.25',
          reportingMTA: 'dsn; e226-55.smtp-out.eu-west-1.amazonses.com',
        },
        mail,
      });
    case 'Complaint':
      return JSON.stringify({
        ...kindField,
        complaint: {
          feedbackId: '0102018c9f3a1d4e-11112222-3333-4444-5555-666677778888-000000',
          complaintSubType: null,
          complainedRecipients: recipients.map((emailAddress) => ({ emailAddress })),
          timestamp,
          userAgent: 'Mozilla/5.0 (compatible; Feedback-Loop/1.0)',
          complaintFeedbackType: 'abuse',
          arrivalDate: '2026-03-02T10:15:29.000Z',
        },
        mail,
      });
    case 'Delivery':
      return JSON.stringify({
        ...kindField,
        delivery: {
          timestamp,
          processingTimeMillis: 2123,
          recipients,
          smtpResponse: '250 2.6.0 Message received',
          remoteMtaIp: '198.51.100.25',
          reportingMTA: 'e226-55.smtp-out.eu-west-1.amazonses.com',
        },
        mail,
      });
    case 'Received':
      return JSON.stringify({
        notificationType: 'Received',
        receipt: {
          timestamp,
          processingTimeMillis: 574,
          recipients,
          spamVerdict: { status: 'PASS' },
          virusVerdict: { status: 'PASS' },
          spfVerdict: { status: 'PASS' },
          dkimVerdict: { status: 'PASS' },
          dmarcVerdict: { status: 'PASS' },
          action: { type: 'SNS', topicArn: TEST_TOPIC_ARN, encoding: 'UTF8' },
        },
        mail: {
          timestamp: sentAt,
          source: 'member@example.org',
          messageId: options.messageId ?? 'o3vrnil0e2ic28trm7dfhrc2v0cnbeccl4nbp0g1',
          destination: recipients,
          headersTruncated: false,
          headers: [
            { name: 'Return-Path', value: '<member@example.org>' },
            { name: 'From', value: 'A Member <member@example.org>' },
            { name: 'To', value: recipients.join(', ') },
            { name: 'Subject', value: 'unsubscribe' },
          ],
          commonHeaders: {
            returnPath: 'member@example.org',
            from: ['A Member <member@example.org>'],
            date: 'Mon, 2 Mar 2026 10:15:27 +0000',
            to: recipients,
            messageId: '<CAF1234@mail.example.org>',
            subject: 'unsubscribe',
          },
        },
        content: 'Return-Path: <member@example.org>\r\nSubject: unsubscribe\r\n\r\n',
      });
  }
}
