import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAudience } from '../../src/audiences/buildAudience.ts';
import { CHANNELS, TOPICS } from '../../src/consent/vocabulary.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import {
  addCampaign,
  addMembers,
  type ConsentChange,
  emailOf,
  recipientIds,
  recordConsent,
  suppress,
} from './fixtures.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

const everybody = { all: [] };

describe('buildAudience', () => {
  it('takes only active, opted-in, unsuppressed members of the segment', async () => {
    const [eligible, optedOut, suppressed, lapsed, otherChannel, otherTopic, neverAsked, outOfSegment] =
      await addMembers(db.db, [
        { country: 'FR' },
        { country: 'FR' },
        { country: 'FR' },
        { country: 'FR', status: 'lapsed' },
        { country: 'FR' },
        { country: 'FR' },
        { country: 'FR' },
        { country: 'DE' },
      ]);
    const grant = (memberId: number | undefined, over: Partial<ConsentChange> = {}): ConsentChange => ({
      memberId: memberId!,
      topic: 'events',
      channel: 'email',
      granted: true,
      ...over,
    });
    await recordConsent(db.db, [
      grant(eligible),
      grant(optedOut),
      grant(optedOut, { granted: false }),
      grant(suppressed),
      grant(lapsed),
      grant(otherChannel, { channel: 'postal' }),
      grant(otherTopic, { topic: 'society-news' }),
      grant(outOfSegment),
    ]);
    await suppress(db.db, [await emailOf(db.db, suppressed!)]);
    const campaignId = await addCampaign(db.db, { topic: 'events' });

    const added = await buildAudience(db.db, {
      campaignId,
      topic: 'events',
      channel: 'email',
      segment: { field: 'country', op: 'eq', value: 'FR' },
    });

    expect(added).toBe(1);
    expect(await recipientIds(db.db, campaignId)).toEqual([eligible]);
    expect(neverAsked).toBeDefined();
  });

  it('gives each recipient a random token and their language, and adds no one twice', async () => {
    const ids = await addMembers(db.db, [{ language: 'fr' }, { language: 'de' }, { language: 'en' }]);
    await recordConsent(
      db.db,
      ids.map((memberId) => ({ memberId, topic: 'internet-issues', channel: 'postal', granted: true })),
    );
    const campaignId = await addCampaign(db.db, { topic: 'internet-issues', channel: 'postal' });
    const criteria = { campaignId, topic: 'internet-issues', channel: 'postal', segment: everybody } as const;

    expect(await buildAudience(db.db, criteria)).toBe(3);
    expect(await buildAudience(db.db, criteria)).toBe(0);
    await db.db.transaction((tx) => buildAudience(tx, criteria));

    const rows = await db.sql<{ member_id: string; token: string; language: string; state: string }[]>`
      select member_id, token, language, state from campaign_recipients where campaign_id = ${campaignId} order by member_id`;
    expect(rows.map((r) => [Number(r.member_id), r.language, r.state])).toEqual([
      [ids[0], 'fr', 'pending'],
      [ids[1], 'de', 'pending'],
      [ids[2], 'en', 'pending'],
    ]);
    for (const { token } of rows) expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(rows.map((r) => r.token)).size).toBe(3);
  });

  it('caps the campaign at its limit, counting recipients already there', async () => {
    const ids = await addMembers(db.db, Array(5).fill({ chapter: 'Limit' }));
    await recordConsent(
      db.db,
      ids.map((memberId) => ({ memberId, topic: 'partner-offers', channel: 'email', granted: true })),
    );
    const campaignId = await addCampaign(db.db, { topic: 'partner-offers', kind: 'partner-offer' });
    const criteria = {
      campaignId,
      topic: 'partner-offers',
      channel: 'email',
      segment: { field: 'chapter', op: 'eq', value: 'Limit' },
    } as const;

    expect(await buildAudience(db.db, { ...criteria, limit: 2 })).toBe(2);
    expect(await buildAudience(db.db, { ...criteria, limit: 2 })).toBe(0);
    expect(await buildAudience(db.db, { ...criteria, limit: 4 })).toBe(2);
    expect(await recipientIds(db.db, campaignId)).toEqual(ids.slice(0, 4));
  });

  it('adds, on a second run, only whoever became eligible since', async () => {
    const [first] = await addMembers(db.db, [{ chapter: 'Later' }]);
    await recordConsent(db.db, [{ memberId: first!, topic: 'events', channel: 'postal', granted: true }]);
    const campaignId = await addCampaign(db.db, { topic: 'events', channel: 'postal' });
    const criteria = {
      campaignId,
      topic: 'events',
      channel: 'postal',
      segment: { field: 'chapter', op: 'eq', value: 'Later' },
    } as const;
    expect(await buildAudience(db.db, criteria)).toBe(1);

    const [second] = await addMembers(db.db, [{ chapter: 'Later' }]);
    await recordConsent(db.db, [{ memberId: second!, topic: 'events', channel: 'postal', granted: true }]);
    expect(await buildAudience(db.db, criteria)).toBe(1);
    expect(await recipientIds(db.db, campaignId)).toEqual([first, second]);
  });

  it('never exceeds the cap or adds anyone twice when builds of one campaign run at once', async () => {
    const ids = await addMembers(db.db, Array(6).fill({ chapter: 'Race' }));
    await recordConsent(
      db.db,
      ids.map((memberId) => ({ memberId, topic: 'partner-offers', channel: 'email', granted: true })),
    );
    const campaignId = await addCampaign(db.db, { topic: 'partner-offers', kind: 'partner-offer' });
    const criteria = {
      campaignId,
      topic: 'partner-offers',
      channel: 'email',
      segment: { field: 'chapter', op: 'eq', value: 'Race' },
      limit: 4,
    } as const;

    const added = await Promise.all(
      [1, 2, 3].map(() => db.db.transaction((tx) => buildAudience(tx, criteria))),
    );

    expect(added.reduce((a, b) => a + b, 0)).toBe(4);
    expect(await recipientIds(db.db, campaignId)).toEqual(ids.slice(0, 4));
  });

  it('builds a partner offer only on the partner-offers opt-in', async () => {
    const [offersYes, newsOnly, offersWithdrawn] = await addMembers(db.db, [
      { chapter: 'Partner' },
      { chapter: 'Partner' },
      { chapter: 'Partner' },
    ]);
    await recordConsent(db.db, [
      { memberId: offersYes!, topic: 'partner-offers', channel: 'email', granted: true },
      ...TOPICS.filter((t) => t !== 'partner-offers').flatMap((topic) =>
        CHANNELS.map((channel) => ({ memberId: newsOnly!, topic, channel, granted: true })),
      ),
      { memberId: offersWithdrawn!, topic: 'partner-offers', channel: 'email', granted: true },
      { memberId: offersWithdrawn!, topic: 'partner-offers', channel: 'email', granted: false },
    ]);
    const campaignId = await addCampaign(db.db, { topic: 'partner-offers', kind: 'partner-offer' });
    const segment = { field: 'chapter', op: 'eq', value: 'Partner' } as const;

    // The campaign's own topic wins: asking for another is an error, not a wider audience.
    await expect(
      buildAudience(db.db, { campaignId, topic: 'society-news', channel: 'email', segment }),
    ).rejects.toThrow(/is for partner-offers by email, not society-news by email/);
    expect(
      await buildAudience(db.db, { campaignId, topic: 'partner-offers', channel: 'email', segment }),
    ).toBe(1);
    expect(await recipientIds(db.db, campaignId)).toEqual([offersYes]);
  });

  it('refuses a missing campaign and an invalid segment, adding nothing', async () => {
    await expect(
      buildAudience(db.db, { campaignId: 987654, topic: 'events', channel: 'email', segment: everybody }),
    ).rejects.toThrow(/campaign 987654 does not exist/);
    const campaignId = await addCampaign(db.db, { topic: 'events' });
    await expect(
      buildAudience(db.db, {
        campaignId,
        topic: 'events',
        channel: 'email',
        segment: { field: 'favouriteColour', op: 'eq', value: 'x' } as never,
      }),
    ).rejects.toThrow(/unknown field "favouriteColour"/);
    expect(await recipientIds(db.db, campaignId)).toEqual([]);
  });
});
