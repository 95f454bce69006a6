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

/** A row id from the path: digits beyond a safe integer name no row (0), rather than failing in the database. */
export function rowId(param: string | undefined): number {
  const n = Number(param);
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}
