import { z } from '@hono/zod-openapi';

/**
 * The pieces every documented route shares: the error body, JSON content,
 * the security schemes and the usual error answers. Route modules import
 * these rather than each writing its own.
 */
export const errorBody = z.object({ error: z.string(), message: z.string() }).openapi('Error');
export const conflictBody = errorBody.extend({ state: z.string().optional() }).openapi('Conflict');

/** A JSON response (or any JSON content) with its description. */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

/** A required JSON request body. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});

export const staffAuth = [{ staffToken: [] }];
export const partnerAuth = [{ partnerKey: [] }];

export const idParam = z.object({ id: z.coerce.number().int().positive() });

/** 400/401/403 for staff routes; `forbidden` says what the 403 means there. */
export const staffErrors = (forbidden = 'The token lacks the needed role') => ({
  400: json(errorBody, 'Invalid request: the message names each bad field'),
  401: json(errorBody, 'No valid staff token'),
  403: json(errorBody, forbidden),
});
