import { hash, verify } from '@node-rs/argon2';

/**
 * Staff passwords, kept as argon2id hashes (the library's default algorithm,
 * with its OWASP-recommended cost: 19 MiB, 2 passes). Unlike bearer tokens,
 * passwords are chosen by people and guessable, so the hash must be slow.
 */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

/** Why a new password is refused, in words for the person choosing it; null when it is fine. */
export function passwordProblem(password: string): string | null {
  if (password.length < PASSWORD_MIN) return `use at least ${PASSWORD_MIN} characters`;
  if (password.length > PASSWORD_MAX) return `use at most ${PASSWORD_MAX} characters`;
  if (/^(.)\1*$/.test(password)) return 'use more than one repeated character';
  return null;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** A hash of nothing anyone knows: verifying against it costs what a real check costs. */
let decoy: Promise<string> | undefined;

/**
 * Checks a password against a stored hash. With no hash (unknown account,
 * or no password set) it still spends the time of a check, so response time
 * does not reveal which addresses have accounts.
 */
export async function verifyPassword(stored: string | null | undefined, password: string): Promise<boolean> {
  if (!stored) {
    decoy ??= hash(`decoy-${Math.random()}`);
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}
