import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAudience } from '../../src/audiences/buildAudience.ts';
import { CHANNELS, TOPICS } from '../../src/consent/vocabulary.ts';
import { segmentFromTargeting } from '../../src/partners/targeting.ts';
import { addCampaign, addMembers, recordConsent } from '../audiences/fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

const change = fc.record({
  topic: fc.constantFrom(...TOPICS),
  channel: fc.constantFrom(...CHANNELS),
  granted: fc.boolean(),
});
const person = fc.record({
  country: fc.constantFrom('FR', 'DE', null),
  membershipType: fc.constantFrom('individual', 'student', null),
  language: fc.constantFrom('en', 'fr'),
  changes: fc.array(change, { maxLength: 6 }),
});
const targeting = fc.record(
  {
    countries: fc.uniqueArray(fc.constantFrom('FR', 'DE', 'US'), { minLength: 1, maxLength: 2 }),
    membershipTypes: fc.uniqueArray(fc.constantFrom('individual', 'student'), { minLength: 1, maxLength: 2 }),
    languages: fc.uniqueArray(fc.constantFrom('en', 'fr'), { minLength: 1, maxLength: 2 }),
  },
  { requiredKeys: [] },
);

describe('partner offers (property)', () => {
  it('never reach a member without a current partner-offers opt-in by email', async () => {
    let reached = 0;
    // Every member ever inserted (runs share the database) and whether they hold the opt-in.
    const optedIn = new Map<number, boolean>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(person, { minLength: 1, maxLength: 10 }),
        targeting,
        async (people, target) => {
          const ids = await addMembers(db.db, people);
          await recordConsent(
            db.db,
            people.flatMap((p, i) => p.changes.map((c) => ({ ...c, memberId: ids[i]! }))),
          );
          const campaignId = await addCampaign(db.db, { topic: 'partner-offers', kind: 'partner-offer' });
          await buildAudience(db.db, {
            campaignId,
            topic: 'partner-offers',
            channel: 'email',
            segment: segmentFromTargeting(target),
          });
          const recipients = await db.db.execute<{ member_id: number }>(
            sql`select member_id::int from campaign_recipients where campaign_id = ${campaignId}`,
          );
          // The last change for partner-offers by email decides; none means never given.
          ids.forEach((id, i) => {
            const last = people[i]!.changes.filter(
              (c) => c.topic === 'partner-offers' && c.channel === 'email',
            ).at(-1);
            optedIn.set(id, last?.granted === true);
          });
          for (const r of recipients) expect(optedIn.get(r.member_id)).toBe(true);
          reached += recipients.length;
        },
      ),
      { numRuns: 60 },
    );
    // Offers did reach opted-in members: the property was not vacuously true.
    expect(reached).toBeGreaterThan(0);
  });

  it('cannot be built on any topic but partner-offers', async () => {
    const campaignId = await addCampaign(db.db, { topic: 'partner-offers', kind: 'partner-offer' });
    await expect(
      buildAudience(db.db, { campaignId, topic: 'society-news', channel: 'email', segment: { all: [] } }),
    ).rejects.toThrow(/partner-offers/);
    await expect(
      db.db.execute(sql`update campaigns set topic = 'society-news' where id = ${campaignId}`),
    ).rejects.toThrow();
  });
});
