import { z } from 'zod';
import { CHANNELS, MEMBER_STATUSES, TOPICS } from '../consent/vocabulary.ts';
import { emailAddress } from './email.ts';

const noControl = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((s) => !/[\r\n\0]/.test(s), 'must not contain line breaks or NUL');
const optionalText = (max: number) => noControl(max).optional();
const isoDate = z.iso.date({ message: 'a date as YYYY-MM-DD' });

/** One opt-in or opt-out as the membership system reports it. */
export const consentInput = z.strictObject({
  topic: z.enum(TOPICS),
  channel: z.enum(CHANNELS),
  granted: z.boolean(),
  /** When the member gave it; defaults to now. */
  at: z.iso.datetime({ offset: true }).or(isoDate).optional(),
});
export type ConsentInput = z.infer<typeof consentInput>;

/**
 * A member record as the membership system sends it (HTTP) or exports it
 * (CSV, after column mapping). Unknown fields are refused so typos surface.
 */
export const memberInput = z.strictObject({
  externalId: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[\w.:-]+$/, 'letters, digits and . _ : - only')
    .optional(),
  email: emailAddress,
  name: noControl(200).pipe(z.string().min(1, 'required')),
  addressLine1: optionalText(200),
  addressLine2: optionalText(200),
  city: optionalText(100),
  region: optionalText(100),
  postalCode: optionalText(20),
  country: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, 'an ISO 3166 two-letter country code')
    .optional(),
  chapter: optionalText(100),
  membershipType: optionalText(50),
  language: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z]{2,3}$/, 'a two- or three-letter language code')
    .default('en'),
  status: z.enum(MEMBER_STATUSES).default('active'),
  joinedOn: isoDate.optional(),
  renewedOn: isoDate.optional(),
  consents: z
    .array(consentInput)
    .max(TOPICS.length * CHANNELS.length)
    .optional(),
});
export type MemberInput = z.infer<typeof memberInput>;
