import type { z } from 'zod';

/**
 * A zod failure as the console's field errors: the first message for each
 * field, keyed by its name (nested paths joined with dots, as the form names them; list positions dropped, so a bad checkbox names its group).
 */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.path.filter((k) => typeof k === 'string').join('.') || '_';
    errors[field] ??= issue.message;
  }
  return errors;
}
