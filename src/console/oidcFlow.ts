import { z } from 'zod';

/**
 * What the browser carries between leaving for the identity provider and
 * coming back: the state and nonce that tie the answer to this browser, the
 * PKCE verifier, and where to go afterwards. It travels in a short-lived
 * HttpOnly cookie; it needs no signature, because each value only has to
 * match what the provider echoes back (state), signs (nonce) or checks
 * (verifier), and `next` is re-checked on use.
 */
export interface OidcFlow {
  state: string;
  nonce: string;
  verifier: string;
  next?: string;
}

export const OIDC_FLOW_COOKIE = 'staff_oidc_flow';
/** Long enough to sign in at the provider, short enough not to linger. */
export const OIDC_FLOW_SECONDS = 10 * 60;

const random = z.string().regex(/^[A-Za-z0-9_-]{20,128}$/);
const flowShape = z.object({
  state: random,
  nonce: random,
  verifier: random,
  next: z.string().max(500).optional(),
});

export function encodeFlow(flow: OidcFlow): string {
  return Buffer.from(JSON.stringify(flow)).toString('base64url');
}

/** The flow in a cookie value, or null when it is missing or not one of ours. */
export function decodeFlow(value: string | undefined): OidcFlow | null {
  if (!value || value.length > 2000) return null;
  try {
    const parsed = flowShape.safeParse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
