import { sql } from 'drizzle-orm';
import { type ApplyOutcome, applySesEvent } from '../../feedback/applySesEvent.ts';
import { confirmSubscription } from '../../feedback/confirmSubscription.ts';
import { createCertificateFetcher, parseSesEvent, verifySnsMessage } from '../../feedback/verifySns.ts';
import { recordSeedMail } from '../../subcontractors/seedMail.ts';
import type { Mount } from '../app.ts';
import { problem } from '../problems.ts';

/**
 * POST /webhooks/ses: SES events delivered by Amazon SNS.
 *
 * Verification comes first and gates everything: the envelope, the
 * certificate URL (https on an SNS host), the TopicArn (one configured in
 * SNS_TOPIC_ARNS) and the signature (v1 or v2). Any failure is a 403 and
 * nothing is read further or changed; a certificate we could not fetch is a
 * 503 so SNS delivers again later.
 *
 * A verified notification is handled in one transaction that first claims its
 * MessageId in processed_notifications: a redelivery finds it taken and
 * changes nothing. Never logs an address.
 */
export const sesWebhookRoutes: Mount = (app, deps) => {
  const allowInsecure = deps.config.NODE_ENV === 'test' && deps.config.SNS_ALLOW_INSECURE_CERT_URL;
  const hostPattern = deps.config.SNS_CERT_HOST_PATTERN;
  const verifyOptions = {
    topicArns: deps.config.SNS_TOPIC_ARNS,
    fetchCertificate: createCertificateFetcher(),
    certHostPattern: hostPattern,
    allowInsecureCertUrlForTests: allowInsecure,
  };

  app.post('/webhooks/ses', async (c) => {
    const verified = await verifySnsMessage(await c.req.text(), verifyOptions);
    if (!verified.ok) {
      deps.log.warn({ reason: verified.reason }, 'SNS delivery refused');
      if (verified.reason === 'cert-unavailable') {
        return problem(
          c,
          503,
          'unavailable',
          'the SNS signing certificate could not be fetched; retry later',
        );
      }
      return problem(c, 403, 'forbidden', `SNS message refused: ${verified.reason}`);
    }
    const message = verified.message;

    if (message.Type === 'SubscriptionConfirmation') {
      const outcome = await confirmSubscription(message.SubscribeURL, {
        hostPattern,
        allowInsecureForTests: allowInsecure,
      });
      deps.log.info({ topicArn: message.TopicArn, outcome: outcome.type }, 'SNS subscription confirmation');
      if (outcome.type === 'untrusted-url') {
        return problem(c, 403, 'forbidden', 'SubscribeURL is not on an SNS host');
      }
      if (outcome.type === 'failed')
        return problem(c, 502, 'bad_gateway', 'confirming the subscription failed');
      return c.json({ status: 'confirmed' }, 200);
    }
    if (message.Type === 'UnsubscribeConfirmation') return c.json({ status: 'ignored' }, 200);

    const event = parseSesEvent(message.Message);
    if (event.type === 'malformed') {
      deps.log.warn({ messageId: message.MessageId, problem: event.problem }, 'SES event not understood');
    }
    const applied = await deps.db.transaction(async (tx): Promise<ApplyOutcome | null> => {
      const claimed = await tx.execute(sql`
        insert into processed_notifications (message_id, type) values (${message.MessageId}, ${event.type})
        on conflict (message_id) do nothing`);
      if (claimed.count === 0) return null;
      return applySesEvent(tx, event, { mailDomain: deps.config.MAIL_DOMAIN, recordSeedMail });
    });
    if (applied === null) return c.json({ status: 'duplicate' }, 200);
    if (applied.consentEntries > 0) {
      const source = event.type === 'received' ? 'mailto' : event.type;
      deps.metrics.consentChanges.labels(source).inc(applied.consentEntries);
    }
    return c.json({ status: 'processed', type: event.type, ...applied }, 200);
  });
};
