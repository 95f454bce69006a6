import { z } from 'zod';
import { targetingSchema } from './targeting.ts';

const line = (what: string, max: number) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, `${what} must not be empty`)
    .max(max, `${what} must be at most ${max} characters`)
    .refine((v) => !/[\r\n]/.test(v), `${what} must be one line`)
    .refine((v) => !/\{\{|\}\}/.test(v), `${what} must not contain {{ or }}`);

const httpsUrl = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .max(2000, `${what} must be at most 2000 characters`)
    .refine((v) => URL.parse(v)?.protocol === 'https:', `${what} must be an absolute https:// URL`);

const instant = (what: string) =>
  z.iso.datetime({ offset: true, error: `${what} must be an ISO 8601 date-time, e.g. 2030-05-01T09:00:00Z` });

/**
 * An offer as a partner submits it, with a message naming each bad field.
 * `imageHosts` is the allow-list (config OFFER_IMAGE_HOSTS) an image URL's
 * host must be on; `now` bounds the send window.
 */
export function offerInputSchema(options: { imageHosts: readonly string[]; now: () => Date }) {
  const hosts = options.imageHosts.map((h) => h.toLowerCase());
  return z
    .strictObject({
      title: line('title', 120),
      subject: line('subject', 150),
      headline: line('headline', 150),
      body: z
        .string({ error: 'body is required (Markdown)' })
        .trim()
        .min(1, 'body must not be empty')
        .max(10_000, 'body must be at most 10000 characters'),
      ctaUrl: httpsUrl('ctaUrl'),
      ctaLabel: line('ctaLabel', 40).optional(),
      imageUrl: httpsUrl('imageUrl')
        .refine(
          (v) => hosts.includes(URL.parse(v)?.hostname.toLowerCase() ?? ''),
          hosts.length > 0
            ? `imageUrl must be on an allowed host: ${hosts.join(', ')}`
            : 'images are not accepted (no image host is allowed)',
        )
        .optional(),
      sendWindow: z.strictObject(
        { from: instant('sendWindow.from'), to: instant('sendWindow.to') },
        { error: (iss) => (iss.code === 'invalid_type' ? 'sendWindow must be { from, to }' : undefined) },
      ),
      maxRecipients: z
        .number({ error: 'maxRecipients must be a whole number' })
        .int('maxRecipients must be a whole number')
        .min(1, 'maxRecipients must be at least 1')
        .max(1_000_000, 'maxRecipients must be at most 1000000'),
      targeting: targetingSchema.default({}),
    })
    .superRefine((o, ctx) => {
      const from = Date.parse(o.sendWindow.from);
      const to = Date.parse(o.sendWindow.to);
      if (!(from < to)) {
        ctx.addIssue({
          code: 'custom',
          path: ['sendWindow', 'to'],
          message: 'sendWindow.to must be after from',
        });
      }
      if (to <= options.now().getTime()) {
        ctx.addIssue({
          code: 'custom',
          path: ['sendWindow', 'to'],
          message: 'sendWindow.to must be in the future',
        });
      }
    });
}

export type OfferInput = z.output<ReturnType<typeof offerInputSchema>>;
