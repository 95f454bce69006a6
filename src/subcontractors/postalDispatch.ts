import { sql } from 'drizzle-orm';
import type { Config } from '../config/loadConfig.ts';
import type { Db } from '../db/connect.ts';
import { readArtwork } from './artwork.ts';
import { type PostalAddress, projectFields } from './contractTerms.ts';
import { createPostalAdapter, type PostalAdapter } from './postalAdapter.ts';

export interface PostalDispatchDeps {
  db: Db;
  config: Pick<
    Config,
    | 'DATA_DIR'
    | 'POSTAL_DROP_DIR'
    | 'POSTAL_DROP_S3_BUCKET'
    | 'POSTAL_DROP_S3_PREFIX'
    | 'POSTAL_DROP_S3_REGION'
    | 'POSTAL_DROP_S3_ENDPOINT'
  >;
  /** Default: the drop location in config. */
  postal?: PostalAdapter;
}

export interface PostalDispatchInput {
  campaignId: number;
  disclosureId: number;
  /** The permitted fields `openDispatch` returned. */
  fields: readonly string[];
  /** Keyset page size; default 1 000. */
  pageSize?: number;
}

export type PostalDispatchOutcome = { type: 'sent'; sent: number; skipped: number; location: string };

type Row = {
  id: number;
  seed: boolean;
  eligible: boolean;
  name: string;
  email: string;
  language: string;
  postal_address: PostalAddress | null;
};

/**
 * Hands a postal campaign's pending recipients (members and the dispatch's
 * postal seed) to the mail house as one manifest. Recipients are read in
 * keyset pages, consent for the campaign's topic by post is checked again
 * (a member who opted out, lapsed or was suppressed since the audience was
 * built is skipped), each is projected to the contract's fields, and only
 * once the manifest is delivered are they marked sent. Run again after a
 * failure, it rewrites the same manifest.
 */
export async function dispatchPostal(
  deps: PostalDispatchDeps,
  input: PostalDispatchInput,
): Promise<PostalDispatchOutcome> {
  const { db, config } = deps;
  const { campaignId, disclosureId, fields, pageSize = 1000 } = input;
  const [head] = await db.execute<{ reference: string; artwork_ref: string | null; topic: string }>(sql`
    select d.reference, c.artwork_ref, c.topic
      from disclosures d join campaigns c on c.id = d.campaign_id
     where d.id = ${disclosureId} and d.campaign_id = ${campaignId} and c.channel = 'postal'`);
  if (!head)
    throw new Error(`dispatchPostal: no postal disclosure ${disclosureId} of campaign ${campaignId}`);

  const adapter = deps.postal ?? createPostalAdapter(config);
  const artwork = head.artwork_ref ? await readArtwork(config.DATA_DIR, head.artwork_ref) : null;
  const writer = await adapter.openManifest({ reference: head.reference, fields, artwork });
  let last = 0;
  let sent = 0;
  let skipped = 0;
  try {
    for (;;) {
      const page = await db.execute<Row>(sql`
        select r.id::int as id, r.seed_id is not null as seed,
               coalesce(s.name, m.name) as name, r.email_normalized as email, r.language,
               case when r.seed_id is not null then s.postal_address
                    else jsonb_build_object('line1', m.address_line1, 'line2', m.address_line2, 'city', m.city,
                           'region', m.region, 'postalCode', m.postal_code, 'country', m.country) end
                 as postal_address,
               (r.seed_id is not null or (
                  m.status = 'active'
                  and exists (select from consents k where k.member_id = m.id and k.topic = ${head.topic}
                               and k.channel = 'postal' and k.granted)
                  and not exists (select from suppressions x where x.email_normalized = m.email_normalized)
               )) as eligible
          from campaign_recipients r
          left join members m on m.id = r.member_id
          left join seeds s on s.id = r.seed_id
         where r.campaign_id = ${campaignId} and r.state = 'pending' and r.id > ${last}
         order by r.id
         limit ${pageSize}`);
      if (page.length === 0) break;
      last = page.at(-1)!.id;
      const keep = page.filter((r) => r.eligible);
      const drop = page.filter((r) => !r.eligible).map((r) => r.id);
      await writer.append(
        keep.map((r) =>
          projectFields(fields, {
            email: r.email,
            name: r.name,
            language: r.language,
            postalAddress: r.postal_address,
          }),
        ),
      );
      if (drop.length > 0) {
        await db.execute(sql`
          update campaign_recipients set state = 'skipped', outcome = 'no longer eligible'
           where id in ${drop} and state = 'pending'`);
      }
      sent += keep.length;
      skipped += drop.length;
    }
  } catch (error) {
    await writer.abort();
    throw new Error(`dispatchPostal: manifest ${head.reference} failed`, { cause: error });
  }
  const { location } = await writer.close();
  await db.execute(sql`
    update campaign_recipients set state = 'sent', sent_at = now(), outcome = 'in manifest'
     where campaign_id = ${campaignId} and state = 'pending' and id <= ${last}`);
  return { type: 'sent', sent, skipped, location };
}
