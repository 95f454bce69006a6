import fc from 'fast-check';
import type { SegmentMember } from '../../src/audiences/matchesSegment.ts';
import type { Condition, Segment } from '../../src/audiences/segment.ts';
import { MEMBER_STATUSES } from '../../src/consent/vocabulary.ts';

/** Small pools, so random segments and random members often meet. */
const pools = {
  country: ['FR', 'DE', 'US', 'JP'],
  chapter: ['Paris', 'Berlin', "O'Hare", 'x); drop table members; --'],
  membershipType: ['individual', 'student', 'life'],
  language: ['en', 'fr', 'de'],
  status: [...MEMBER_STATUSES],
};
const dates = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2001-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

const textField = fc.constantFrom('country', 'chapter', 'membershipType', 'language', 'status' as const);
const dateField = fc.constantFrom('joinedOn' as const, 'renewedOn' as const);

const textCondition: fc.Arbitrary<Condition> = textField.chain((field) => {
  const value = fc.constantFrom(...pools[field]);
  return fc.oneof(
    fc.record({ field: fc.constant(field), op: fc.constantFrom('eq' as const, 'neq' as const), value }),
    fc.record({
      field: fc.constant(field),
      op: fc.constantFrom('in' as const, 'not-in' as const),
      values: fc.uniqueArray(value, { minLength: 1, maxLength: 3 }),
    }),
  );
});

const dateCondition: fc.Arbitrary<Condition> = dateField.chain((field) =>
  fc.oneof(
    fc.record({
      field: fc.constant(field),
      op: fc.constantFrom('eq' as const, 'neq' as const, 'before' as const, 'after' as const),
      value: dates,
    }),
    fc.tuple(dates, dates).map((pair) => {
      const [from, to] = pair.sort() as [string, string];
      return { field, op: 'between' as const, from, to };
    }),
  ),
);

/** Valid segments up to the depth limit, with every operator. */
export const segmentArbitrary: fc.Arbitrary<Segment> = fc.letrec<{ node: Segment }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true, maxDepth: 5 },
    textCondition,
    dateCondition,
    fc.record({ all: fc.array(tie('node'), { maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('node'), { maxLength: 3 }) }),
    fc.record({ not: tie('node') }),
  ),
})).node;

const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null, freq: 4 });

export const memberArbitrary: fc.Arbitrary<SegmentMember> = fc.record({
  country: maybe(fc.constantFrom(...pools.country)),
  chapter: maybe(fc.constantFrom(...pools.chapter)),
  membershipType: maybe(fc.constantFrom(...pools.membershipType)),
  language: fc.constantFrom(...pools.language),
  status: fc.constantFrom(...pools.status),
  joinedOn: maybe(dates),
  renewedOn: maybe(dates),
});
