/**
 * Reading the consent ledger: one member's whole history (for staff), and the
 * feed of every change (for the membership system).
 */
import { sql } from 'drizzle-orm';
import { CHANNELS, type Channel, TOPICS, type Topic } from '../consent/vocabulary.ts';
import type { Db } from '../db/connect.ts';

export interface LedgerEntry {
  id: number;
  topic: Topic;
  channel: Channel;
  granted: boolean;
  /** How: 'one-click', 'staff-phone', 'bounce', … */
  source: string;
  /** Who: 'member', 'staff:<id>', 'ses', 'import:<file>'. */
  actor: string;
  /** Why, in words, when given. */
  note: string | null;
  policyVersion: string;
  occurredAt: string;
  recordedAt: string;
}

export interface CurrentConsent {
  topic: Topic;
  channel: Channel;
  granted: boolean;
  /** Null when the ledger has nothing for it: not granted, never asked. */
  source: string | null;
  occurredAt: string | null;
}

export interface MemberHistory {
  member: { id: number; externalId: string | null };
  current: CurrentConsent[];
  events: LedgerEntry[];
}

const iso = (v: Date | string) => new Date(v).toISOString();

export async function memberHistory(db: Db, memberId: number): Promise<MemberHistory | null> {
  const member = await db.query.members.findFirst({
    columns: { id: true, externalId: true },
    where: (m, { eq }) => eq(m.id, memberId),
  });
  if (!member) return null;
  const [rows, states] = await Promise.all([
    db.query.consentEvents.findMany({
      where: (e, { eq }) => eq(e.memberId, memberId),
      orderBy: (e, { asc }) => asc(e.id),
    }),
    db.query.consents.findMany({ where: (c, { eq }) => eq(c.memberId, memberId) }),
  ]);
  const byKey = new Map(states.map((s) => [`${s.topic}/${s.channel}`, s]));
  return {
    member,
    current: TOPICS.flatMap((topic) =>
      CHANNELS.map((channel) => {
        const s = byKey.get(`${topic}/${channel}`);
        return {
          topic,
          channel,
          granted: s?.granted ?? false,
          source: s?.source ?? null,
          occurredAt: s ? iso(s.occurredAt) : null,
        };
      }),
    ),
    events: rows.map((e) => ({
      id: e.id,
      topic: e.topic as Topic,
      channel: e.channel as Channel,
      granted: e.granted,
      source: e.source,
      actor: e.actor,
      note: e.note,
      policyVersion: e.policyVersion,
      occurredAt: iso(e.occurredAt),
      recordedAt: iso(e.recordedAt),
    })),
  };
}

export interface FeedEvent {
  /** The ledger id: the feed's order, and the cursor to resume after. */
  id: number;
  memberId: number;
  memberExternalId: string | null;
  topic: Topic;
  channel: Channel;
  granted: boolean;
  source: string;
  occurredAt: string;
  recordedAt: string;
}

export type FeedPage = { events: FeedEvent[]; next: string | null } | { busy: true };

/**
 * Ledger entries after `after` (a ledger id), in id order, at most `limit`.
 * `next` is the cursor of the last entry when the page is full, else null
 * (resume from the last entry's id).
 *
 * Ids are handed out before commit, so a transaction still writing entry 10
 * could commit after a reader already returned entry 11, and a cursor past 11
 * would skip 10 for ever. The read therefore first takes a SHARE lock on the
 * ledger: it waits for every transaction writing to it to finish, and writers
 * wait the few milliseconds of the read. A long writer (a big import) would
 * hold that up, so the wait is capped and the caller asked to come back.
 */
export async function consentFeed(db: Db, after: number, limit: number): Promise<FeedPage> {
  try {
    return await db.transaction(async (tx) => {
      await tx.execute(sql`set local lock_timeout = '2s'`);
      await tx.execute(sql`lock table consent_events in share mode`);
      const rows = await tx.execute<{
        id: string;
        member_id: string;
        external_id: string | null;
        topic: Topic;
        channel: Channel;
        granted: boolean;
        source: string;
        occurred_at: string;
        recorded_at: string;
      }>(sql`
        select e.id, e.member_id, m.external_id, e.topic, e.channel, e.granted, e.source, e.occurred_at, e.recorded_at
          from consent_events e join members m on m.id = e.member_id
         where e.id > ${after}
         order by e.id
         limit ${limit}`);
      const events = rows.map((r) => ({
        id: Number(r.id),
        memberId: Number(r.member_id),
        memberExternalId: r.external_id,
        topic: r.topic,
        channel: r.channel,
        granted: r.granted,
        source: r.source,
        occurredAt: iso(r.occurred_at),
        recordedAt: iso(r.recorded_at),
      }));
      const last = events.at(-1);
      return { events, next: events.length === limit && last ? String(last.id) : null };
    });
  } catch (error) {
    // drizzle wraps the driver's error; lock_not_available is 55P03.
    const e = error as { code?: string; cause?: { code?: string } };
    if (e.code === '55P03' || e.cause?.code === '55P03') return { busy: true };
    throw error;
  }
}
