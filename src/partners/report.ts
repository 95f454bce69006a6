import { sql } from 'drizzle-orm';
import type { Tx } from '../db/connect.ts';

/** A count as a partner may see it: below 10 it is withheld. */
export type ShownCount = number | '<10';

/** The smallest count shown to a partner as a number. */
export const SMALLEST_SHOWN = 10;

/**
 * A count for a partner's eyes: counts below 10 show as "<10", so that no
 * figure, alone or broken down by attribute, points at a few members.
 */
export function withhold(count: number): ShownCount {
  return count < SMALLEST_SHOWN ? '<10' : count;
}

/** What a partner learns of an offer's sending: aggregates only, small counts withheld, seeds never counted. */
export interface OfferReport {
  offerId: number;
  sent: ShownCount;
  delivered: ShownCount;
  bounced: ShownCount;
  /** Recipients who unsubscribed from partner offers through this offer. */
  unsubscribed: ShownCount;
  byCountry: Record<string, ShownCount>;
  byMembershipType: Record<string, ShownCount>;
  byLanguage: Record<string, ShownCount>;
}

const withheldAll = (rows: { value: string; n: number }[]) =>
  Object.fromEntries(rows.map((r) => [r.value, withhold(r.n)]));

/** The aggregate report of one offer (its campaign's member recipients only). */
export async function offerReport(tx: Tx, offerId: number, campaignId: number | null): Promise<OfferReport> {
  if (campaignId === null) {
    return {
      offerId,
      sent: withhold(0),
      delivered: withhold(0),
      bounced: withhold(0),
      unsubscribed: withhold(0),
      byCountry: {},
      byMembershipType: {},
      byLanguage: {},
    };
  }
  const [totals] = await tx.execute<{
    sent: number;
    delivered: number;
    bounced: number;
    unsubscribed: number;
  }>(sql`
    select
      (select count(*)::int from campaign_recipients r
        where r.campaign_id = ${campaignId} and r.member_id is not null and r.state = 'sent') as sent,
      ${eventCount(campaignId, 'delivery')} as delivered,
      ${eventCount(campaignId, 'bounce')} as bounced,
      ${eventCount(campaignId, 'unsubscribe')} as unsubscribed`);
  const breakdown = (column: 'country' | 'membership_type' | 'language') =>
    tx.execute<{ value: string; n: number }>(sql`
      select coalesce(m.${sql.raw(column)}, 'unknown') as value, count(*)::int as n
        from campaign_recipients r join members m on m.id = r.member_id
       where r.campaign_id = ${campaignId} and r.state = 'sent'
       group by 1 order by 1`);
  return {
    offerId,
    sent: withhold(totals!.sent),
    delivered: withhold(totals!.delivered),
    bounced: withhold(totals!.bounced),
    unsubscribed: withhold(totals!.unsubscribed),
    byCountry: withheldAll([...(await breakdown('country'))]),
    byMembershipType: withheldAll([...(await breakdown('membership_type'))]),
    byLanguage: withheldAll([...(await breakdown('language'))]),
  };
}

/** Distinct member recipients with an event of this type; seeds' events never count. */
function eventCount(campaignId: number, type: string) {
  return sql`(select count(distinct coalesce(e.recipient_id, -e.id))::int
      from campaign_events e left join campaign_recipients r on r.id = e.recipient_id
     where e.campaign_id = ${campaignId} and e.type = ${type} and (r.id is null or r.member_id is not null))`;
}
