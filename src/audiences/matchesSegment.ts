import type { Condition, Segment } from './segment.ts';

/** The member attributes a segment can test; dates as yyyy-mm-dd strings, as drizzle returns them. */
export interface SegmentMember {
  country: string | null;
  chapter: string | null;
  membershipType: string | null;
  language: string;
  status: string;
  joinedOn: string | null;
  renewedOn: string | null;
}

/**
 * The in-memory twin of `compileSegment`: whether one member is in the
 * segment, under the same two-valued rules (a missing attribute fails every
 * positive test). Property tests hold the SQL to this.
 */
export function matchesSegment(segment: Segment, member: SegmentMember): boolean {
  if ('all' in segment) return segment.all.every((s) => matchesSegment(s, member));
  if ('any' in segment) return segment.any.some((s) => matchesSegment(s, member));
  if ('not' in segment) return !matchesSegment(segment.not, member);
  return holds(segment, member);
}

function holds(c: Condition, member: SegmentMember): boolean {
  const actual = member[c.field];
  switch (c.op) {
    case 'eq':
      return actual !== null && actual === c.value;
    case 'neq':
      return !(actual !== null && actual === c.value);
    case 'in':
      return actual !== null && c.values.includes(actual);
    case 'not-in':
      return !(actual !== null && c.values.includes(actual));
    // yyyy-mm-dd strings order as the dates do.
    case 'before':
      return actual !== null && actual < c.value;
    case 'after':
      return actual !== null && actual > c.value;
    case 'between':
      return actual !== null && c.from <= actual && actual <= c.to;
    default:
      throw new Error(`unknown operator ${JSON.stringify((c as { op: unknown }).op)}`);
  }
}
