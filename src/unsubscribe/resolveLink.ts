import { sql } from 'drizzle-orm';
import type { Topic } from '../consent/vocabulary.ts';
import type { Tx } from '../db/connect.ts';
import { type SigningKeys, verifyLinkToken } from './linkToken.ts';

/** The recipient an unsubscribe or preference link stands for, as far as the pages need it. */
export interface LinkRecipient {
  recipientId: number;
  campaignId: number;
  /** The topic the link unsubscribes from: signed into the token. */
  topic: Topic;
  /** The member, or null for a seed (decoy): its pages show, but nothing changes. */
  memberId: number | null;
  /** The member's language (a seed's recipient language). */
  language: string;
}

export type LinkResolution =
  | { ok: true; recipient: LinkRecipient }
  /** Forged, altered, cut short, or signed for a recipient we no longer have. */
  | { ok: false; reason: 'bad-token' | 'unknown-recipient' };

/**
 * Checks a link token's signature and finds its recipient. The signature is
 * checked first, so a forged token costs one HMAC and no query. The campaign
 * signed into the token must be the recipient's, or the link is refused.
 */
export async function resolveLink(db: Tx, keys: SigningKeys, token: string): Promise<LinkResolution> {
  const verified = verifyLinkToken(token, keys);
  if (!verified.ok) return { ok: false, reason: 'bad-token' };
  const { recipientToken, campaignId, topic } = verified.payload;
  const rows = await db.execute<{ id: string; member_id: string | null; language: string }>(sql`
    select r.id, r.member_id, coalesce(m.language, r.language) as language
      from campaign_recipients r
      left join members m on m.id = r.member_id
     where r.token = ${recipientToken} and r.campaign_id = ${campaignId}`);
  const row = rows[0];
  if (!row) return { ok: false, reason: 'unknown-recipient' };
  return {
    ok: true,
    recipient: {
      recipientId: Number(row.id),
      campaignId,
      topic,
      memberId: row.member_id === null ? null : Number(row.member_id),
      language: row.language,
    },
  };
}
