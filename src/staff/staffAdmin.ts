import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/recordAudit.ts';
import { closeAllStaffSessions } from '../console/sessions.ts';
import type { Tx } from '../db/connect.ts';
import { apiTokens, staffUsers } from '../db/schema.ts';
import { emailAddress, normalizeEmail } from '../members/email.ts';
import { issuePasswordLink } from './passwordLink.ts';
import { ROLES, type Role } from './roles.ts';
import { hashSecret } from './secretToken.ts';
import { issueStaffToken } from './staffUsers.ts';

/**
 * Staff administration shared by the console and the API: accounts, roles,
 * disabling, unlocking, single sign-on links, password links and API tokens. Every change is
 * audited; none may leave the Society without an enabled admin.
 */

export const newStaffInput = z.strictObject({
  name: z.string().trim().min(1, 'name must not be empty').max(200, 'name must be at most 200 characters'),
  email: emailAddress,
  role: z.enum(ROLES, { error: 'role must be editor, approver or admin' }),
});
export type NewStaff = z.infer<typeof newStaffInput>;

export interface StaffView {
  id: number;
  name: string;
  email: string;
  role: Role;
  disabled: boolean;
  lockedUntil: Date | null;
  hasPassword: boolean;
  /** Bound to an OpenID Connect subject by a first single sign-on. */
  ssoLinked: boolean;
  lastSignInAt: Date | null;
  createdAt: Date;
}

/** Every staff account, with its last sign-in as the audit log knows it. */
export async function listStaff(tx: Tx): Promise<StaffView[]> {
  const rows = await tx
    .select({
      id: staffUsers.id,
      name: staffUsers.name,
      email: staffUsers.email,
      role: staffUsers.role,
      disabled: staffUsers.disabled,
      lockedUntil: staffUsers.lockedUntil,
      hasPassword: sql<boolean>`${staffUsers.passwordHash} is not null`,
      ssoLinked: sql<boolean>`${staffUsers.oidcSubject} is not null`,
      lastSignInAt: sql<string | null>`(select max(a.at) from audit_log a
        where a.target = 'staff:' || ${staffUsers.id} and a.action = 'staff.sign-in')`,
      createdAt: staffUsers.createdAt,
    })
    .from(staffUsers)
    .orderBy(asc(staffUsers.name), asc(staffUsers.id));
  return rows.map((r) => ({
    ...r,
    role: r.role as Role,
    lastSignInAt: r.lastSignInAt ? new Date(r.lastSignInAt) : null,
  }));
}

export async function findStaff(tx: Tx, id: number): Promise<StaffView | undefined> {
  return (await listStaff(tx)).find((s) => s.id === id);
}

export type CreateStaffOutcome =
  | { type: 'created'; id: number; link: { secret: string; expiresAt: Date } }
  | { type: 'duplicate' };

/** Creates an account without a password, and the single-use link its holder sets one with. */
export async function createStaff(
  tx: Tx,
  input: NewStaff,
  actor: string,
  now: Date,
): Promise<CreateStaffOutcome> {
  const [row] = await tx
    .insert(staffUsers)
    .values({ email: normalizeEmail(input.email), name: input.name, role: input.role })
    .onConflictDoNothing()
    .returning({ id: staffUsers.id });
  if (!row) return { type: 'duplicate' };
  const link = await issuePasswordLink(tx, row.id, now);
  await recordAudit(tx, {
    actor,
    action: 'staff.create',
    target: `staff:${row.id}`,
    details: { role: input.role },
  });
  return { type: 'created', id: row.id, link };
}

/**
 * Whether a change would leave no enabled admin: `enabledAdmins` are the ids
 * of enabled admins now; the target stays one only if it keeps the admin
 * role and is not disabled.
 */
export function leavesNoAdmin(
  enabledAdmins: readonly number[],
  target: number,
  after: { role: Role; disabled: boolean },
): boolean {
  const staysAdmin = after.role === 'admin' && !after.disabled;
  return !staysAdmin && enabledAdmins.length > 0 && enabledAdmins.every((id) => id === target);
}

export type StaffChangeOutcome =
  | { type: 'changed' | 'unchanged' }
  | { type: 'not-found' }
  | { type: 'last-admin' };

/** Locks the account and every enabled admin's row, so two admins demoting each other take turns. */
async function lockForChange(tx: Tx, id: number) {
  const admins = await tx
    .select({ id: staffUsers.id })
    .from(staffUsers)
    .where(and(eq(staffUsers.role, 'admin'), eq(staffUsers.disabled, false)))
    .orderBy(asc(staffUsers.id))
    .for('update');
  const [user] = await tx.select().from(staffUsers).where(eq(staffUsers.id, id)).for('update');
  return { admins: admins.map((a) => a.id), user };
}

export async function changeRole(tx: Tx, id: number, role: Role, actor: string): Promise<StaffChangeOutcome> {
  const { admins, user } = await lockForChange(tx, id);
  if (!user) return { type: 'not-found' };
  if (user.role === role) return { type: 'unchanged' };
  if (leavesNoAdmin(admins, id, { role, disabled: user.disabled })) return { type: 'last-admin' };
  await tx.update(staffUsers).set({ role }).where(eq(staffUsers.id, id));
  // A session carries no role of its own (it is read on each request), so the change applies at once.
  await recordAudit(tx, {
    actor,
    action: 'staff.role',
    target: `staff:${id}`,
    details: { from: user.role, to: role },
  });
  return { type: 'changed' };
}

