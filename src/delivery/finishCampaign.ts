import { sql } from 'drizzle-orm';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Db } from '../db/connect.ts';
import { markOfferSent } from '../partners/offers.ts';

/**
 * Marks a sending campaign completed once nobody is left pending or mid-send
 * (and its partner offer, if any, sent), in one transaction. Several workers
 * may finish their ranges together: exactly one of them completes it.
 * Returns true if this call did.
 */
export async function finishCampaignIfDone(db: Db, campaignId: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    const result = await tx.execute(sql`
      update campaigns set state = 'completed', finished_at = now(), updated_at = now()
       where id = ${campaignId} and state = 'sending'
         and not exists (select from campaign_recipients
                          where campaign_id = ${campaignId} and state in ('pending', 'claimed'))`);
    if (result.count === 0) return false;
    await markOfferSent(tx, campaignId);
    await recordAudit(tx, { actor: 'system', action: 'campaign.complete', target: `campaign:${campaignId}` });
    return true;
  });
}
