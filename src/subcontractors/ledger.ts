import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Tx } from '../db/connect.ts';
import { disclosures, subcontractors } from '../db/schema.ts';

/**
 * Flags every disclosure past its deletion deadline whose deletion the
 * subcontractor has not confirmed, once each, with an audit entry naming the
 * subcontractor and the dispatch. Returns the references flagged. Meant for
 * the periodic maintenance job; safe to run as often as it likes.
 */
export async function flagOverdueDeletions(tx: Tx, now: Date): Promise<string[]> {
  const flagged = await tx
    .update(disclosures)
    .set({ deletionOverdueFlaggedAt: now })
    .where(
      and(
        lt(disclosures.deleteBy, now),
        isNull(disclosures.deletionConfirmedAt),
        isNull(disclosures.deletionOverdueFlaggedAt),
      ),
    )
    .returning({
      id: disclosures.id,
      reference: disclosures.reference,
      subcontractorId: disclosures.subcontractorId,
      deleteBy: disclosures.deleteBy,
    });
  if (flagged.length === 0) return [];
  const names = new Map(
    (
      await tx
        .select({ id: subcontractors.id, name: subcontractors.name })
        .from(subcontractors)
        .where(sql`${subcontractors.id} in ${flagged.map((f) => f.subcontractorId)}`)
    ).map((s) => [s.id, s.name]),
  );
  for (const f of flagged) {
    await recordAudit(tx, {
      actor: 'system',
      action: 'disclosure.deletion-overdue',
      target: `disclosure:${f.id}`,
      details: {
        reference: f.reference,
        subcontractor: names.get(f.subcontractorId) ?? f.subcontractorId,
        deleteBy: f.deleteBy.toISOString(),
      },
    });
  }
  return flagged.map((f) => f.reference);
}

export type ConfirmDeletionOutcome =
  | { type: 'confirmed'; reference: string; at: Date }
  | { type: 'not-found' }
  | { type: 'already-confirmed'; at: Date };

/** Records that the subcontractor confirmed deleting a dispatch's data. */
export async function confirmDeletion(
  tx: Tx,
  input: { disclosureId: number; at: Date; actor: string; note?: string },
): Promise<ConfirmDeletionOutcome> {
  const [row] = await tx
    .select({ reference: disclosures.reference, confirmedAt: disclosures.deletionConfirmedAt })
    .from(disclosures)
    .where(eq(disclosures.id, input.disclosureId))
    .for('update');
  if (!row) return { type: 'not-found' };
  if (row.confirmedAt) return { type: 'already-confirmed', at: row.confirmedAt };
  await tx
    .update(disclosures)
    .set({ deletionConfirmedAt: input.at })
    .where(eq(disclosures.id, input.disclosureId));
  await recordAudit(tx, {
    actor: input.actor,
    action: 'disclosure.deletion-confirmed',
    target: `disclosure:${input.disclosureId}`,
    details: { reference: row.reference, at: input.at.toISOString(), note: input.note ?? null },
  });
  return { type: 'confirmed', reference: row.reference, at: input.at };
}
