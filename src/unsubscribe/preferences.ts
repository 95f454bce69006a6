/**
 * The preference centre: every topic on every channel, with the member's
 * current answer, and saving a new set of answers.
 */
import { sql } from 'drizzle-orm';
import { type ConsentChange, recordConsentChanges } from '../consent/recordConsent.ts';
import { CHANNELS, type Channel, TOPICS, type Topic } from '../consent/vocabulary.ts';
import type { Db, Tx } from '../db/connect.ts';
import { lockMember } from './unsubscribe.ts';

/** `topic/channel` → granted, for every topic × channel (absent from the ledger: not granted). */
export type Preferences = Map<`${Topic}/${Channel}`, boolean>;

export const preferenceKey = (topic: Topic, channel: Channel) => `${topic}/${channel}` as const;

export async function currentPreferences(db: Tx, memberId: number): Promise<Preferences> {
  const rows = await db.execute<{ topic: Topic; channel: Channel; granted: boolean }>(sql`
    select topic, channel, granted from consents where member_id = ${memberId}`);
  const granted = new Set(rows.filter((r) => r.granted).map((r) => preferenceKey(r.topic, r.channel)));
  const prefs: Preferences = new Map();
  for (const topic of TOPICS) {
    for (const channel of CHANNELS) {
      const key = preferenceKey(topic, channel);
      prefs.set(key, granted.has(key));
    }
  }
  return prefs;
}

/** The changes that turn `current` into `wanted`: only the answers that differ. Pure. */
export function preferenceChanges(
  memberId: number,
  current: Preferences,
  wanted: Preferences,
): ConsentChange[] {
  const changes: ConsentChange[] = [];
  for (const topic of TOPICS) {
    for (const channel of CHANNELS) {
      const key = preferenceKey(topic, channel);
      const want = wanted.get(key) ?? false;
      if (want !== (current.get(key) ?? false)) changes.push({ memberId, topic, channel, granted: want });
    }
  }
  return changes;
}

/**
 * Saves the answers the member ticked: ledger entries (source
 * `preference-centre`) only for those that change. Returns how many were written.
 */
export function savePreferences(
  db: Db,
  memberId: number,
  wanted: Preferences,
  context: { campaignId: number },
): Promise<number> {
  return db.transaction(async (tx) => {
    await lockMember(tx, memberId);
    const changes = preferenceChanges(memberId, await currentPreferences(tx, memberId), wanted);
    return recordConsentChanges(tx, changes, {
      source: 'preference-centre',
      actor: 'member',
      note: `preference centre, link from campaign ${context.campaignId}`,
    });
  });
}
