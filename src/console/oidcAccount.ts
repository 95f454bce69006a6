import { z } from 'zod';
import { normalizeEmail } from '../members/email.ts';

/**
 * Which staff account an OpenID Connect sign-in opens: a pure decision, so
 * every refusal is tested without an identity provider.
 *
 * The identity provider vouches for an address; the account, and so the
 * role, is always one that administrators created here (no provisioning).
 * The first single sign-on binds the account to the provider's subject, and
 * from then on only that subject opens it: if the provider hands the address
 * to someone else, that person gets a new subject and is refused.
 */
export interface OidcIdentity {
  /** The provider's stable id for the person (`sub`). */
  subject: string;
  /** Normalised; undefined when the provider sent none. */
  email?: string;
  /** undefined when the provider does not say (some never do). */
  emailVerified?: boolean;
}

/** The staff row the identity's address names, as far as the decision needs it. */
export interface StaffCandidate {
  id: number;
  disabled: boolean;
  oidcSubject: string | null;
}

export type OidcRefusal =
  /** No usable address among the claims. */
  | 'no-email'
  /** The provider says it has not verified the address. */
  | 'email-unverified'
  /** No staff account has this address. */
  | 'unknown'
  | 'disabled'
  /** The account is bound to another subject. */
  | 'subject-mismatch'
  /** The subject is already bound to another account. */
  | 'subject-elsewhere';

export type OidcMatch =
  | { type: 'match'; staffUserId: number; bind: boolean }
  | { type: 'refused'; reason: OidcRefusal };

// Some providers send email_verified as the string "true"; what matters is an explicit no.
const claimsShape = z.object({
  sub: z.string().min(1).max(255),
  email: z.string().trim().min(3).max(254).optional().catch(undefined),
  email_verified: z
    .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
    .optional()
    .catch(undefined),
});

/** The identity in ID token (or userinfo) claims; null without a usable subject. */
export function identityFromClaims(claims: unknown): OidcIdentity | null {
  const parsed = claimsShape.safeParse(claims);
  if (!parsed.success) return null;
  const { sub, email, email_verified } = parsed.data;
  return {
    subject: sub,
    ...(email?.includes('@') ? { email: normalizeEmail(email) } : {}),
    ...(email_verified === undefined ? {} : { emailVerified: email_verified }),
  };
}

/**
 * Decides whether `identity` opens `byEmail` (the account with its address,
 * if any). `subjectOwner` is the id of the account already bound to its
 * subject, if any.
 */
export function matchStaffAccount(
  identity: OidcIdentity,
  byEmail: StaffCandidate | null,
  subjectOwner: number | null,
): OidcMatch {
  const refuse = (reason: OidcRefusal) => ({ type: 'refused', reason }) as const;
  if (!identity.email) return refuse('no-email');
  if (identity.emailVerified === false) return refuse('email-unverified');
  if (!byEmail) return refuse('unknown');
  if (byEmail.disabled) return refuse('disabled');
  if (byEmail.oidcSubject !== null && byEmail.oidcSubject !== identity.subject) {
    return refuse('subject-mismatch');
  }
  if (subjectOwner !== null && subjectOwner !== byEmail.id) return refuse('subject-elsewhere');
  return { type: 'match', staffUserId: byEmail.id, bind: byEmail.oidcSubject === null };
}
