import { asc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Tx } from '../db/connect.ts';
import { contracts, subcontractors } from '../db/schema.ts';
import type { ContractInput, ContractStatus, subcontractorInput } from './contractInput.ts';

/** Registering subcontractors and their contracts, shared by the API and the console; every change audited. */

export async function listSubcontractors(tx: Tx) {
  return tx
    .select({ id: subcontractors.id, name: subcontractors.name, service: subcontractors.service })
    .from(subcontractors)
    .orderBy(asc(subcontractors.id));
}

export async function createSubcontractor(
  tx: Tx,
  input: z.infer<typeof subcontractorInput>,
  actor: string,
): Promise<
  { type: 'created'; subcontractor: { id: number; name: string; service: string } } | { type: 'duplicate' }
> {
  const [r] = await tx.insert(subcontractors).values(input).onConflictDoNothing().returning();
  if (!r) return { type: 'duplicate' };
  await recordAudit(tx, { actor, action: 'subcontractor.create', target: `subcontractor:${r.id}` });
  return { type: 'created', subcontractor: { id: r.id, name: r.name, service: r.service } };
}

export type CreateContractOutcome =
  | { type: 'created'; contract: typeof contracts.$inferSelect }
  | { type: 'no-subcontractor' }
  | { type: 'duplicate' };

export async function createContract(
  tx: Tx,
  input: ContractInput,
  actor: string,
): Promise<CreateContractOutcome> {
  const [sub] = await tx.select().from(subcontractors).where(eq(subcontractors.id, input.subcontractorId));
  if (!sub) return { type: 'no-subcontractor' };
  const [row] = await tx.insert(contracts).values(input).onConflictDoNothing().returning();
  if (!row) return { type: 'duplicate' };
  await recordAudit(tx, {
    actor,
    action: 'contract.create',
    target: `contract:${row.id}`,
    details: { reference: row.reference, fields: row.fields, purposes: row.purposes },
  });
  return { type: 'created', contract: row };
}

export async function listContracts(tx: Tx) {
  return tx.select().from(contracts).orderBy(asc(contracts.id));
}

/** Activates, suspends or ends a contract; undefined when there is no such contract. */
export async function setContractStatus(tx: Tx, id: number, status: ContractStatus, actor: string) {
  const [r] = await tx.update(contracts).set({ status }).where(eq(contracts.id, id)).returning();
  if (r) await recordAudit(tx, { actor, action: `contract.${status}`, target: `contract:${id}` });
  return r;
}
