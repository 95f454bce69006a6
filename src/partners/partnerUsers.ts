import { and, asc, eq } from 'drizzle-orm';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Tx } from '../db/connect.ts';
import { partners, partnerUsers } from '../db/schema.ts';
import { normalizeEmail } from '../members/email.ts';
import { hashSecret, newSecret } from '../staff/secretToken.ts';
import { closeUserPortalSessions } from './portalSession.ts';

/**
 * People of a partner who use the partner portal, managed by the Society's
 * admins. A new user gets a one-time set-password link; a new link (issued
 * again when a user forgot the password) replaces the previous one.
 *
 *   invited ──set password──▶ active ──disable──▶ disabled ──enable──▶ active
 */
export const SETUP_LINK_MS = 72 * 60 * 60 * 1000;

export type PartnerUserState = 'invited' | 'active' | 'locked' | 'disabled';

export interface PartnerUserView {
  id: number;
  partnerId: number;
  email: string;
  name: string;
  state: PartnerUserState;
  /** When the current set-password link runs out; null when none is open. */
  setupExpiresAt: string | null;
  createdAt: string;
}

type Row = typeof partnerUsers.$inferSelect;

export function userState(row: Row, now: Date): PartnerUserState {
  if (row.disabled) return 'disabled';
  if (row.lockedUntil && row.lockedUntil.getTime() > now.getTime()) return 'locked';
  return row.passwordHash ? 'active' : 'invited';
}

const view = (row: Row, now: Date): PartnerUserView => ({
  id: row.id,
  partnerId: row.partnerId,
  email: row.email,
  name: row.name,
  state: userState(row, now),
  setupExpiresAt: row.setupExpiresAt?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString(),
});

/** A set-password link, to hand to the user once: only a hash of its secret is kept. */
export interface SetupLink {
  token: string;
  expiresAt: Date;
}

/** The address of the portal page a set-password link opens. */
export function setupLinkUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/partner/set-password?token=${encodeURIComponent(token)}`;
}

function newSetupLink(now: Date): SetupLink & { hash: string } {
  const token = newSecret('sml');
  return { token, hash: hashSecret(token), expiresAt: new Date(now.getTime() + SETUP_LINK_MS) };
}

export type CreatePartnerUserOutcome =
  | { type: 'created'; user: PartnerUserView; link: SetupLink }
  | { type: 'no-partner' }
  | { type: 'duplicate' };

/** An admin adds a user to a partner; the answer carries the user's first set-password link. */
export async function createPartnerUser(
  tx: Tx,
  input: { partnerId: number; email: string; name: string },
  actor: string,
  now: Date,
): Promise<CreatePartnerUserOutcome> {
  const [partner] = await tx
    .select({ id: partners.id })
    .from(partners)
    .where(eq(partners.id, input.partnerId));
  if (!partner) return { type: 'no-partner' };
  const link = newSetupLink(now);
  const [row] = await tx
    .insert(partnerUsers)
    .values({
      partnerId: input.partnerId,
      email: normalizeEmail(input.email),
      name: input.name.trim(),
      setupTokenHash: link.hash,
      setupExpiresAt: link.expiresAt,
      createdAt: now,
    })
    .onConflictDoNothing({ target: partnerUsers.email })
    .returning();
  if (!row) return { type: 'duplicate' };
  await recordAudit(tx, {
    actor,
    action: 'partner-user.create',
    target: `partner-user:${row.id}`,
    details: { partnerId: input.partnerId },
  });
  return {
    type: 'created',
    user: view(row, now),
    link: { token: link.token, expiresAt: link.expiresAt },
  };
}

/** A partner's users, oldest first. */
export async function listPartnerUsers(tx: Tx, partnerId: number, now: Date): Promise<PartnerUserView[]> {
  const rows = await tx
    .select()
    .from(partnerUsers)
    .where(eq(partnerUsers.partnerId, partnerId))
    .orderBy(asc(partnerUsers.id));
  return rows.map((r) => view(r, now));
}

/**
 * Issues a new set-password link for a user of this partner, replacing any
 * earlier one; undefined when the partner has no such user. The user's
 * current password keeps working until the link is used.
 */
export async function issueSetupLink(
  tx: Tx,
  partnerId: number,
  userId: number,
  actor: string,
  now: Date,
): Promise<{ user: PartnerUserView; link: SetupLink } | undefined> {
  const link = newSetupLink(now);
  const [row] = await tx
    .update(partnerUsers)
    .set({ setupTokenHash: link.hash, setupExpiresAt: link.expiresAt })
    .where(and(eq(partnerUsers.id, userId), eq(partnerUsers.partnerId, partnerId)))
    .returning();
  if (!row) return undefined;
  await recordAudit(tx, {
    actor,
    action: 'partner-user.link-issue',
    target: `partner-user:${row.id}`,
    details: { partnerId, expiresAt: link.expiresAt.toISOString() },
  });
  return { user: view(row, now), link: { token: link.token, expiresAt: link.expiresAt } };
}

/**
 * Disables or enables a user of this partner. Disabling ends the user's
 * portal sessions at once; undefined when the partner has no such user.
 */
export async function setPartnerUserDisabled(
  tx: Tx,
  partnerId: number,
  userId: number,
  disabled: boolean,
  actor: string,
  now: Date,
): Promise<PartnerUserView | undefined> {
  const [row] = await tx
    .update(partnerUsers)
    .set(disabled ? { disabled } : { disabled, failedSignIns: 0, lockedUntil: null })
    .where(and(eq(partnerUsers.id, userId), eq(partnerUsers.partnerId, partnerId)))
    .returning();
  if (!row) return undefined;
  if (disabled) await closeUserPortalSessions(tx, row.id);
  await recordAudit(tx, {
    actor,
    action: disabled ? 'partner-user.disable' : 'partner-user.enable',
    target: `partner-user:${row.id}`,
    details: { partnerId },
  });
  return view(row, now);
}
