import type { NameValue } from './envelope.ts';

/** The header that marks a message as part of one dispatch: our own mail to a seed carries it. */
export const DISPATCH_HEADER = 'X-Society-Dispatch';

/**
 * The header every message of a dispatch carries, naming its disclosure
 * reference. Mail reaching a seed without the reference of the seed's own
 * dispatch is misuse (see `recordSeedMail`).
 */
export function dispatchHeader(reference: string): NameValue {
  if (!/^[A-Za-z0-9-]+$/.test(reference))
    throw new Error('A dispatch reference is letters, digits and dashes');
  return { name: DISPATCH_HEADER, value: reference };
}
