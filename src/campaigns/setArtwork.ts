import { eq } from 'drizzle-orm';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Db } from '../db/connect.ts';
import { campaigns } from '../db/schema.ts';
import { type Campaign, findCampaign } from './campaignStore.ts';
import type { CampaignState } from './lifecycle.ts';

/**
 * Print artwork belongs to postal campaigns only, and changes only before the
 * campaign starts: once it builds, the mail house may already have the file.
 */
export type ArtworkRefusal = { type: 'not-postal' } | { type: 'started'; state: CampaignState };

export function artworkRefusal(campaign: Pick<Campaign, 'channel' | 'state'>): ArtworkRefusal | null {
  if (campaign.channel !== 'postal') return { type: 'not-postal' };
  if (campaign.state !== 'draft' && campaign.state !== 'scheduled') {
    return { type: 'started', state: campaign.state };
  }
  return null;
}

export type SetArtworkOutcome = { type: 'set' } | { type: 'not-found' } | ArtworkRefusal;

/**
 * Points a campaign at stored artwork (see `storeArtwork`), audited. The
 * campaign row is locked and checked again, since it may have started
 * while the file was uploading.
 */
export function setCampaignArtwork(
  db: Db,
  id: number,
  artworkRef: string,
  actor: string,
  now: Date,
): Promise<SetArtworkOutcome> {
  return db.transaction(async (tx) => {
    const campaign = await findCampaign(tx, id, { lock: true });
    if (!campaign) return { type: 'not-found' } as const;
    const refusal = artworkRefusal(campaign);
    if (refusal) return refusal;
    await tx.update(campaigns).set({ artworkRef, updatedAt: now }).where(eq(campaigns.id, id));
    await recordAudit(tx, {
      actor,
      action: 'campaign.artwork',
      target: `campaign:${id}`,
      details: { artworkRef },
    });
    return { type: 'set' } as const;
  });
}
