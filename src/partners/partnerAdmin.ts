import { and, asc, eq, isNull } from 'drizzle-orm';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Tx } from '../db/connect.ts';
import { apiTokens, partners } from '../db/schema.ts';
import { hashSecret } from '../staff/secretToken.ts';
import { issuePartnerKey } from '../staff/staffUsers.ts';

export const PARTNER_STATUSES = ['approved', 'suspended'] as const;
export type PartnerStatus = (typeof PARTNER_STATUSES)[number];

export interface PartnerView {
  id: number;
  name: string;
  contactEmail: string;
  status: PartnerStatus;
  createdAt: string;
}

const view = (p: typeof partners.$inferSelect): PartnerView => ({
  id: p.id,
  name: p.name,
  contactEmail: p.contactEmail,
  status: p.status as PartnerStatus,
  createdAt: p.createdAt.toISOString(),
});

export type CreatePartnerOutcome = { type: 'created'; partner: PartnerView } | { type: 'duplicate' };

export async function createPartner(
  tx: Tx,
  input: { name: string; contactEmail: string; status: PartnerStatus },
  actor: string,
): Promise<CreatePartnerOutcome> {
  const [row] = await tx.insert(partners).values(input).onConflictDoNothing().returning();
  if (!row) return { type: 'duplicate' };
  await recordAudit(tx, {
    actor,
    action: 'partner.create',
    target: `partner:${row.id}`,
    details: { status: row.status },
  });
  return { type: 'created', partner: view(row) };
}

export async function listPartners(tx: Tx): Promise<PartnerView[]> {
  return (await tx.select().from(partners).orderBy(asc(partners.id))).map(view);
}

/** Approves or suspends a partner; a suspended partner's keys stop working at once. */
export async function setPartnerStatus(tx: Tx, partnerId: number, status: PartnerStatus, actor: string) {
  const [row] = await tx.update(partners).set({ status }).where(eq(partners.id, partnerId)).returning();
  if (!row) return undefined;
  await recordAudit(tx, { actor, action: `partner.${status}`, target: `partner:${partnerId}` });
  return view(row);
}

/** Issues a key for a partner: the key is returned once; only its hash is kept. */
export async function issueKey(tx: Tx, partnerId: number, label: string, actor: string) {
  const [partner] = await tx.select({ id: partners.id }).from(partners).where(eq(partners.id, partnerId));
  if (!partner) return undefined;
  const key = await issuePartnerKey(tx, partnerId, label);
  const [row] = await tx
    .select({ id: apiTokens.id, createdAt: apiTokens.createdAt })
    .from(apiTokens)
    .where(eq(apiTokens.tokenHash, hashSecret(key)));
  await recordAudit(tx, {
    actor,
    action: 'partner.key-issue',
    target: `partner:${partnerId}`,
    details: { keyId: row!.id, label },
  });
  return { id: row!.id, label, key, createdAt: row!.createdAt.toISOString() };
}

export async function listKeys(tx: Tx, partnerId: number) {
  const rows = await tx
    .select({
      id: apiTokens.id,
      label: apiTokens.label,
      createdAt: apiTokens.createdAt,
      revokedAt: apiTokens.revokedAt,
      lastUsedAt: apiTokens.lastUsedAt,
    })
    .from(apiTokens)
    .where(eq(apiTokens.partnerId, partnerId))
    .orderBy(asc(apiTokens.id));
  return rows.map((r) => ({
    id: r.id,
    label: r.label,
    createdAt: r.createdAt.toISOString(),
    revokedAt: r.revokedAt?.toISOString() ?? null,
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
  }));
}

/** Revokes one key of a partner; false if it has no such live key. */
export async function revokeKey(tx: Tx, partnerId: number, keyId: number, actor: string): Promise<boolean> {
  const revoked = await tx
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, keyId), eq(apiTokens.partnerId, partnerId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  if (revoked.length === 0) return false;
  await recordAudit(tx, {
    actor,
    action: 'partner.key-revoke',
    target: `partner:${partnerId}`,
    details: { keyId },
  });
  return true;
}
