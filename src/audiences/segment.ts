/**
 * A segment: a filter over member attributes, stored as JSON on a campaign and
 * validated here before anything compiles or evaluates it.
 *
 * Glossary
 * - condition: one test of one field, `{ field: 'country', op: 'in', values: ['FR', 'DE'] }`.
 * - group: `{ all: [...] }` (and), `{ any: [...] }` (or), `{ not: {...} }`.
 *   `{ all: [] }` is everybody, `{ any: [] }` is nobody.
 *
 * Semantics are two-valued: a condition on a missing attribute (a member with
 * no country, no join date) is false for `eq`, `in`, `before`, `after` and
 * `between`, and therefore true for `neq` and `not-in`; `not` is plain
 * negation. `before` and `after` are strict, `between` includes both ends.
 * `compileSegment` and `matchesSegment` both follow these rules.
 */
import { z } from 'zod';
import { MEMBER_STATUSES } from '../consent/vocabulary.ts';

export const TEXT_FIELDS = ['country', 'chapter', 'membershipType', 'language', 'status'] as const;
export const DATE_FIELDS = ['joinedOn', 'renewedOn'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];
export type DateField = (typeof DATE_FIELDS)[number];
export type SegmentField = TextField | DateField;

export const TEXT_OPERATORS = ['eq', 'neq', 'in', 'not-in'] as const;
export const DATE_OPERATORS = ['eq', 'neq', 'before', 'after', 'between'] as const;

export type Condition =
  | { field: TextField; op: 'eq' | 'neq'; value: string }
  | { field: TextField; op: 'in' | 'not-in'; values: string[] }
  | { field: DateField; op: 'eq' | 'neq' | 'before' | 'after'; value: string }
  | { field: DateField; op: 'between'; from: string; to: string };

export type Segment = Condition | { all: Segment[] } | { any: Segment[] } | { not: Segment };

/** What one segment may hold; beyond these it is rejected, before any parsing. */
export const SEGMENT_LIMITS = {
  /** Nesting: a lone condition has depth 1, `{ all: [condition] }` depth 2. */
  depth: 6,
  conditions: 200,
  groups: 100,
  /** Values across the whole segment (a `value` counts one, `between` two). */
  values: 500,
} as const;

/** One reason a segment was refused; `path` leads to the offending part. */
export interface SegmentIssue {
  path: (string | number)[];
  message: string;
}

export type ParsedSegment = { type: 'ok'; segment: Segment } | { type: 'invalid'; issues: SegmentIssue[] };

const isoDate = z.iso
  .date({ error: 'must be a date written yyyy-mm-dd' })
  .refine((d) => !d.startsWith('0000'), 'must be a date written yyyy-mm-dd');

const VALUE_SCHEMAS: Record<SegmentField, z.ZodType<string>> = {
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 two-letter country code in upper case'),
  chapter: z.string().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  membershipType: z.string().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  language: z.string().regex(/^[a-z]{2,3}$/, 'must be a language code of 2 or 3 lower-case letters'),
  status: z.enum(MEMBER_STATUSES, { error: `must be one of ${MEMBER_STATUSES.join(', ')}` }),
  joinedOn: isoDate,
  renewedOn: isoDate,
};

const isTextField = (f: string): f is TextField => (TEXT_FIELDS as readonly string[]).includes(f);
const isDateField = (f: string): f is DateField => (DATE_FIELDS as readonly string[]).includes(f);

/** Quotes a piece of input for an error message, short and escaped. */
const quote = (v: unknown) => JSON.stringify(String(v).slice(0, 40));

const strict = <S extends z.ZodRawShape>(shape: S) =>
  z.strictObject(shape, {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? `unknown key${iss.keys.length > 1 ? 's' : ''} ${iss.keys.map(quote).join(', ')}`
        : undefined,
  });

const conditionSchemas = new Map<string, z.ZodType<Condition>>();

function conditionSchema(field: SegmentField, op: string): z.ZodType<Condition> {
  const key = `${field}:${op}`;
  let schema = conditionSchemas.get(key);
  if (schema) return schema;
  const value = VALUE_SCHEMAS[field];
  const head = { field: z.literal(field), op: z.literal(op) };
  if (op === 'in' || op === 'not-in') {
    schema = strict({
      ...head,
      values: z
        .array(value, { error: '"values" must be a list' })
        .min(1, '"values" must hold at least one value')
        .max(SEGMENT_LIMITS.values, `"values" must hold at most ${SEGMENT_LIMITS.values} values`),
    }) as unknown as z.ZodType<Condition>;
  } else if (op === 'between') {
    schema = strict({ ...head, from: value, to: value }).refine((c) => c.from <= c.to, {
      message: '"from" must not be after "to"',
      path: ['to'],
    }) as unknown as z.ZodType<Condition>;
  } else {
    schema = strict({ ...head, value }) as unknown as z.ZodType<Condition>;
  }
  conditionSchemas.set(key, schema);
  return schema;
}

