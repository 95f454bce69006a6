import { randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import type { Db, Tx } from '../db/connect.ts';
import { staffSessions, staffUsers } from '../db/schema.ts';
import type { Role } from '../staff/roles.ts';
import { hashSecret, newSecret } from '../staff/secretToken.ts';
import type { StaffPrincipal } from '../staff/staffUsers.ts';

/**
 * Staff console sessions, kept in PostgreSQL (staff_sessions). The browser
 * holds a random id in an HttpOnly cookie; the table keeps only its SHA-256,
 * so a copy of the table opens no session. Each session has its own CSRF
 * token, which every console form carries.
 */
export const STAFF_SESSION_MS = 12 * 60 * 60 * 1000;

export interface StaffSession {
  staff: StaffPrincipal;
  csrfToken: string;
  expiresAt: Date;
}

export async function openStaffSession(tx: Tx, staffUserId: number, now: Date): Promise<string> {
  const id = newSecret('sms');
  await tx.insert(staffSessions).values({
    idHash: hashSecret(id),
    staffUserId,
    csrfToken: randomBytes(24).toString('base64url'),
    createdAt: now,
    expiresAt: new Date(now.getTime() + STAFF_SESSION_MS),
  });
  // Housekeeping on the way: sessions that ran out are of no use to anyone.
  await tx.delete(staffSessions).where(lt(staffSessions.expiresAt, now));
  return id;
}

/** The live session of an enabled staff user behind a cookie value, if any. */
export async function staffSession(
  db: Db,
  sessionId: string | undefined,
  now: Date,
): Promise<StaffSession | null> {
  if (!sessionId || !/^sms_[A-Za-z0-9_-]{20,100}$/.test(sessionId)) return null;
  const [row] = await db
    .select({
      id: staffUsers.id,
      email: staffUsers.email,
      name: staffUsers.name,
      role: staffUsers.role,
      disabled: staffUsers.disabled,
      csrfToken: staffSessions.csrfToken,
      expiresAt: staffSessions.expiresAt,
    })
    .from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.staffUserId))
    .where(and(eq(staffSessions.idHash, hashSecret(sessionId)), gt(staffSessions.expiresAt, now)));
  if (!row || row.disabled) return null;
  return {
    staff: { kind: 'staff', id: row.id, email: row.email, name: row.name, role: row.role as Role },
    csrfToken: row.csrfToken,
    expiresAt: row.expiresAt,
  };
}

export async function closeStaffSession(db: Db | Tx, sessionId: string): Promise<void> {
  await db.delete(staffSessions).where(eq(staffSessions.idHash, hashSecret(sessionId)));
}

/** Ends every session of a staff user (after a password change, or when disabled). */
export async function closeAllStaffSessions(db: Db | Tx, staffUserId: number): Promise<void> {
  await db.delete(staffSessions).where(eq(staffSessions.staffUserId, staffUserId));
}

/** Constant-time comparison of a submitted CSRF token with the session's. */
export function csrfMatches(expected: string, submitted: unknown): boolean {
  if (typeof submitted !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(submitted);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The cookie that carries the session id, for the console and (as an alternative to a token) the staff API. */
export const STAFF_SESSION_COOKIE = 'staff_session';
