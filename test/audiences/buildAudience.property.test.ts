import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAudience } from '../../src/audiences/buildAudience.ts';
import { type EligibilityFacts, isEligible } from '../../src/audiences/eligibility.ts';
import { CHANNELS, TOPICS } from '../../src/consent/vocabulary.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { memberArbitrary, segmentArbitrary } from './arbitraries.ts';
import { addCampaign, addMembers, emailOf, recipientIds, recordConsent, suppress } from './fixtures.ts';

// Its own database: the model below must know every member in it.
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

describe('buildAudience (property)', () => {
  it('freezes exactly the members the in-memory rule calls eligible', async () => {
    // Every member ever inserted, as the model knows them; each run adds more.
    const model: { id: number; facts: EligibilityFacts }[] = [];
    const change = fc.record({
      topic: fc.constantFrom(...TOPICS),
      channel: fc.constantFrom(...CHANNELS),
      granted: fc.boolean(),
    });
    const person = fc.record({
      member: memberArbitrary,
      changes: fc.array(change, { maxLength: 5 }),
      suppressed: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(person, { maxLength: 12 }),
        fc.constantFrom(...TOPICS),
        fc.constantFrom(...CHANNELS),
        segmentArbitrary,
        async (people, topic, channel, segment) => {
          const ids = await addMembers(
            db.db,
            people.map((p) => p.member),
          );
          await recordConsent(
            db.db,
            people.flatMap((p, i) => p.changes.map((c) => ({ ...c, memberId: ids[i]! }))),
          );
          const suppressedIds = ids.filter((_, i) => people[i]!.suppressed);
          await suppress(db.db, await Promise.all(suppressedIds.map((id) => emailOf(db.db, id))));
          people.forEach((p, i) => {
            const current = new Map(p.changes.map((c) => [`${c.topic}/${c.channel}`, c]));
            model.push({
              id: ids[i]!,
              facts: { ...p.member, consents: [...current.values()], suppressed: p.suppressed },
            });
          });

          const campaignId = await addCampaign(db.db, {
            topic,
            channel,
            kind: topic === 'partner-offers' ? 'partner-offer' : 'society',
          });
          const added = await buildAudience(db.db, { campaignId, topic, channel, segment });

          const expected = model
            .filter((m) => isEligible(m.facts, { topic, channel, segment }))
            .map((m) => m.id)
            .sort((a, b) => a - b);
          expect(await recipientIds(db.db, campaignId)).toEqual(expected);
          expect(added).toBe(expected.length);
        },
      ),
      { numRuns: 100 },
    );
    // The members, consents and suppressions written above add up to a real test.
    const [row] = await db.db.execute<{ n: number }>(
      sql`select count(distinct campaign_id)::int as n from campaign_recipients`,
    );
    expect(row?.n).toBeGreaterThan(10);
  });
});
