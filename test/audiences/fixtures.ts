import { sql } from 'drizzle-orm';
import type { Channel, Topic } from '../../src/consent/vocabulary.ts';
import type { Tx } from '../../src/db/connect.ts';
import { campaigns, consentEvents, members, suppressions } from '../../src/db/schema.ts';

export interface MemberAttributes {
  email?: string;
  country?: string | null;
  chapter?: string | null;
  membershipType?: string | null;
  language?: string;
  status?: string;
  joinedOn?: string | null;
  renewedOn?: string | null;
}

let serial = 0;

/** Inserts members; each gets a unique address unless one is given. Returns their ids in order. */
export async function addMembers(db: Tx, list: MemberAttributes[]): Promise<number[]> {
  if (list.length === 0) return [];
  const rows = await db
    .insert(members)
    .values(
      list.map((m) => {
        const email = m.email ?? `member${++serial}.${Math.random().toString(36).slice(2)}@example.org`;
        return {
          email,
          emailNormalized: email.toLowerCase(),
          name: 'A Member',
          country: m.country ?? null,
          chapter: m.chapter ?? null,
          membershipType: m.membershipType ?? null,
          language: m.language ?? 'en',
          status: m.status ?? 'active',
          joinedOn: m.joinedOn ?? null,
          renewedOn: m.renewedOn ?? null,
        };
      }),
    )
    .returning({ id: members.id });
  return rows.map((r) => r.id);
}

export interface ConsentChange {
  memberId: number;
  topic: Topic;
  channel: Channel;
  granted: boolean;
}

/** Records consent the way the system does: ledger rows, which the trigger folds into `consents`. */
export async function recordConsent(db: Tx, changes: ConsentChange[]): Promise<void> {
  if (changes.length === 0) return;
  await db.insert(consentEvents).values(
    changes.map((c, i) => ({
      ...c,
      source: c.granted ? ('join-form' as const) : ('unsubscribe-link' as const),
      actor: 'test',
      policyVersion: '2011-12-15',
      // Later entries in the list win, as they would in time.
      occurredAt: new Date(Date.UTC(2024, 0, 1) + i * 1000),
    })),
  );
}

export async function suppress(db: Tx, emailNormalized: string[]): Promise<void> {
  if (emailNormalized.length === 0) return;
  await db
    .insert(suppressions)
    .values(emailNormalized.map((e) => ({ emailNormalized: e, reason: 'hard-bounce' as const })));
}

export async function addCampaign(
  db: Tx,
  options: { topic: Topic; channel?: Channel; kind?: 'society' | 'partner-offer' },
): Promise<number> {
  const [row] = await db
    .insert(campaigns)
    .values({
      name: 'Test campaign',
      kind: options.kind ?? 'society',
      topic: options.topic,
      channel: options.channel ?? 'email',
      subject: 'Hello',
      fromAddress: 'news@society.example',
      createdBy: 'test',
    })
    .returning({ id: campaigns.id });
  return row!.id;
}

export async function recipientIds(db: Tx, campaignId: number): Promise<number[]> {
  const rows = await db.execute<{ member_id: number }>(
    sql`select member_id::int from campaign_recipients where campaign_id = ${campaignId} order by member_id`,
  );
  return rows.map((r) => r.member_id);
}

export async function emailOf(db: Tx, memberId: number): Promise<string> {
  const [row] = await db.execute<{ e: string }>(
    sql`select email_normalized as e from members where id = ${memberId}`,
  );
  return row!.e;
}
