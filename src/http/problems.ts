import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';

/** One thing wrong with a request: where (a dotted path) and what. */
export interface Issue {
  path: string;
  message: string;
}

/** Turns zod issues into messages that name the field, including unknown ones. */
export function issuesOf(error: z.ZodError): Issue[] {
  return error.issues.flatMap((i) => {
    const base = i.path.map(String).join('.');
    if (i.code === 'unrecognized_keys') {
      return i.keys.map((k) => ({ path: base ? `${base}.${k}` : k, message: `unknown field "${k}"` }));
    }
    return [{ path: base || '(body)', message: i.message }];
  });
}

/** A JSON error answer: { error, message, issues? }. */
export function problem<S extends ContentfulStatusCode>(
  c: Context,
  status: S,
  error: string,
  message: string,
  extra: { issues?: Issue[]; state?: string } = {},
) {
  return c.json({ error, message, ...extra }, status);
}

export function invalid(c: Context, issues: Issue[]) {
  return problem(c, 400, 'invalid_request', issues.map((i) => `${i.path}: ${i.message}`).join('; '), {
    issues,
  });
}
