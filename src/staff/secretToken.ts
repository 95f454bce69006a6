import { createHash, randomBytes } from 'node:crypto';

/**
 * Bearer secrets (staff tokens, partner keys, sessions) are random, shown
 * once, and kept only as a SHA-256: they are long and random, so a slow hash
 * adds nothing and a fast one keeps every request cheap.
 */
export function newSecret(prefix: 'smt' | 'smp' | 'sms' | 'sml'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
