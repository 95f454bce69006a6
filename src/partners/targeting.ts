import { z } from 'zod';
import type { Condition, Segment } from '../audiences/segment.ts';

/**
 * What a partner may target: coarse attributes only. Nothing narrower
 * (chapter, dates) is offered, so no targeting can single out a handful of
 * members.
 */
export const targetingSchema = z.strictObject(
  {
    countries: z
      .array(z.string().regex(/^[A-Z]{2}$/, 'must be ISO 3166 two-letter country codes in upper case'))
      .max(100, 'at most 100 countries')
      .optional(),
    membershipTypes: z
      .array(z.string().min(1, 'must not be empty').max(100, 'at most 100 characters'))
      .max(20, 'at most 20 membership types')
      .optional(),
    languages: z
      .array(z.string().regex(/^[a-z]{2,3}$/, 'must be language codes of 2 or 3 lower-case letters'))
      .max(20, 'at most 20 languages')
      .optional(),
  },
  {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? `only countries, membershipTypes and languages may be targeted, not ${iss.keys.join(', ')}`
        : undefined,
  },
);

export type Targeting = z.output<typeof targetingSchema>;

/** The segment of an offer's targeting: every listed attribute must match; nothing listed is everyone. */
export function segmentFromTargeting(targeting: Targeting): Segment {
  const all: Condition[] = [];
  if (targeting.countries?.length) all.push({ field: 'country', op: 'in', values: targeting.countries });
  if (targeting.membershipTypes?.length) {
    all.push({ field: 'membershipType', op: 'in', values: targeting.membershipTypes });
  }
  if (targeting.languages?.length) all.push({ field: 'language', op: 'in', values: targeting.languages });
  return { all };
}
