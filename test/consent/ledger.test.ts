import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentState, type LedgerEntry } from '../../src/consent/currentState.ts';
import { recordConsentChanges } from '../../src/consent/recordConsent.ts';
import { CHANNELS, TOPICS } from '../../src/consent/vocabulary.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

let t: TestDatabase;
let memberId: number;
beforeAll(async () => {
  t = await createTestDatabase();
  const [m] =
    await t.sql`insert into members (email, email_normalized, name) values ('l@example.org', 'l@example.org', 'L') returning id::int`;
  memberId = m!.id;
});
afterAll(() => t.close());

const entry = fc.record({
  topic: fc.constantFrom(...TOPICS),
  channel: fc.constantFrom(...CHANNELS),
  granted: fc.boolean(),
  day: fc.integer({ min: 0, max: 5 }),
});

describe('consent ledger', () => {
  it('refuses UPDATE, DELETE and TRUNCATE', async () => {
    await recordConsentChanges(t.db, [{ memberId, topic: 'events', channel: 'email', granted: true }], {
      source: 'join-form',
      actor: 'test',
    });
    await expect(t.sql`update consent_events set granted = false`).rejects.toThrow(/append-only/);
    await expect(t.sql`delete from consent_events`).rejects.toThrow(/append-only/);
    await expect(t.sql`truncate consent_events cascade`).rejects.toThrow(/append-only/);
    expect((await t.sql`select count(*)::int as n from consent_events`)[0]!.n).toBe(1);
  });

  it('partner offers stay off for a member until a ledger entry grants them', async () => {
    const rows =
      await t.sql`select granted from consents where member_id = ${memberId} and topic = 'partner-offers'`;
    expect(rows).toEqual([]);
  });

  it('keeps the current state equal to what the ledger implies, whatever the order of arrival', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(entry, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }),
        async (batches) => {
          const [m] = await t.sql`
          insert into members (email, email_normalized, name)
          values ('x', gen_random_uuid()::text, 'P') returning id::int`;
          for (const batch of batches) {
            await recordConsentChanges(
              t.db,
              batch.map((e) => ({
                memberId: m!.id,
                ...e,
                occurredAt: new Date(Date.UTC(2024, 0, 1 + e.day)),
              })),
              { source: 'import', actor: 'property', mode: 'always' },
            );
          }
          const ledger = await t.sql<
            { id: number; topic: string; channel: string; granted: boolean; day: string }[]
          >`
          select id::int, topic, channel, granted, occurred_at::text as day from consent_events where member_id = ${m!.id}`;
          const expected = currentState(
            ledger.map((e) => ({ ...e, occurredAt: new Date(e.day) }) as unknown as LedgerEntry),
          );
          const state = await t.sql<{ topic: string; channel: string; granted: boolean }[]>`
          select topic, channel, granted from consents where member_id = ${m!.id}`;
          expect(new Map(state.map((s) => [`${s.topic}/${s.channel}`, s.granted]))).toEqual(expected);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('an old form date arriving late does not undo a newer withdrawal, and re-sending it writes nothing', async () => {
    const change = { memberId, topic: 'society-news', channel: 'email' } as const;
    await recordConsentChanges(t.db, [{ ...change, granted: false, occurredAt: new Date('2025-06-01') }], {
      source: 'one-click',
      actor: 'member',
    });
    const late = { ...change, granted: true, occurredAt: new Date('2024-01-01') };
    await recordConsentChanges(t.db, [late], { source: 'import', actor: 'test' });
    const written = await recordConsentChanges(t.db, [late], { source: 'import', actor: 'test' });
    expect(written).toBe(0);
    const [state] =
      await t.sql`select granted, source from consents where member_id = ${memberId} and topic = 'society-news' and channel = 'email'`;
    expect(state).toEqual({ granted: false, source: 'one-click' });
  });
});
