import { sql } from 'drizzle-orm';
import { type ConsentChange, recordConsentChanges } from '../consent/recordConsent.ts';
import type { ConsentSource } from '../consent/vocabulary.ts';
import type { Tx } from '../db/connect.ts';
import { normalizeEmail } from './email.ts';
import type { MemberInput } from './memberInput.ts';

/** A validated record and where it came from (a CSV line, an array index). */
export interface SourcedMember {
  ref: number;
  member: MemberInput;
}

export interface UpsertProblem {
  ref: number;
  field: string;
  message: string;
}

export interface UpsertOutcome {
  inserted: number;
  updated: number;
  unchanged: number;
  consentEntries: number;
  /** Member id per input ref, for callers that answer with ids. */
  ids: Map<number, number>;
  problems: UpsertProblem[];
}

export interface UpsertContext {
  source: ConsentSource;
  actor: string;
  note?: string;
}

const COLUMNS = [
  'external_id',
  'email',
  'email_normalized',
  'name',
  'address_line1',
  'address_line2',
  'city',
  'region',
  'postal_code',
  'country',
  'chapter',
  'membership_type',
  'language',
  'status',
  'joined_on',
  'renewed_on',
] as const;
const UPDATABLE = COLUMNS.filter((c) => c !== 'email_normalized');
const RECORD_TYPE = sql.raw(
  `${COLUMNS.map((c) => `${c} ${c.endsWith('_on') ? 'date' : 'text'}`).join(', ')}, ref int, target bigint`,
);
const list = (cols: readonly string[], prefix = '') => sql.raw(cols.map((c) => prefix + c).join(', '));

function toRow(m: MemberInput) {
  return {
    external_id: m.externalId ?? null,
    email: m.email,
    email_normalized: normalizeEmail(m.email),
    name: m.name,
    address_line1: m.addressLine1 ?? null,
    address_line2: m.addressLine2 ?? null,
    city: m.city ?? null,
    region: m.region ?? null,
    postal_code: m.postalCode ?? null,
    country: m.country ?? null,
    chapter: m.chapter ?? null,
    membership_type: m.membershipType ?? null,
    language: m.language,
    status: m.status,
    joined_on: m.joinedOn ?? null,
    renewed_on: m.renewedOn ?? null,
  };
}

/**
 * Inserts or updates a batch of members, set-based: a member is found by
 * external id, else by normalised email. An email that already belongs to a
 * member with another external id is a problem for that record, not an
 * overwrite. Consents become ledger entries only where they change the state.
 */
export async function upsertMembers(
  tx: Tx,
  batch: readonly SourcedMember[],
  context: UpsertContext,
): Promise<UpsertOutcome> {
  const outcome: UpsertOutcome = {
    inserted: 0,
    updated: 0,
    unchanged: 0,
    consentEntries: 0,
    ids: new Map(),
    problems: [],
  };
  if (batch.length === 0) return outcome;
  outcome.problems.push(...duplicatesWithin(batch));
  if (outcome.problems.length > 0) return outcome;
  const rows = batch.map(({ ref, member }) => ({ ...toRow(member), ref, target: null as number | null }));

  const found = await tx.execute<{
    ref: number;
    by_external: string | null;
    by_email: string | null;
    email_owner: string | null;
  }>(sql`
    select i.ref, bx.id as by_external, be.id as by_email, be.external_id as email_owner
      from jsonb_to_recordset(${JSON.stringify(rows.map((r) => ({ ref: r.ref, external_id: r.external_id, email_normalized: r.email_normalized })))}::jsonb)
           as i(ref int, external_id text, email_normalized text)
      left join members bx on bx.external_id = i.external_id
      left join members be on be.email_normalized = i.email_normalized`);
  const byRef = new Map(rows.map((r) => [r.ref, r]));
  const toInsert: typeof rows = [];
  const toUpdate: typeof rows = [];
  for (const f of found) {
    const row = byRef.get(f.ref)!;
    const byExternal = f.by_external === null ? null : Number(f.by_external);
    const byEmail = f.by_email === null ? null : Number(f.by_email);
    const emailTakenByOther =
      byEmail !== null &&
      (byExternal !== null
        ? byEmail !== byExternal
        : f.email_owner !== null && row.external_id !== null && f.email_owner !== row.external_id);
    if (emailTakenByOther) {
      outcome.problems.push({
        ref: row.ref,
        field: 'email',
        message: 'this address belongs to another member (different external id)',
      });
      byRef.delete(row.ref);
      continue;
    }
    row.target = byExternal ?? byEmail;
    (row.target === null ? toInsert : toUpdate).push(row);
  }

  if (toUpdate.length > 0) {
    const updated = await tx.execute<{ id: string; ref: number }>(sql`
      update members m
         set ${sql.raw(UPDATABLE.map((c) => `${c} = coalesce(i.${c}, ${c === 'external_id' ? 'm.external_id' : `i.${c}`})`).join(', '))},
             email_normalized = i.email_normalized,
             updated_at = now()
        from jsonb_to_recordset(${JSON.stringify(toUpdate)}::jsonb) as i(${RECORD_TYPE})
       where m.id = i.target
         and (${list(COLUMNS, 'm.')}) is distinct from (${sql.raw(COLUMNS.map((c) => (c === 'external_id' ? 'coalesce(i.external_id, m.external_id)' : `i.${c}`)).join(', '))})
      returning m.id, i.ref`);
    outcome.updated = updated.length;
    outcome.unchanged = toUpdate.length - updated.length;
    for (const r of toUpdate) outcome.ids.set(r.ref, r.target!);
  }
  if (toInsert.length > 0) {
    const inserted = await tx.execute<{ id: string; email_normalized: string }>(sql`
      insert into members (${list(COLUMNS)})
      select ${list(COLUMNS)} from jsonb_to_recordset(${JSON.stringify(toInsert)}::jsonb) as i(${RECORD_TYPE})
      returning id, email_normalized`);
    const refByEmail = new Map(toInsert.map((r) => [r.email_normalized, r.ref]));
    outcome.inserted = inserted.length;
    for (const r of inserted) outcome.ids.set(refByEmail.get(r.email_normalized)!, Number(r.id));
  }

  const changes: ConsentChange[] = [];
  for (const { ref, member } of batch) {
    const memberId = outcome.ids.get(ref);
    if (memberId === undefined || !member.consents) continue;
    for (const c of member.consents) {
      changes.push({
        memberId,
        topic: c.topic,
        channel: c.channel,
        granted: c.granted,
        occurredAt: c.at ? new Date(c.at) : undefined,
      });
    }
  }
  outcome.consentEntries = await recordConsentChanges(tx, changes, context);
  return outcome;
}

/** Records in one batch that name the same person twice: each repeat is a problem. */
export function duplicatesWithin(batch: readonly SourcedMember[]): UpsertProblem[] {
  const problems: UpsertProblem[] = [];
  const emails = new Map<string, number>();
  const externals = new Map<string, number>();
  for (const { ref, member } of batch) {
    const email = normalizeEmail(member.email);
    const seen = emails.get(email);
    if (seen !== undefined) problems.push({ ref, field: 'email', message: `same address as record ${seen}` });
    else emails.set(email, ref);
    if (member.externalId === undefined) continue;
    const seenExternal = externals.get(member.externalId);
    if (seenExternal !== undefined) {
      problems.push({ ref, field: 'externalId', message: `same external id as record ${seenExternal}` });
    } else externals.set(member.externalId, ref);
  }
  return problems;
}
