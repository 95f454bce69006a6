import { type SQL, sql } from 'drizzle-orm';
import { type ConsentContext, ledgerInsert } from '../consent/recordConsent.ts';
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

/**
 * Runs one statement in the caller's transaction. A drizzle transaction is
 * one (`(q) => tx.execute(q)`); the CSV import adapts a raw postgres.js
 * transaction, which it needs for COPY.
 */
export type Execute = <T extends Record<string, unknown>>(query: SQL) => Promise<T[] & { count: number }>;

/** What applying the staged members did; problems are the first `maxProblems` by ref. */
export interface StagedOutcome {
  inserted: number;
  updated: number;
  unchanged: number;
  consentEntries: number;
  problemCount: number;
  problems: UpsertProblem[];
}

const MEMBER_COLUMNS = [
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

/** The staging table's loaded columns, in the order `stagedRow` gives them (and COPY expects). */
export const STAGED_COLUMNS = ['ref', ...MEMBER_COLUMNS, 'consents'] as const;
const STAGED_TYPES = STAGED_COLUMNS.map(
  (c) => `${c} ${c === 'ref' ? 'int' : c === 'consents' ? 'jsonb' : c.endsWith('_on') ? 'date' : 'text'}`,
);
const list = (cols: readonly string[], prefix = '') => sql.raw(cols.map((c) => prefix + c).join(', '));

/**
 * The staging table a batch (or a whole file) is loaded into before the
 * set-based statements below run over it. Temporary and dropped at commit;
 * `problem*` are filled in by `applyStaged`, and `staged_targets` holds the
 * member each row found (narrow, so a re-import need not rewrite every wide
 * staging row).
 */
export async function createStaging(execute: Execute): Promise<void> {
  await execute(
    sql.raw(`
      create temp table if not exists staged_members (
        ${STAGED_TYPES.join(', ')},
        problem text,
        problem_field text,
        other_ref int
      ) on commit drop`),
  );
  await execute(
    sql`create temp table if not exists staged_targets (ref int, target bigint, by_external boolean, email_taken boolean, first_ref int) on commit drop`,
  );
  await execute(sql`truncate staged_members, staged_targets`);
}

export const COPY_STAGED = `copy staged_members (${STAGED_COLUMNS.join(', ')}) from stdin`;

/** One member as a staging row, in `STAGED_COLUMNS` order (consents as JSON text). */
export function stagedRow(ref: number, m: MemberInput): (string | number | null)[] {
  const consents = stagedConsents(m);
  return [
    ref,
    m.externalId ?? null,
    m.email,
    normalizeEmail(m.email),
    m.name,
    m.addressLine1 ?? null,
    m.addressLine2 ?? null,
    m.city ?? null,
    m.region ?? null,
    m.postalCode ?? null,
    m.country ?? null,
    m.chapter ?? null,
    m.membershipType ?? null,
    m.language,
    m.status,
    m.joinedOn ?? null,
    m.renewedOn ?? null,
    consents && JSON.stringify(consents),
  ];
}

function stagedConsents(m: MemberInput) {
  if (!m.consents?.length) return null;
  return m.consents.map((c) => ({
    topic: c.topic,
    channel: c.channel,
    granted: c.granted,
    occurred_at: c.at ? new Date(c.at).toISOString() : null,
  }));
}

/** A staging row as one line of COPY's text format. */
export function copyLine(row: readonly (string | number | null)[]): string {
  let line = '';
  let first = true;
  for (const v of row) {
    if (!first) line += '\t';
    first = false;
    if (v === null) line += '\\N';
    else if (typeof v === 'number') line += v;
    else line += /[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, copyEscape) : v;
  }
  return `${line}\n`;
}
const copyEscape = (c: string) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r');

/**
 * Applies the staged members, set-based, whatever their number:
 *
 * 1. a person listed twice (same normalised email or external id as an
 *    earlier row) is a problem for the later row;
 * 2. each row finds its member by external id, else by normalised email; an
 *    email that already belongs to a member with another external id is a
 *    problem, as is a second row finding a member an earlier row found;
 * 3. found members whose fields differ are updated, the rest are inserted;
 * 4. consents become ledger entries where they change the current state
 *    (`recordConsentChanges`' 'if-changed' rule), in one insert.
 *
 * Rows with problems are left out; whether to keep the rest is the caller's
 * call. `refNoun` names a ref in messages ('line 12', 'record 3').
 */
export async function applyStaged(
  execute: Execute,
  context: UpsertContext,
  options: { refNoun: string; maxProblems: number },
): Promise<StagedOutcome> {
  // Temp tables get no automatic statistics; the plans below need the row
  // count and the join keys' (the consents column would be slow to sample).
  await execute(sql`analyze staged_members (ref, external_id, email_normalized)`);
  await execute(sql`
    update staged_members s
       set problem = d.problem, problem_field = d.field, other_ref = d.other_ref
      from (select ref,
                   case when first_email < ref then 'same-email' else 'same-external-id' end as problem,
                   case when first_email < ref then 'email' else 'externalId' end as field,
                   case when first_email < ref then first_email else first_external end as other_ref
              from (select ref, external_id,
                           min(ref) over (partition by email_normalized) as first_email,
                           min(ref) over (partition by external_id) as first_external
                      from staged_members) w
             where first_email < ref or (external_id is not null and first_external < ref)) d
     where s.ref = d.ref`);
  await execute(sql`
    insert into staged_targets (ref, target, by_external, email_taken, first_ref)
    select s.ref, coalesce(x.id, e.id), x.id is not null,
           coalesce(case when x.id is not null then e.id <> x.id
                         else e.external_id is not null and s.external_id is not null
                              and e.external_id <> s.external_id end, false),
           min(s.ref) over (partition by coalesce(x.id, e.id))
      from staged_members s
      left join members x on x.external_id = s.external_id
      left join members e on e.email_normalized = s.email_normalized
     where s.problem is null and (x.id is not null or e.id is not null)`);
  await execute(sql`analyze staged_targets`);
  await execute(sql`
    update staged_members s
       set problem = case when t.email_taken then 'email-taken' else 'same-member' end,
           problem_field = case when t.email_taken or not t.by_external then 'email' else 'externalId' end,
           other_ref = t.first_ref
      from staged_targets t
     where t.ref = s.ref and (t.email_taken or t.first_ref < t.ref)`);

  const updatable = MEMBER_COLUMNS.filter((c) => c !== 'email_normalized' && c !== 'external_id');
  const updated = await execute(sql`
    update members m
       set external_id = coalesce(s.external_id, m.external_id),
           ${sql.raw(updatable.map((c) => `${c} = s.${c}`).join(', '))},
           email_normalized = s.email_normalized,
           updated_at = now()
      from staged_members s join staged_targets t on t.ref = s.ref
     where m.id = t.target and s.problem is null
       and (${list(MEMBER_COLUMNS, 'm.')}) is distinct from
           (coalesce(s.external_id, m.external_id), ${list(MEMBER_COLUMNS.slice(1), 's.')})`);
  const inserted = await execute(sql`
    insert into members (${list(MEMBER_COLUMNS)})
    select ${list(MEMBER_COLUMNS)} from staged_members s
     where problem is null and not exists (select from staged_targets t where t.ref = s.ref)
     order by ref`);
  // Every kept row's member now has the row's normalised email (updated or inserted).
  const consentEntries = await execute(
    ledgerInsert(
      sql`select m.id as member_id, c.topic, c.channel, c.granted, c.occurred_at, 0 as seq
            from staged_members s
            join members m on m.email_normalized = s.email_normalized
           cross join lateral jsonb_to_recordset(s.consents)
                 as c(topic text, channel text, granted boolean, occurred_at timestamptz)
           where s.problem is null and s.consents is not null`,
      { ...context, mode: 'if-changed' } satisfies ConsentContext,
    ),
  );

  const [counts] = await execute<{ matched: number; problems: number }>(sql`
    select (select count(*) from staged_members s join staged_targets t on t.ref = s.ref
             where s.problem is null)::int as matched,
           (select count(*) from staged_members where problem is not null)::int as problems`);
  const problems =
    counts!.problems === 0 || options.maxProblems <= 0
      ? []
      : await execute<{ ref: number; problem: string; problem_field: string; other_ref: number | null }>(sql`
          select ref, problem, problem_field, other_ref from staged_members
           where problem is not null order by ref limit ${options.maxProblems}`);
  return {
    inserted: inserted.count,
    updated: updated.count,
    unchanged: counts!.matched - updated.count,
    consentEntries: consentEntries.count,
    problemCount: counts!.problems,
    problems: problems.map((p) => ({
      ref: p.ref,
      field: p.problem_field,
      message: problemMessage(p.problem, `${options.refNoun} ${p.other_ref}`),
    })),
  };
}

function problemMessage(kind: string, other: string): string {
  switch (kind) {
    case 'same-email':
      return `same address as ${other}`;
    case 'same-external-id':
      return `same external id as ${other}`;
    case 'same-member':
      return `same member as ${other}`;
    default:
      return 'this address belongs to another member (different external id)';
  }
}

/**
 * Inserts or updates a batch of members, set-based (`applyStaged`): a member
 * is found by external id, else by normalised email. An email that already
 * belongs to a member with another external id is a problem for that record,
 * not an overwrite. Consents become ledger entries only where they change the
 * state. With any problem nothing is written.
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
  // A savepoint (or, given the database itself, a transaction): the staging
  // table must live as long as the statements over it.
  await tx.transaction(async (inner) => {
    const execute: Execute = (q) => inner.execute(q) as never; // drizzle's RowList, typed loosely
    await createStaging(execute);
    const rows = batch.map(({ ref, member }) => {
      const values = stagedRow(ref, member);
      const row: Record<string, unknown> = Object.fromEntries(STAGED_COLUMNS.map((c, i) => [c, values[i]]));
      row.consents = stagedConsents(member); // an array in JSON, not JSON text
      return row;
    });
    await execute(sql`
      insert into staged_members (${list(STAGED_COLUMNS)})
      select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as i(${sql.raw(STAGED_TYPES.join(', '))})`);
    const staged = await applyStaged(execute, context, { refNoun: 'record', maxProblems: batch.length });
    outcome.problems.push(...staged.problems);
    outcome.inserted = staged.inserted;
    outcome.updated = staged.updated;
    outcome.unchanged = staged.unchanged;
    outcome.consentEntries = staged.consentEntries;
    const ids = await execute<{ ref: number; id: string }>(sql`
      select s.ref, m.id from staged_members s join members m on m.email_normalized = s.email_normalized
       where s.problem is null`);
    for (const r of ids) outcome.ids.set(r.ref, Number(r.id));
  });
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