const node: z.ZodType<Segment> = z.unknown().transform((input, ctx): Segment => {
  const chosen = schemaFor(input);
  if ('problem' in chosen) {
    ctx.addIssue({ code: 'custom', message: chosen.problem, path: chosen.path ?? [], input });
    return z.NEVER;
  }
  const result = chosen.schema.safeParse(input);
  if (result.success) return result.data;
  for (const issue of result.error.issues) ctx.addIssue({ ...issue, input } as z.core.$ZodRawIssue);
  return z.NEVER;
});

const groups = {
  all: strict({
    all: z.array(
      z.lazy(() => node),
      { error: '"all" must be a list' },
    ),
  }),
  any: strict({
    any: z.array(
      z.lazy(() => node),
      { error: '"any" must be a list' },
    ),
  }),
  not: strict({ not: z.lazy(() => node) }),
};

type Choice = { schema: z.ZodType<Segment> } | { problem: string; path?: string[] };

/** Reads enough of a node to pick its schema, so errors name the field and operator. */
function schemaFor(input: unknown): Choice {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { problem: 'must be a condition { field, op, … } or a group { all | any | not }' };
  }
  if ('field' in input) {
    const { field, op } = input as { field: unknown; op?: unknown };
    if (typeof field !== 'string') return { problem: '"field" must be a string', path: ['field'] };
    if (!isTextField(field) && !isDateField(field)) {
      return { problem: `unknown field ${quote(field)}`, path: ['field'] };
    }
    if (op === undefined) return { problem: `"op" is required for field ${quote(field)}`, path: ['op'] };
    const allowed: readonly unknown[] = isTextField(field) ? TEXT_OPERATORS : DATE_OPERATORS;
    if (typeof op !== 'string' || !allowed.includes(op)) {
      return {
        problem: `operator ${quote(op)} is not allowed for field ${quote(field)} (allowed: ${allowed.join(', ')})`,
        path: ['op'],
      };
    }
    return { schema: conditionSchema(field, op) };
  }
  const keys = Object.keys(input);
  const kinds = keys.filter((k): k is keyof typeof groups => k in groups);
  if (kinds.length === 1) return { schema: groups[kinds[0]!] as z.ZodType<Segment> };
  if (kinds.length > 1) return { problem: 'a group has exactly one of "all", "any" or "not"' };
  return {
    problem:
      keys.length > 0
        ? `unknown key ${quote(keys[0])}: expected a condition { field, op, … } or a group { all | any | not }`
        : 'must be a condition { field, op, … } or a group { all | any | not }',
  };
}

/**
 * Counts depth, conditions, groups and values without recursing past the
 * limits, so a hostile, deeply nested document is refused cheaply.
 */
function exceedsLimits(input: unknown): string | undefined {
  const seen = { conditions: 0, groups: 0, values: 0 };
  const walk = (n: unknown, depth: number): string | undefined => {
    if (depth > SEGMENT_LIMITS.depth) return `a segment may nest at most ${SEGMENT_LIMITS.depth} levels deep`;
    if (typeof n !== 'object' || n === null) return undefined;
    const o = n as Record<string, unknown>;
    if ('field' in o) {
      seen.conditions++;
      seen.values += Array.isArray(o.values) ? o.values.length : 'from' in o ? 2 : 1;
      if (seen.conditions > SEGMENT_LIMITS.conditions) {
        return `a segment may hold at most ${SEGMENT_LIMITS.conditions} conditions`;
      }
      if (seen.values > SEGMENT_LIMITS.values)
        return `a segment may hold at most ${SEGMENT_LIMITS.values} values`;
      return undefined;
    }
    const children = Array.isArray(o.all) ? o.all : Array.isArray(o.any) ? o.any : 'not' in o ? [o.not] : [];
    if (++seen.groups > SEGMENT_LIMITS.groups)
      return `a segment may hold at most ${SEGMENT_LIMITS.groups} groups`;
    for (const child of children) {
      const problem = walk(child, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  };
  return walk(input, 1);
}

/** The zod schema of a segment, for edges that compose schemas (request bodies, job payloads). */
export const segmentSchema: z.ZodType<Segment> = z.unknown().transform((input, ctx): Segment => {
  const problem = exceedsLimits(input);
  if (problem) {
    ctx.addIssue({ code: 'custom', message: problem, input });
    return z.NEVER;
  }
  const result = node.safeParse(input);
  if (result.success) return result.data;
  for (const issue of result.error.issues) ctx.addIssue({ ...issue, input } as z.core.$ZodRawIssue);
  return z.NEVER;
});

/** Validates untrusted JSON as a segment; every issue names the field, operator or key at fault. */
export function parseSegment(input: unknown): ParsedSegment {
  const result = segmentSchema.safeParse(input);
  if (result.success) return { type: 'ok', segment: result.data };
  return {
    type: 'invalid',
    issues: result.error.issues.map((i) => ({
      path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
      message: i.message,
    })),
  };
}

/** For segments that must already be valid (read back from a campaign): throws an Error naming the issues. */
export function assertSegment(input: unknown): Segment {
  const parsed = parseSegment(input);
  if (parsed.type === 'ok') return parsed.segment;
  throw new Error(`invalid segment: ${formatSegmentIssues(parsed.issues)}`);
}

/** `all.0.field: unknown field "favouriteColour"; …` */
export function formatSegmentIssues(issues: readonly SegmentIssue[]): string {
  return issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}
