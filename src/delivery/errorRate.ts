import { sql } from 'drizzle-orm';
import { recordAudit } from '../audit/recordAudit.ts';
import type { DeliveryContext } from './context.ts';

/** Below this many attempts a few failures say little about the campaign as a whole. */
const MIN_ATTEMPTS = 20;

/** Whether the permanent-failure share is past the limit, as a pure decision. */
export function overErrorLimit(sent: number, failed: number, maxRate: number): boolean {
  const attempts = sent + failed;
  return attempts >= MIN_ATTEMPTS && failed / attempts > maxRate;
}

/**
 * Pauses a sending campaign whose share of permanent failures passed
 * CAMPAIGN_MAX_ERROR_RATE, telling staff why in plain words. Returns true if
 * it paused it.
 */
export async function pauseForErrors(ctx: DeliveryContext, campaignId: number): Promise<boolean> {
  const [counts] = await ctx.sql<{ sent: number; failed: number; top: string | null }[]>`
    select count(*) filter (where state = 'sent')::int as sent,
           count(*) filter (where state = 'failed')::int as failed,
           mode() within group (order by outcome) filter (where state = 'failed') as top
      from campaign_recipients where campaign_id = ${campaignId}`;
  if (!counts || !overErrorLimit(counts.sent, counts.failed, ctx.config.CAMPAIGN_MAX_ERROR_RATE))
    return false;
  const share = Math.round((counts.failed / (counts.sent + counts.failed)) * 100);
  const reason = `Paused automatically: ${share}% of messages were refused by the email service (most often: ${counts.top ?? 'unknown'}). Check the sender identity and content, then resume.`;
  const paused = await ctx.db.transaction(async (tx) => {
    const result = await tx.execute(
      sql`update campaigns set state = 'paused', state_reason = ${reason}, updated_at = now()
                  where id = ${campaignId} and state = 'sending'`,
    );
    if (result.count === 0) return false;
    await recordAudit(tx, {
      actor: 'system',
      action: 'campaign.auto-pause',
      target: `campaign:${campaignId}`,
      details: { sent: counts.sent, failed: counts.failed },
    });
    return true;
  });
  if (paused)
    ctx.log.warn({ campaignId, failed: counts.failed, sent: counts.sent }, 'campaign paused for errors');
  return paused;
}
