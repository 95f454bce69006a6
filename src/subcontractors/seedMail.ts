import { inArray, sql } from 'drizzle-orm';
import type { Tx } from '../db/connect.ts';
import { disclosures, misuseAlerts, seeds, subcontractors } from '../db/schema.ts';
import { DISPATCH_HEADER } from './dispatchHeader.ts';
import type { NameValue } from './envelope.ts';

export interface InboundSeedMail {
  /** Every recipient address of the inbound message (SES receipt `recipients`). */
  recipients: string[];
  sesMessageId: string;
  headers: NameValue[];
}

/**
 * Mail that reached one of our seed addresses. Our own message to a seed
 * carries `X-Society-Dispatch: <reference of that seed's dispatch>`; anything
 * else reaching a seed — spam to a leaked list, a copy under another
 * reference, a message from the subcontractor itself — means the address
 * left the dispatch it was given to, so it raises a misuse alert naming the
 * subcontractor and the dispatch. Returns the number of alerts raised; a
 * redelivered message raises none the second time.
 */
export async function recordSeedMail(tx: Tx, mail: InboundSeedMail): Promise<number> {
  const addresses = [...new Set(mail.recipients.map((r) => r.trim().toLowerCase()))].filter(Boolean);
  if (addresses.length === 0) return 0;
  const hits = await tx
    .select({
      seedId: seeds.id,
      disclosureId: seeds.disclosureId,
      reference: disclosures.reference,
      subcontractorId: disclosures.subcontractorId,
      subcontractor: subcontractors.name,
    })
    .from(seeds)
    .leftJoin(disclosures, sql`${disclosures.id} = ${seeds.disclosureId}`)
    .leftJoin(subcontractors, sql`${subcontractors.id} = ${disclosures.subcontractorId}`)
    .where(inArray(seeds.address, addresses));
  const stamped = new Set(
    mail.headers
      .filter((h) => h.name.toLowerCase() === DISPATCH_HEADER.toLowerCase())
      .map((h) => h.value.trim()),
  );
  const messageMark = `[ses:${mail.sesMessageId.replace(/[^\w.@-]/g, '')}]`;
  let raised = 0;
  for (const hit of hits) {
    if (hit.reference && stamped.has(hit.reference)) continue;
    const [seen] = await tx.execute(
      sql`select 1 from misuse_alerts where seed_id = ${hit.seedId} and position(${messageMark} in summary) > 0`,
    );
    if (seen) continue;
    const where = hit.reference
      ? `dispatch ${hit.reference} to ${hit.subcontractor}`
      : 'no dispatch (an unused seed)';
    await tx.insert(misuseAlerts).values({
      seedId: hit.seedId,
      disclosureId: hit.disclosureId,
      subcontractorId: hit.subcontractorId,
      summary: `Mail reached seed ${hit.seedId} of ${where} outside that dispatch ${messageMark}`,
    });
    raised++;
  }
  return raised;
}
