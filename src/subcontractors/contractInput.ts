import { z } from 'zod';
import { CONTRACT_FIELDS, PURPOSES, SERVICES } from './contractTerms.ts';

/** What staff send to register subcontractors, contracts and postal seeds: one schema for the API and the console. */

const day = (what: string) => z.iso.date({ error: `${what} must be a date written yyyy-mm-dd` });
export const CONTRACT_STATUSES = ['active', 'suspended', 'ended'] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];

export const subcontractorInput = z.strictObject({
  name: z.string().trim().min(1, 'name must not be empty').max(200, 'name must be at most 200 characters'),
  service: z.enum(SERVICES, { error: 'service must be email or postal' }),
});

export const contractInput = z
  .strictObject({
    subcontractorId: z.number({ error: 'subcontractorId must be a subcontractor id' }).int().positive(),
    reference: z
      .string()
      .trim()
      .min(1, 'reference must not be empty')
      .max(100, 'reference must be at most 100 characters'),
    purposes: z
      .array(z.enum(PURPOSES, { error: `purposes must be among ${PURPOSES.join(', ')}` }))
      .min(1, 'purposes must name at least one purpose'),
    fields: z
      .array(z.enum(CONTRACT_FIELDS, { error: `fields must be among ${CONTRACT_FIELDS.join(', ')}` }))
      .min(1, 'fields must name at least one field'),
    validFrom: day('validFrom'),
    validTo: day('validTo'),
    maxRecipientsPerDispatch: z
      .number({ error: 'maxRecipientsPerDispatch must be a whole number' })
      .int('maxRecipientsPerDispatch must be a whole number')
      .positive('maxRecipientsPerDispatch must be at least 1'),
    retentionDays: z
      .number({ error: 'retentionDays must be a whole number' })
      .int('retentionDays must be a whole number')
      .min(0, 'retentionDays must not be negative')
      .max(3650, 'retentionDays must be at most 3650'),
    seedsRequired: z.boolean({ error: 'seedsRequired must be true or false' }).default(true),
    status: z
      .enum(CONTRACT_STATUSES, { error: 'status must be active, suspended or ended' })
      .default('active'),
  })
  .refine((c) => c.validFrom <= c.validTo, {
    path: ['validTo'],
    message: 'validTo must not be before validFrom',
  });
export type ContractInput = z.infer<typeof contractInput>;

/** The one change a contract takes once recorded: its terms are what disclosures were made under. */
export const contractStatusInput = z.strictObject({
  status: z.enum(CONTRACT_STATUSES, { error: 'status must be active, suspended or ended' }),
});

export const postalAddressInput = z.strictObject({
  line1: z.string().trim().min(1, 'postalAddress.line1 must not be empty').max(200),
  line2: z.string().trim().max(200).nullable().default(null),
  city: z.string().trim().min(1, 'postalAddress.city must not be empty').max(100),
  region: z.string().trim().max(100).nullable().default(null),
  postalCode: z.string().trim().max(20).nullable().default(null),
  country: z.string().regex(/^[A-Z]{2}$/, 'postalAddress.country must be a two-letter code in upper case'),
});

export const seedInput = z.strictObject({
  name: z.string().trim().min(1, 'name must not be empty').max(200, 'name must be at most 200 characters'),
  postalAddress: postalAddressInput,
});
export type SeedInput = z.infer<typeof seedInput>;

export const deletionConfirmationInput = z.strictObject({
  at: z.iso.datetime({ offset: true, error: 'at must be an ISO 8601 date-time' }).optional(),
  note: z.string().max(1000, 'note must be at most 1000 characters').optional(),
});
