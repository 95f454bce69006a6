import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { compileSegment } from '../../src/audiences/compileSegment.ts';
import { matchesSegment, type SegmentMember } from '../../src/audiences/matchesSegment.ts';
import { parseSegment, type Segment } from '../../src/audiences/segment.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { memberArbitrary, segmentArbitrary } from './arbitraries.ts';
import { addMembers } from './fixtures.ts';

const dialect = new PgDialect({ casing: 'snake_case' });
const render = (segment: Segment) => {
  const { sql: text, params } = dialect.sqlToQuery(compileSegment(segment));
  return { sql: text, params };
};

describe('compileSegment (SQL text)', () => {
  it('binds every value as a parameter', () => {
    expect(render({ field: 'country', op: 'in', values: ['FR', 'DE'] })).toEqual({
      sql: 'm.country in ($1, $2)',
      params: ['FR', 'DE'],
    });
    expect(render({ field: 'joinedOn', op: 'between', from: '2020-01-01', to: '2020-12-31' })).toEqual({
      sql: 'm.joined_on between $1::date and $2::date',
      params: ['2020-01-01', '2020-12-31'],
    });
  });

  it('compiles groups, and empty groups to constants', () => {
    expect(render({ all: [] })).toEqual({ sql: 'true', params: [] });
    expect(render({ any: [] })).toEqual({ sql: 'false', params: [] });
    expect(
      render({
        all: [
          { field: 'status', op: 'eq', value: 'active' },
          {
            any: [
              { field: 'language', op: 'eq', value: 'fr' },
              { field: 'renewedOn', op: 'after', value: '2024-01-01' },
            ],
          },
        ],
      }),
    ).toEqual({
      sql: '(m.status = $1 and (m.language = $2 or m.renewed_on > $3::date))',
      params: ['active', 'fr', '2024-01-01'],
    });
  });

  it('keeps negation two-valued on nullable columns', () => {
    expect(render({ field: 'country', op: 'neq', value: 'FR' }).sql).toBe(
      '(m.country is null or m.country <> $1)',
    );
    expect(render({ field: 'chapter', op: 'not-in', values: ['A'] }).sql).toBe(
      '(m.chapter is null or m.chapter not in ($1))',
    );
    expect(render({ field: 'language', op: 'not-in', values: ['en'] }).sql).toBe('m.language not in ($1)');
    expect(render({ not: { field: 'country', op: 'eq', value: 'FR' } }).sql).toBe(
      '(m.country = $1) is not true',
    );
    expect(render({ not: { field: 'status', op: 'eq', value: 'active' } }).sql).toBe('not (m.status = $1)');
  });

  it('never puts input into the SQL text', () => {
    const hostile = "FR'); drop table members; --";
    const query = render({ field: 'chapter', op: 'eq', value: hostile });
    expect(query).toEqual({ sql: 'm.chapter = $1', params: [hostile] });
  });

  it('refuses a field or operator it does not know', () => {
    expect(() => compileSegment({ field: 'email', op: 'eq', value: 'x' } as never)).toThrow(
      /unknown field "email"/,
    );
    expect(() => compileSegment({ field: 'country', op: 'like', value: 'x' } as never)).toThrow(
      /unknown operator "like"/,
    );
  });
});

describe('compileSegment (against PostgreSQL)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    await db.sql`delete from members`;
  });

  const selected = async (segment: Segment) => {
    const rows = await db.db.execute<{ id: number }>(
      sql`select m.id::int as id from members m where ${compileSegment(segment)} order by m.id`,
    );
    return rows.map((r) => r.id);
  };

  it('selects the members the segment describes', async () => {
    const [fr, de, us, none] = await addMembers(db.db, [
      { country: 'FR', language: 'fr', joinedOn: '2019-05-01' },
      { country: 'DE', language: 'de', joinedOn: '2021-05-01', status: 'lapsed' },
      { country: 'US', language: 'en', joinedOn: null },
      { country: null, language: 'en', joinedOn: '2020-01-01' },
    ]);
    expect(await selected({ all: [] })).toEqual([fr, de, us, none]);
    expect(await selected({ field: 'country', op: 'in', values: ['FR', 'DE'] })).toEqual([fr, de]);
    expect(await selected({ field: 'country', op: 'not-in', values: ['FR', 'DE'] })).toEqual([us, none]);
    expect(await selected({ not: { field: 'country', op: 'eq', value: 'US' } })).toEqual([fr, de, none]);
    expect(await selected({ field: 'joinedOn', op: 'before', value: '2020-01-01' })).toEqual([fr]);
    expect(
      await selected({ field: 'joinedOn', op: 'between', from: '2020-01-01', to: '2021-05-01' }),
    ).toEqual([de, none]);
    expect(await selected({ not: { field: 'joinedOn', op: 'after', value: '2000-01-01' } })).toEqual([us]);
    expect(
      await selected({
        any: [
          { field: 'status', op: 'eq', value: 'lapsed' },
          { field: 'language', op: 'eq', value: 'fr' },
        ],
      }),
    ).toEqual([fr, de]);
  });

  it('treats an injection attempt as a value that matches nobody, and the table survives', async () => {
    await addMembers(db.db, [{ country: 'FR', chapter: 'Paris' }]);
    const hostile = "FR'); drop table members; --";
    expect(parseSegment({ field: 'country', op: 'eq', value: hostile }).type).toBe('invalid');
    expect(await selected({ field: 'chapter', op: 'in', values: [hostile, "' or '1'='1"] })).toEqual([]);
    expect(await selected({ field: 'chapter', op: 'eq', value: "Paris' or 'a'='a" })).toEqual([]);
    const [row] = await db.sql<{ count: number }[]>`select count(*)::int as count from members`;
    expect(row?.count).toBe(1);
  });

  it('selects exactly the members the in-memory evaluator matches', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(memberArbitrary, { minLength: 1, maxLength: 25 }),
        segmentArbitrary,
        async (people: SegmentMember[], segment) => {
          expect(parseSegment(segment).type).toBe('ok');
          await db.sql`delete from members`;
          const ids = await addMembers(db.db, people);
          const expected = ids.filter((_, i) => matchesSegment(segment, people[i]!));
          expect(await selected(segment)).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });
});
