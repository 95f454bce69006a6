import { CHANNELS, type Channel, TOPICS, type Topic } from '../consent/vocabulary.ts';
import { type ConsentInput, consentInput, type MemberInput, memberInput } from './memberInput.ts';

/**
 * The membership export's columns. `email` and `name` are required; the rest
 * may be absent or blank. Each `optin_<channel>_<topic>` column holds `yes`,
 * `no` or blank (blank: nothing said, the current state stays).
 * `optin_date` is when the member gave those answers (default: renewed_on,
 * then joined_on, then the import time).
 */
export const MEMBER_COLUMNS = {
  external_id: 'externalId',
  email: 'email',
  name: 'name',
  address_line1: 'addressLine1',
  address_line2: 'addressLine2',
  city: 'city',
  region: 'region',
  postal_code: 'postalCode',
  country: 'country',
  chapter: 'chapter',
  membership_type: 'membershipType',
  language: 'language',
  status: 'status',
  joined_on: 'joinedOn',
  renewed_on: 'renewedOn',
} as const satisfies Record<string, keyof MemberInput>;

const OPT_IN_COLUMNS = new Map<string, { topic: Topic; channel: Channel }>(
  CHANNELS.flatMap((channel) =>
    TOPICS.map((topic) => [`optin_${channel}_${topic.replaceAll('-', '_')}`, { topic, channel }] as const),
  ),
);

export const CSV_COLUMNS = [...Object.keys(MEMBER_COLUMNS), ...OPT_IN_COLUMNS.keys(), 'optin_date'];

const fieldToColumn = new Map<string, string>(Object.entries(MEMBER_COLUMNS).map(([col, f]) => [f, col]));

export interface CsvProblem {
  column: string;
  message: string;
}

/** Header problems: unknown columns (typos) and missing required ones. */
export function checkHeader(header: readonly string[]): CsvProblem[] {
  const problems: CsvProblem[] = [];
  const known = new Set(CSV_COLUMNS);
  const seen = new Set<string>();
  for (const column of header) {
    if (!known.has(column)) problems.push({ column, message: `unknown column "${column}"` });
    if (seen.has(column)) problems.push({ column, message: `column "${column}" appears twice` });
    seen.add(column);
  }
  for (const required of ['email', 'name']) {
    if (!seen.has(required))
      problems.push({ column: required, message: `required column "${required}" is missing` });
  }
  return problems;
}

/** Turns one CSV record (column → raw text) into a validated member, or the problems with it. */
export function parseCsvRecord(
  record: Record<string, string>,
): { ok: true; member: MemberInput } | { ok: false; problems: CsvProblem[] } {
  const candidate: Record<string, unknown> = {};
  const problems: CsvProblem[] = [];
  for (const [column, field] of Object.entries(MEMBER_COLUMNS)) {
    const raw = record[column]?.trim();
    if (raw) candidate[field] = raw;
  }
  const optInDate = record.optin_date?.trim() || candidate.renewedOn || candidate.joinedOn;
  const consents: ConsentInput[] = [];
  for (const [column, key] of OPT_IN_COLUMNS) {
    const raw = record[column]?.trim().toLowerCase();
    if (!raw) continue;
    if (raw !== 'yes' && raw !== 'no') {
      problems.push({ column, message: `"${raw}" is not yes, no or blank` });
      continue;
    }
    consents.push({ ...key, granted: raw === 'yes' });
  }
  // The opt-ins share one date: check it once, not once per opt-in (the
  // vocabulary is known correct), which halves the cost of a row.
  if (consents.length > 0 && optInDate) {
    const at = optInAt.safeParse(optInDate);
    if (at.success) for (const c of consents) c.at = at.data;
    else for (const issue of at.error.issues) problems.push({ column: 'optin_date', message: issue.message });
  }
  const parsed = memberInput.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0]);
      problems.push({ column: fieldToColumn.get(field) ?? field, message: issue.message });
    }
  }
  if (problems.length > 0 || !parsed.success) return { ok: false, problems };
  return { ok: true, member: consents.length > 0 ? { ...parsed.data, consents } : parsed.data };
}

const optInAt = consentInput.shape.at.unwrap();
