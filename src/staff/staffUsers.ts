import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/connect.ts';
import { apiTokens, partners, staffUsers } from '../db/schema.ts';
import type { Role } from './roles.ts';
import { hashSecret, newSecret } from './secretToken.ts';

export interface StaffPrincipal {
  kind: 'staff';
  id: number;
  email: string;
  name: string;
  role: Role;
}
export interface PartnerPrincipal {
  kind: 'partner';
  partnerId: number;
  name: string;
}
export type Principal = StaffPrincipal | PartnerPrincipal;

export async function createStaffUser(tx: Tx, user: { email: string; name: string; role: Role }) {
  const [row] = await tx
    .insert(staffUsers)
    .values({ email: user.email.trim().toLowerCase(), name: user.name, role: user.role })
    .returning({ id: staffUsers.id });
  return row!.id;
}

/** Issues a bearer token for a staff user; the plain token is returned once and never stored. */
export async function issueStaffToken(tx: Tx, staffUserId: number, label: string): Promise<string> {
  const token = newSecret('smt');
  await tx.insert(apiTokens).values({ staffUserId, label, tokenHash: hashSecret(token) });
  return token;
}

/** Issues a partner API key, scoped to that partner. */
export async function issuePartnerKey(tx: Tx, partnerId: number, label: string): Promise<string> {
  const token = newSecret('smp');
  await tx.insert(apiTokens).values({ partnerId, label, tokenHash: hashSecret(token) });
  return token;
}

/** Who holds this bearer token, if it is live and its owner is enabled. */
export async function principalForToken(db: Db, token: string): Promise<Principal | null> {
  const [row] = await db
    .select({
      tokenId: apiTokens.id,
      staffId: staffUsers.id,
      email: staffUsers.email,
      staffName: staffUsers.name,
      role: staffUsers.role,
      disabled: staffUsers.disabled,
      partnerId: partners.id,
      partnerName: partners.name,
      partnerStatus: partners.status,
    })
    .from(apiTokens)
    .leftJoin(staffUsers, eq(staffUsers.id, apiTokens.staffUserId))
    .leftJoin(partners, eq(partners.id, apiTokens.partnerId))
    .where(and(eq(apiTokens.tokenHash, hashSecret(token)), isNull(apiTokens.revokedAt)));
  if (!row) return null;
  // Touch last use at most once a minute, so a busy client does not write on every call.
  await db.execute(
    sql`update api_tokens set last_used_at = now() where id = ${row.tokenId} and (last_used_at is null or last_used_at < now() - interval '1 minute')`,
  );
  if (row.staffId !== null && !row.disabled) {
    return {
      kind: 'staff',
      id: row.staffId,
      email: row.email!,
      name: row.staffName!,
      role: row.role as Role,
    };
  }
  if (row.partnerId !== null && row.partnerStatus === 'approved') {
    return { kind: 'partner', partnerId: row.partnerId, name: row.partnerName! };
  }
  return null;
}

/** The audit log's name for a principal. */
export function actorOf(p: Principal): string {
  return p.kind === 'staff' ? `staff:${p.id}` : `partner:${p.partnerId}`;
}
