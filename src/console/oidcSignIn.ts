import { eq } from 'drizzle-orm';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Db } from '../db/connect.ts';
import { staffUsers } from '../db/schema.ts';
import { matchStaffAccount, type OidcIdentity, type OidcRefusal } from './oidcAccount.ts';
import { openStaffSession } from './sessions.ts';

export type OidcSignInOutcome =
  | { type: 'signed-in'; sessionId: string; staffUserId: number }
  | { type: 'refused'; reason: OidcRefusal };

/**
 * Opens a console session for an identity the provider vouched for, exactly
 * as a password sign-in does, binding the account to the subject the first
 * time. The account row is locked so two first sign-ins bind once.
 */
export function signInWithOidc(db: Db, identity: OidcIdentity, now: Date): Promise<OidcSignInOutcome> {
  return db.transaction(async (tx) => {
    const [byEmail] = identity.email
      ? await tx
          .select({ id: staffUsers.id, disabled: staffUsers.disabled, oidcSubject: staffUsers.oidcSubject })
          .from(staffUsers)
          .where(eq(staffUsers.email, identity.email))
          .for('update')
      : [];
    const [owner] = await tx
      .select({ id: staffUsers.id })
      .from(staffUsers)
      .where(eq(staffUsers.oidcSubject, identity.subject));
    const match = matchStaffAccount(identity, byEmail ?? null, owner?.id ?? null);
    if (match.type === 'refused') return match;
    const actor = `staff:${match.staffUserId}`;
    if (match.bind) {
      await tx
        .update(staffUsers)
        .set({ oidcSubject: identity.subject })
        .where(eq(staffUsers.id, match.staffUserId));
      await recordAudit(tx, { actor, action: 'staff.oidc-bound', target: actor });
    }
    const sessionId = await openStaffSession(tx, match.staffUserId, now);
    await recordAudit(tx, { actor, action: 'staff.sign-in', target: actor, details: { method: 'oidc' } });
    return { type: 'signed-in', sessionId, staffUserId: match.staffUserId } as const;
  });
}