/** Disables (ending every session and revoking every API token) or enables an account. */
export async function setDisabled(
  tx: Tx,
  id: number,
  disabled: boolean,
  actor: string,
  now: Date,
): Promise<StaffChangeOutcome> {
  const { admins, user } = await lockForChange(tx, id);
  if (!user) return { type: 'not-found' };
  if (user.disabled === disabled) return { type: 'unchanged' };
  if (leavesNoAdmin(admins, id, { role: user.role as Role, disabled })) return { type: 'last-admin' };
  await tx.update(staffUsers).set({ disabled }).where(eq(staffUsers.id, id));
  if (disabled) {
    await closeAllStaffSessions(tx, id);
    await tx
      .update(apiTokens)
      .set({ revokedAt: now })
      .where(and(eq(apiTokens.staffUserId, id), isNull(apiTokens.revokedAt)));
  }
  await recordAudit(tx, {
    actor,
    action: disabled ? 'staff.disable' : 'staff.enable',
    target: `staff:${id}`,
  });
  return { type: 'changed' };
}

/** Lifts a lockout after failed sign-ins. */
export async function unlockStaff(tx: Tx, id: number, actor: string): Promise<StaffChangeOutcome> {
  const [user] = await tx
    .update(staffUsers)
    .set({ failedSignIns: 0, lockedUntil: null })
    .where(eq(staffUsers.id, id))
    .returning({ id: staffUsers.id });
  if (!user) return { type: 'not-found' };
  await recordAudit(tx, { actor, action: 'staff.unlock', target: `staff:${id}` });
  return { type: 'changed' };
}

/**
 * Forgets the identity provider's subject the account is bound to, so the
 * next single sign-on with its address binds it afresh (after a move to a new
 * provider, or when the provider gave the person a new subject). Open
 * sessions stay: they were opened by the person the account belongs to.
 */
export async function unlinkOidc(tx: Tx, id: number, actor: string): Promise<StaffChangeOutcome> {
  const [user] = await tx
    .select({ oidcSubject: staffUsers.oidcSubject })
    .from(staffUsers)
    .where(eq(staffUsers.id, id))
    .for('update');
  if (!user) return { type: 'not-found' };
  if (user.oidcSubject === null) return { type: 'unchanged' };
  await tx.update(staffUsers).set({ oidcSubject: null }).where(eq(staffUsers.id, id));
  await recordAudit(tx, { actor, action: 'staff.oidc-unbound', target: `staff:${id}` });
  return { type: 'changed' };
}

/** A fresh single-use link to set a password (a forgotten one, or a first link that ran out). */
export async function newPasswordLink(tx: Tx, id: number, actor: string, now: Date) {
  const [user] = await tx
    .select({ id: staffUsers.id, disabled: staffUsers.disabled })
    .from(staffUsers)
    .where(eq(staffUsers.id, id));
  if (!user || user.disabled) return undefined;
  const link = await issuePasswordLink(tx, id, now);
  await recordAudit(tx, { actor, action: 'staff.password-link', target: `staff:${id}` });
  return link;
}

export interface StaffTokenView {
  id: number;
  label: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export async function listStaffTokens(tx: Tx, staffUserId: number): Promise<StaffTokenView[]> {
  return tx
    .select({
      id: apiTokens.id,
      label: apiTokens.label,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .where(eq(apiTokens.staffUserId, staffUserId))
    .orderBy(desc(apiTokens.id));
}

/** Issues an API token for an enabled account: returned once, only its hash kept. */
export async function issueToken(tx: Tx, staffUserId: number, label: string, actor: string) {
  const [user] = await tx
    .select({ id: staffUsers.id, disabled: staffUsers.disabled })
    .from(staffUsers)
    .where(eq(staffUsers.id, staffUserId));
  if (!user || user.disabled) return undefined;
  const token = await issueStaffToken(tx, staffUserId, label);
  const [row] = await tx
    .select({ id: apiTokens.id })
    .from(apiTokens)
    .where(eq(apiTokens.tokenHash, hashSecret(token)));
  await recordAudit(tx, {
    actor,
    action: 'staff.token-issue',
    target: `staff:${staffUserId}`,
    details: { tokenId: row!.id, label },
  });
  return { id: row!.id, label, token };
}

/** Revokes one live token of a staff user; false when there is no such live token. */
export async function revokeToken(tx: Tx, staffUserId: number, tokenId: number, actor: string, now: Date) {
  const rows = await tx
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(
      and(eq(apiTokens.id, tokenId), eq(apiTokens.staffUserId, staffUserId), isNull(apiTokens.revokedAt)),
    )
    .returning({ id: apiTokens.id });
  if (rows.length === 0) return false;
  await recordAudit(tx, {
    actor,
    action: 'staff.token-revoke',
    target: `staff:${staffUserId}`,
    details: { tokenId },
  });
  return true;
}
