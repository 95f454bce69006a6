import { eq, ilike, or, sql } from 'drizzle-orm';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Db } from '../db/connect.ts';
import { members, suppressions } from '../db/schema.ts';
import { normalizeEmail } from '../members/email.ts';
import { memberInput } from '../members/memberInput.ts';

export type MemberRow = typeof members.$inferSelect;

/**
 * Finds members by email (exact or the start of it) or external id (exact or
 * the start of it), at most 50: enough to pick someone, not a way to list the
 * membership.
 */
export async function searchMembers(db: Db, query: string): Promise<MemberRow[]> {
  const q = query.trim().slice(0, 254);
  if (q.length < 2) return [];
  const prefix = `${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db
    .select()
    .from(members)
    .where(
      or(
        eq(members.emailNormalized, normalizeEmail(q)),
        ilike(members.emailNormalized, prefix),
        eq(members.externalId, q),
        ilike(members.externalId, prefix),
      ),
    )
    .orderBy(members.emailNormalized)
    .limit(50);
}

export async function findMember(db: Db, id: number): Promise<MemberRow | undefined> {
  const [row] = await db.select().from(members).where(eq(members.id, id));
  return row;
}

/** Whether mail to this member's address is blocked whatever the consents (bounce, complaint, manual). */
export async function suppressionOf(db: Db, emailNormalized: string): Promise<string | null> {
  const [row] = await db
    .select({ reason: suppressions.reason })
    .from(suppressions)
    .where(eq(suppressions.emailNormalized, emailNormalized));
  return row?.reason ?? null;
}

/** The details staff may correct on a member's request. */
export const CORRECTABLE = [
  'email',
  'name',
  'addressLine1',
  'addressLine2',
  'city',
  'region',
  'postalCode',
  'country',
  'language',
] as const;
export type Correction = Record<(typeof CORRECTABLE)[number], string>;

const correctionSchema = memberInput.pick({
  email: true,
  name: true,
  addressLine1: true,
  addressLine2: true,
  city: true,
  region: true,
  postalCode: true,
  country: true,
  language: true,
});

export type CorrectOutcome =
  | { type: 'corrected'; changed: string[] }
  | { type: 'invalid'; errors: Record<string, string> }
  | { type: 'not-found' };

/**
 * Corrects a member's details as the member asked ("contact us to correct
 * your data"). Empty optional fields clear the value. The audit entry names
 * the fields changed, never their values.
 */
export async function correctMember(
  db: Db,
  id: number,
  form: Correction,
  actor: string,
): Promise<CorrectOutcome> {
  const optional = (v: string) => (v.trim() === '' ? undefined : v);
  const parsed = correctionSchema.safeParse({
    email: form.email,
    name: form.name,
    addressLine1: optional(form.addressLine1),
    addressLine2: optional(form.addressLine2),
    city: optional(form.city),
    region: optional(form.region),
    postalCode: optional(form.postalCode),
    country: optional(form.country),
    language: optional(form.language),
  });
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const i of parsed.error.issues) errors[String(i.path[0] ?? '_')] ??= i.message;
    return { type: 'invalid', errors };
  }
  const next = {
    email: parsed.data.email,
    emailNormalized: normalizeEmail(parsed.data.email),
    name: parsed.data.name,
    addressLine1: parsed.data.addressLine1 ?? null,
    addressLine2: parsed.data.addressLine2 ?? null,
    city: parsed.data.city ?? null,
    region: parsed.data.region ?? null,
    postalCode: parsed.data.postalCode ?? null,
    country: parsed.data.country ?? null,
    language: parsed.data.language,
  };
  return db.transaction(async (tx): Promise<CorrectOutcome> => {
    const [current] = await tx.select().from(members).where(eq(members.id, id)).for('update');
    if (!current) return { type: 'not-found' };
    const changed = (Object.keys(next) as (keyof typeof next)[]).filter(
      (k) => k !== 'emailNormalized' && current[k] !== next[k],
    );
    if (changed.length === 0) return { type: 'corrected', changed };
    const [clash] = await tx
      .select({ id: members.id })
      .from(members)
      .where(sql`${members.emailNormalized} = ${next.emailNormalized} and ${members.id} <> ${id}`);
    if (clash) return { type: 'invalid', errors: { email: 'another member already has this address' } };
    await tx
      .update(members)
      .set({ ...next, updatedAt: new Date() })
      .where(eq(members.id, id));
    await recordAudit(tx, {
      actor,
      action: 'member.correct',
      target: `member:${id}`,
      details: { fields: changed },
    });
    return { type: 'corrected', changed };
  });
}

export const emptyCorrection = (m: MemberRow): Correction => ({
  email: m.email,
  name: m.name,
  addressLine1: m.addressLine1 ?? '',
  addressLine2: m.addressLine2 ?? '',
  city: m.city ?? '',
  region: m.region ?? '',
  postalCode: m.postalCode ?? '',
  country: m.country ?? '',
  language: m.language,
});
