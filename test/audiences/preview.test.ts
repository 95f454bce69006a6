import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAudience } from '../../src/audiences/buildAudience.ts';
import { audiencePreview } from '../../src/audiences/preview.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { addCampaign, addMembers, emailOf, recordConsent, suppress } from './fixtures.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

describe('audiencePreview', () => {
  it('counts what a build would freeze, by country and language, and nothing else', async () => {
    const people = [
      { country: 'FR', language: 'fr' },
      { country: 'FR', language: 'fr' },
      { country: 'FR', language: 'en' },
      { country: 'DE', language: 'de' },
      { country: null, language: 'en' },
      { country: 'FR', language: 'fr', status: 'lapsed' },
      { country: 'DE', language: 'de' },
      { country: 'US', language: 'en' },
    ];
    const ids = await addMembers(db.db, people);
    await recordConsent(
      db.db,
      ids.map((memberId, i) => ({ memberId, topic: 'society-news', channel: 'email', granted: i !== 7 })),
    );
    await suppress(db.db, [await emailOf(db.db, ids[6]!)]);
    const criteria = {
      topic: 'society-news',
      channel: 'email',
      segment: { field: 'language', op: 'neq', value: 'xx' },
    } as const;

    const preview = await audiencePreview(db.db, criteria);

    expect(preview).toEqual({
      total: 5,
      byCountry: [
        { country: 'FR', count: 3 },
        { country: 'DE', count: 1 },
        { country: null, count: 1 },
      ],
      byLanguage: [
        { language: 'en', count: 2 },
        { language: 'fr', count: 2 },
        { language: 'de', count: 1 },
      ],
    });
    const campaignId = await addCampaign(db.db, { topic: 'society-news' });
    expect(await buildAudience(db.db, { campaignId, ...criteria })).toBe(preview.total);
  });

  it('reports zero for an audience nobody is in', async () => {
    expect(
      await audiencePreview(db.db, { topic: 'events', channel: 'postal', segment: { any: [] } }),
    ).toEqual({ total: 0, byCountry: [], byLanguage: [] });
  });
});
