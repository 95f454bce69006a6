import { describe, expect, it } from 'vitest';
import { formatSegmentIssues, parseSegment, SEGMENT_LIMITS } from '../../src/audiences/segment.ts';

const problems = (input: unknown) => {
  const parsed = parseSegment(input);
  if (parsed.type === 'ok') throw new Error('expected the segment to be refused');
  return formatSegmentIssues(parsed.issues);
};

describe('parseSegment', () => {
  it('accepts conditions and groups of every kind', () => {
    const segment = {
      all: [
        { field: 'country', op: 'in', values: ['FR', 'DE'] },
        { field: 'status', op: 'eq', value: 'active' },
        { field: 'language', op: 'not-in', values: ['en', 'deu'] },
        {
          any: [
            { field: 'chapter', op: 'neq', value: 'Paris' },
            { not: { field: 'membershipType', op: 'eq', value: 'student' } },
          ],
        },
        { field: 'joinedOn', op: 'before', value: '2020-02-29' },
        { field: 'renewedOn', op: 'between', from: '2023-01-01', to: '2023-12-31' },
      ],
    };
    expect(parseSegment(segment)).toEqual({ type: 'ok', segment });
  });

  it('treats an empty all as everybody and accepts it', () => {
    expect(parseSegment({ all: [] })).toEqual({ type: 'ok', segment: { all: [] } });
  });

  it('names an unknown field', () => {
    expect(problems({ all: [{ field: 'favouriteColour', op: 'eq', value: 'blue' }] })).toBe(
      'all.0.field: unknown field "favouriteColour"',
    );
  });

  it('names an operator the field does not allow', () => {
    expect(problems({ field: 'country', op: 'like', value: 'F%' })).toBe(
      'op: operator "like" is not allowed for field "country" (allowed: eq, neq, in, not-in)',
    );
    expect(problems({ field: 'country', op: 'before', value: 'FR' })).toContain(
      'operator "before" is not allowed for field "country"',
    );
    expect(problems({ field: 'joinedOn', op: 'in', values: ['2020-01-01'] })).toContain(
      'operator "in" is not allowed for field "joinedOn"',
    );
  });

  it('names unknown keys on conditions and groups', () => {
    expect(problems({ field: 'country', op: 'eq', value: 'FR', extra: 1 })).toBe('unknown key "extra"');
    expect(problems({ any: [], colour: 'red' })).toBe('unknown key "colour"');
    expect(problems({ colour: 'red' })).toContain('unknown key "colour"');
    expect(problems({ all: [], any: [] })).toBe('a group has exactly one of "all", "any" or "not"');
  });

  it('validates values per field and says where', () => {
    expect(problems({ field: 'country', op: 'in', values: ['FR', 'fr'] })).toBe(
      'values.1: must be an ISO 3166 two-letter country code in upper case',
    );
    expect(problems({ field: 'language', op: 'eq', value: 'english' })).toBe(
      'value: must be a language code of 2 or 3 lower-case letters',
    );
    expect(problems({ field: 'status', op: 'eq', value: 'gold' })).toBe(
      'value: must be one of active, lapsed, resigned, deceased',
    );
    expect(problems({ field: 'joinedOn', op: 'after', value: '2023-02-30' })).toBe(
      'value: must be a date written yyyy-mm-dd',
    );
    expect(problems({ field: 'joinedOn', op: 'after', value: '01/02/2023' })).toBe(
      'value: must be a date written yyyy-mm-dd',
    );
    expect(problems({ field: 'renewedOn', op: 'between', from: '2024-01-01', to: '2023-01-01' })).toBe(
      'to: "from" must not be after "to"',
    );
    expect(problems({ field: 'country', op: 'in', values: [] })).toBe(
      'values: "values" must hold at least one value',
    );
    expect(problems({ field: 'country', op: 'eq', values: ['FR'] })).toContain('unknown key "values"');
  });

  it('refuses input that is not a segment at all', () => {
    for (const input of [null, 42, 'everyone', [], [{ all: [] }]]) {
      expect(problems(input)).toContain(
        'must be a condition { field, op, … } or a group { all | any | not }',
      );
    }
  });

  it('caps depth, conditions, groups and values', () => {
    let deep: unknown = { field: 'country', op: 'eq', value: 'FR' };
    for (let i = 1; i < SEGMENT_LIMITS.depth; i++) deep = { not: deep };
    expect(parseSegment(deep).type).toBe('ok');
    expect(problems({ not: deep })).toBe(`a segment may nest at most ${SEGMENT_LIMITS.depth} levels deep`);

    // Far past any limit, refused without walking the whole thing.
    let hostile: unknown = {};
    for (let i = 0; i < 100_000; i++) hostile = { not: hostile };
    expect(problems(hostile)).toContain('levels deep');

    const condition = { field: 'language', op: 'eq', value: 'en' };
    expect(problems({ any: Array(SEGMENT_LIMITS.conditions + 1).fill(condition) })).toBe(
      `a segment may hold at most ${SEGMENT_LIMITS.conditions} conditions`,
    );
    expect(problems({ any: Array(SEGMENT_LIMITS.groups + 1).fill({ all: [] }) })).toBe(
      `a segment may hold at most ${SEGMENT_LIMITS.groups} groups`,
    );
    const countries = Array.from({ length: 260 }, (_, i) =>
      String.fromCharCode(65 + (i % 26), 65 + Math.floor(i / 26)),
    );
    expect(
      problems({
        any: [
          { field: 'country', op: 'in', values: countries },
          { field: 'country', op: 'in', values: countries },
        ],
      }),
    ).toBe(`a segment may hold at most ${SEGMENT_LIMITS.values} values`);
  });
});
