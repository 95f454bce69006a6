import { randomBytes } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Tx } from '../db/connect.ts';
import { seeds } from '../db/schema.ts';
import type { SeedInput } from './contractInput.ts';
import type { Service } from './contractTerms.ts';

/**
 * Postal seeds staff manage: addresses of ours that each postal dispatch takes
 * one of. Email seeds are made per dispatch and are only listed here.
 */

export async function listSeeds(tx: Tx, channel?: Service, limit = 1000) {
  return tx
    .select()
    .from(seeds)
    .where(channel ? eq(seeds.channel, channel) : undefined)
    .orderBy(desc(seeds.id))
    .limit(limit);
}

export async function addPostalSeed(tx: Tx, input: SeedInput, actor: string) {
  const [s] = await tx
    .insert(seeds)
    .values({
      channel: 'postal',
      address: `postal-seed-${randomBytes(8).toString('hex')}`,
      name: input.name,
      postalAddress: input.postalAddress,
    })
    .returning();
  await recordAudit(tx, { actor, action: 'seed.add', target: `seed:${s!.id}` });
  return s!;
}

/** Retires a postal seed: it stays in the ledger, but no new dispatch takes it. False when there is no such seed. */
export async function retireSeed(tx: Tx, id: number, actor: string): Promise<boolean> {
  const r = await tx
    .update(seeds)
    .set({ active: false })
    .where(and(eq(seeds.id, id), eq(seeds.channel, 'postal')))
    .returning({ id: seeds.id });
  if (r.length === 0) return false;
  await recordAudit(tx, { actor, action: 'seed.retire', target: `seed:${id}` });
  return true;
}
