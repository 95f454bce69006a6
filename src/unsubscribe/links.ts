import type { Topic } from '../consent/vocabulary.ts';
import { type SigningKeys, signLinkToken } from './linkToken.ts';

export interface RecipientLinks {
  /** GET shows a confirm page; POST with List-Unsubscribe=One-Click unsubscribes (RFC 8058). */
  unsubscribeUrl: string;
  preferencesUrl: string;
  /** mailto: unsubscribe, answered through SES inbound mail. */
  mailto: string;
}

/**
 * The links one recipient's message carries. Only a signed token is in them:
 * no address, no member id. The mailto local part carries the recipient's
 * random token alone, which stays within the 64 characters a local part allows.
 */
export function recipientLinks(
  base: { publicUrl: string; mailDomain: string; keys: SigningKeys },
  recipient: { recipientToken: string; topic: Topic; campaignId: number; issuedAt: number },
): RecipientLinks {
  const token = signLinkToken(recipient, base.keys);
  return {
    unsubscribeUrl: `${base.publicUrl}/u/${token}`,
    preferencesUrl: `${base.publicUrl}/p/${token}`,
    mailto: `mailto:unsubscribe+${recipient.recipientToken}@${base.mailDomain}?subject=unsubscribe`,
  };
}

/** The recipient token in a mailto unsubscribe address, if it is one. */
export function recipientTokenFromMailto(address: string, mailDomain: string): string | undefined {
  const match = address
    .trim()
    .toLowerCase()
    .match(/^unsubscribe\+([a-z0-9_-]{16,64})@(.+)$/);
  return match && match[2] === mailDomain.toLowerCase() ? match[1] : undefined;
}
