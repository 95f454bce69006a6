import { z } from '@hono/zod-openapi';
import { segmentSchema } from '../audiences/segment.ts';
import { CHANNELS, TOPICS } from '../consent/vocabulary.ts';

const headerSafe = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !/[\r\n\0]/.test(s), 'must not contain line breaks');

/** "Name <address>" or a bare address, one line. */
const mailbox = headerSafe(254).refine(
  (s) => /^(?:[^<>"@]{0,100}<[^<>\s@]+@[^<>\s@]+\.[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+\.[^<>\s@]+)$/.test(s),
  'a mailbox such as "The Society <news@society.example>"',
);

const language = z.string().regex(/^[a-z]{2,3}$/, 'a two- or three-letter language code');

/** A translation of the content: its own subject and/or MJML. */
const variant = z.strictObject({
  subject: headerSafe(200).optional(),
  mjml: z.string().max(500_000).optional(),
});

const fields = {
  name: z.string().trim().min(1).max(200),
  topic: z.enum(TOPICS),
  channel: z.enum(CHANNELS).default('email'),
  subject: headerSafe(200),
  /** A template in emails/ (e.g. "society-mailing"), or `mjml` with the content itself. */
  template: z
    .string()
    .regex(/^[a-z0-9-]+$/, 'a template name such as "society-mailing"')
    .optional(),
  mjml: z.string().max(500_000).optional(),
  defaultLanguage: language.default('en'),
  variants: z.record(language, variant).default({}),
  segment: segmentSchema.default({ all: [] }),
  fromAddress: mailbox.optional(),
  replyTo: mailbox.optional(),
  rateLimit: z
    .number()
    .positive()
    .max(10_000)
    .optional()
    .describe('Messages per second, under the global rate'),
  contractId: z.number().int().positive().optional(),
};

export const createCampaignInput = z
  .strictObject(fields)
  .refine((c) => (c.template === undefined) !== (c.mjml === undefined), {
    message: 'give either "template" or "mjml", not both',
    path: ['template'],
  })
  .openapi('CreateCampaign');
export type CreateCampaignInput = z.infer<typeof createCampaignInput>;

export const updateCampaignInput = z
  .strictObject({
    ...fields,
    channel: fields.channel.removeDefault(),
    defaultLanguage: fields.defaultLanguage.removeDefault(),
    variants: fields.variants.removeDefault(),
    segment: segmentSchema,
  })
  .partial()
  .openapi('UpdateCampaign');
export type UpdateCampaignInput = z.infer<typeof updateCampaignInput>;

export const scheduleInput = z
  .strictObject({
    /** A local date and time, read in `timeZone`. */
    sendAt: z.iso.datetime({
      local: true,
      offset: true,
      message: 'a date and time such as 2026-12-24T09:00',
    }),
    timeZone: z.string().refine(isTimeZone, 'an IANA time zone such as Europe/Paris').default('UTC'),
  })
  .openapi('Schedule');

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
