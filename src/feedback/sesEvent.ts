/**
 * The SES event inside a verified SNS `Message`, reduced to what feedback
 * handling needs.
 *
 * Two shapes reach us, with the same sub-objects: identity notifications carry
 * `notificationType` (Bounce, Complaint, Delivery, and Received from an inbound
 * receipt rule), configuration-set event publishing carries `eventType` and
 * adds `mail.tags` (our `campaign` tag, `ses:configuration-set`, …). Everything
 * else SES sends (Send, Reject, Open, Click, DeliveryDelay, …) is `ignored`.
 * Unneeded fields pass through unchecked, so SES adding fields breaks nothing.
 *
 * Shapes: https://docs.aws.amazon.com/ses/latest/dg/notification-contents.html,
 * https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html,
 * https://docs.aws.amazon.com/ses/latest/dg/receiving-email-notifications-contents.html
 */
import { z } from 'zod';

/** The sent (or, for `received`, the inbound) message an event is about. */
export type SesMail = {
  /** SES's message id, returned by SendEmail: how an event finds its send. */
  messageId: string;
  /** SES message tags; empty for identity notifications, which carry none. */
  tags: Record<string, string[]>;
};

export type SesEvent =
  | {
      type: 'bounce';
      mail: SesMail;
      /** Permanent: suppress. Transient: retry later. Undetermined: SES could not tell. */
      bounceType: 'Permanent' | 'Transient' | 'Undetermined';
      bounceSubType: string;
      recipients: string[];
      timestamp: string;
    }
  | { type: 'complaint'; mail: SesMail; recipients: string[]; feedbackType?: string; timestamp: string }
  | { type: 'delivery'; mail: SesMail; recipients: string[]; timestamp: string }
  | {
      type: 'received';
      mail: SesMail;
      /** The addresses of ours the message was delivered to (unsubscribe, seed addresses). */
      recipients: string[];
      from: string[];
      subject?: string;
      /** The inbound message's headers, as SES lists them (for seed mail evidence). */
      headers: { name: string; value: string }[];
      timestamp: string;
    }
  | { type: 'ignored'; eventType?: string }
  /** `problem` names the field that failed, never a value from the event. */
  | { type: 'malformed'; problem: string };

const mail = z.looseObject({
  messageId: z.string().min(1),
  tags: z.record(z.string(), z.array(z.string())).optional(),
});

const recipient = z.looseObject({ emailAddress: z.string() });

const bounce = z.looseObject({
  mail,
  bounce: z.looseObject({
    bounceType: z.enum(['Permanent', 'Transient', 'Undetermined']),
    bounceSubType: z.string(),
    bouncedRecipients: z.array(recipient).min(1),
    timestamp: z.string(),
  }),
});

const complaint = z.looseObject({
  mail,
  complaint: z.looseObject({
    complainedRecipients: z.array(recipient).min(1),
    complaintFeedbackType: z.string().optional(),
    timestamp: z.string(),
  }),
});

const delivery = z.looseObject({
  mail,
  delivery: z.looseObject({ recipients: z.array(z.string()).min(1), timestamp: z.string() }),
});

const received = z.looseObject({
  mail: mail.extend({
    headers: z.array(z.looseObject({ name: z.string(), value: z.string() })).optional(),
    commonHeaders: z
      .looseObject({ from: z.array(z.string()).optional(), subject: z.string().optional() })
      .optional(),
  }),
  receipt: z.looseObject({ recipients: z.array(z.string()).min(1), timestamp: z.string() }),
});

const kind = z.looseObject({ notificationType: z.string().optional(), eventType: z.string().optional() });

/** Parses the SNS `Message` text of an SES event. Never throws. */
export function parseSesEvent(messageJson: string): SesEvent {
  let json: unknown;
  try {
    json = JSON.parse(messageJson);
  } catch {
    return { type: 'malformed', problem: 'Message is not JSON' };
  }
  const k = kind.safeParse(json);
  if (!k.success) return { type: 'malformed', problem: 'Message is not an object' };
  const eventType = k.data.eventType ?? k.data.notificationType;

  switch (eventType) {
    case 'Bounce':
      return parseWith(bounce, json, (e) => ({
        type: 'bounce',
        mail: toMail(e.mail),
        bounceType: e.bounce.bounceType,
        bounceSubType: e.bounce.bounceSubType,
        recipients: e.bounce.bouncedRecipients.map((r) => r.emailAddress),
        timestamp: e.bounce.timestamp,
      }));
    case 'Complaint':
      return parseWith(complaint, json, (e) => ({
        type: 'complaint',
        mail: toMail(e.mail),
        recipients: e.complaint.complainedRecipients.map((r) => r.emailAddress),
        ...(e.complaint.complaintFeedbackType === undefined
          ? {}
          : { feedbackType: e.complaint.complaintFeedbackType }),
        timestamp: e.complaint.timestamp,
      }));
    case 'Delivery':
      return parseWith(delivery, json, (e) => ({
        type: 'delivery',
        mail: toMail(e.mail),
        recipients: e.delivery.recipients,
        timestamp: e.delivery.timestamp,
      }));
    case 'Received':
      return parseWith(received, json, (e) => ({
        type: 'received',
        mail: toMail(e.mail),
        recipients: e.receipt.recipients,
        from: e.mail.commonHeaders?.from ?? [],
        ...(e.mail.commonHeaders?.subject === undefined ? {} : { subject: e.mail.commonHeaders.subject }),
        headers: (e.mail.headers ?? []).map((h) => ({ name: h.name, value: h.value })),
        timestamp: e.receipt.timestamp,
      }));
    default:
      return eventType === undefined ? { type: 'ignored' } : { type: 'ignored', eventType };
  }
}

function parseWith<S extends z.ZodType>(
  schema: S,
  json: unknown,
  build: (e: z.output<S>) => SesEvent,
): SesEvent {
  const parsed = schema.safeParse(json);
  if (parsed.success) return build(parsed.data);
  const issue = parsed.error.issues[0];
  return { type: 'malformed', problem: `${issue?.path.join('.') || 'Message'}: ${issue?.code ?? 'invalid'}` };
}

function toMail(m: z.output<typeof mail>): SesMail {
  return { messageId: m.messageId, tags: m.tags ?? {} };
}
