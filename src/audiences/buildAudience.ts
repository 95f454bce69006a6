import { type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../db/connect.ts';
import { type AudienceCriteria, eligibleMembers } from './eligibility.ts';
import { assertSegment } from './segment.ts';

export interface BuildAudienceInput extends AudienceCriteria {
  campaignId: number;
  /** Most recipients the campaign may have in all (a partner offer's maximum); none by default. */
  limit?: number;
}

/**
 * A recipient's token: two random UUIDs without dashes, 64 hex characters of
 * which 244 bits are random. gen_random_uuid is core PostgreSQL (13+) and
 * cryptographically random, so no extension is needed.
 */
const NEW_TOKEN = sql`replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')`;

/**
 * Freezes a campaign's recipients with one set-based INSERT … SELECT of the
 * eligible members (see `eligibleMembers`), one row per address, each with a
 * fresh random token. Returns how many recipients it added.
 *
 * Safe to run again: members already recipients are skipped and `limit`
 * counts them, so a second run adds only whoever became eligible since, up to
 * the cap. (Members who stopped being eligible stay: the snapshot is frozen;
 * consent is checked again at send time.) Runs in its own transaction (a savepoint inside the caller's) and
 * locks the campaign row, so two builds of one campaign take turns.
 *
 * Throws if the campaign is missing, or its topic or channel differ from the
 * ones given: a partner offer can only ever be built on the partner-offers
 * opt-in, whatever the caller passes.
 */
export async function buildAudience(tx: Tx, input: BuildAudienceInput): Promise<number> {
  const { campaignId, topic, channel, limit } = input;
  const segment = assertSegment(input.segment);
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) {
    throw new Error(`buildAudience: limit must be a whole number ≥ 0, got ${limit}`);
  }
  return tx.transaction(async (t) => {
    const [campaign] = await t.execute<{ topic: string; channel: string; recipients: number }>(sql`
      select topic, channel,
             (select count(*)::int from campaign_recipients r where r.campaign_id = ${campaignId}) as recipients
        from campaigns where id = ${campaignId} for update`);
    if (!campaign) throw new Error(`buildAudience: campaign ${campaignId} does not exist`);
    if (campaign.topic !== topic || campaign.channel !== channel) {
      throw new Error(
        `buildAudience: campaign ${campaignId} is for ${campaign.topic} by ${campaign.channel}, not ${topic} by ${channel}`,
      );
    }
    const room = limit === undefined ? undefined : Math.max(0, limit - campaign.recipients);
    if (room === 0) return 0;
    const inserted = await t.execute(
      insertRecipients({ campaignId, topic, channel, segment }, { room, rebuild: campaign.recipients > 0 }),
    );
    return inserted.count;
  });
}

/**
 * The statement itself, pure. `rebuild` (the campaign already has recipients)
 * skips members already in it before counting them against `room`, the most
 * rows to add (lowest member ids first); a first build needs no such check,
 * and `on conflict do nothing` keeps either one from adding anyone twice.
 */
export function insertRecipients(
  criteria: AudienceCriteria & { campaignId: number },
  options: { room?: number; rebuild?: boolean } = {},
): SQL {
  const { campaignId } = criteria;
  const { room, rebuild = true } = options;
  return sql`
    insert into campaign_recipients (campaign_id, member_id, email_normalized, token, language)
    select ${campaignId}::bigint, m.id, m.email_normalized, ${NEW_TOKEN}, m.language
    ${eligibleMembers(criteria)}
    ${
      rebuild
        ? sql`and not exists (
        select from campaign_recipients r
         where r.campaign_id = ${campaignId}::bigint and r.member_id = m.id)`
        : sql``
    }
    ${room === undefined ? sql`` : sql`order by m.id limit ${room}`}
    on conflict do nothing`;
}
