import { z } from 'zod';

/**
 * The form an address is compared and deduplicated in: trimmed and lower-cased.
 * (Local parts are case-sensitive in theory and never in practice.)
 */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** An email address as members type it, checked and returned trimmed. */
export const emailAddress = z
  .string()
  .trim()
  .max(254, 'an email address is at most 254 characters')
  .pipe(z.email({ message: 'not a valid email address' }));
