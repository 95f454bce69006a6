import { type SQL, sql } from 'drizzle-orm';
import type { Condition, Segment, SegmentField } from './segment.ts';

/**
 * The members column behind each segment field, as fixed SQL: input never
 * becomes an identifier. `nullable` columns need care under negation.
 */
const COLUMNS: Record<SegmentField, { ref: SQL; nullable: boolean; date: boolean }> = {
  country: { ref: sql`m.country`, nullable: true, date: false },
  chapter: { ref: sql`m.chapter`, nullable: true, date: false },
  membershipType: { ref: sql`m.membership_type`, nullable: true, date: false },
  language: { ref: sql`m.language`, nullable: false, date: false },
  status: { ref: sql`m.status`, nullable: false, date: false },
  joinedOn: { ref: sql`m.joined_on`, nullable: true, date: true },
  renewedOn: { ref: sql`m.renewed_on`, nullable: true, date: true },
};

/** A compiled piece, and whether it can evaluate to SQL null (only on a nullable column). */
interface Compiled {
  sql: SQL;
  nullable: boolean;
}

/**
 * Compiles a validated segment into a boolean SQL condition over the
 * `members` table aliased `m`. Every value is a bound parameter; column names
 * come from a fixed table. SQL's three-valued logic is folded back to the
 * two-valued rules of `segment.ts`: a null column makes a positive condition
 * false and its negation true.
 *
 * Throws on a field or operator it does not know, so an unvalidated segment
 * read from storage fails loudly instead of selecting the wrong members.
 */
export function compileSegment(segment: Segment): SQL {
  return compile(segment).sql;
}

function compile(node: Segment): Compiled {
  if ('all' in node) return combine(node.all, 'and');
  if ('any' in node) return combine(node.any, 'or');
  if ('not' in node) {
    const inner = compile(node.not);
    // `is not true` turns an unknown into true: not(false-ish) is true.
    return {
      sql: inner.nullable ? sql`(${inner.sql}) is not true` : sql`not (${inner.sql})`,
      nullable: false,
    };
  }
  return condition(node);
}

function combine(children: Segment[], joiner: 'and' | 'or'): Compiled {
  if (children.length === 0) return { sql: joiner === 'and' ? sql`true` : sql`false`, nullable: false };
  const parts = children.map(compile);
  if (parts.length === 1) return parts[0]!;
  return {
    sql: sql`(${sql.join(
      parts.map((p) => p.sql),
      joiner === 'and' ? sql` and ` : sql` or `,
    )})`,
    nullable: parts.some((p) => p.nullable),
  };
}

function condition(c: Condition): Compiled {
  const column = COLUMNS[c.field];
  if (!column) throw new Error(`cannot compile segment: unknown field ${JSON.stringify(c.field)}`);
  const { ref, nullable } = column;
  const value = (v: string) => (column.date ? sql`${v}::date` : sql`${v}`);
  const list = (vs: string[]) => sql.join(vs.map(value), sql`, `);
  // Negations are written null-safe so they never yield unknown.
  const orMissing = (s: SQL) => (nullable ? sql`(${ref} is null or ${s})` : s);
  switch (c.op) {
    case 'eq':
      return { sql: sql`${ref} = ${value(c.value)}`, nullable };
    case 'neq':
      return { sql: orMissing(sql`${ref} <> ${value(c.value)}`), nullable: false };
    case 'in':
      return { sql: sql`${ref} in (${list(c.values)})`, nullable };
    case 'not-in':
      return { sql: orMissing(sql`${ref} not in (${list(c.values)})`), nullable: false };
    case 'before':
      return { sql: sql`${ref} < ${value(c.value)}`, nullable };
    case 'after':
      return { sql: sql`${ref} > ${value(c.value)}`, nullable };
    case 'between':
      return { sql: sql`${ref} between ${value(c.from)} and ${value(c.to)}`, nullable };
    default:
      throw new Error(
        `cannot compile segment: unknown operator ${JSON.stringify((c as { op: unknown }).op)}`,
      );
  }
}
