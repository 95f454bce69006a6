import type { Db } from '../../src/db/connect.ts';
import type { MemberInput } from '../../src/members/memberInput.ts';
import { upsertMembers } from '../../src/members/upsertMembers.ts';

/** Adds members (with their consents) as the membership system would, returning their ids in order. */
export async function addMembers(db: Db, list: MemberInput[]): Promise<number[]> {
  return db.transaction(async (tx) => {
    const outcome = await upsertMembers(
      tx,
      list.map((member, ref) => ({ ref, member })),
      { source: 'join-form', actor: 'test' },
    );
    if (outcome.problems.length > 0) throw new Error(JSON.stringify(outcome.problems));
    return list.map((_, i) => outcome.ids.get(i)!);
  });
}

/** A member with the given email opt-ins (topic names) and everything else defaulted. */
export function member(email: string, optIns: string[], extra: Partial<MemberInput> = {}): MemberInput {
  return {
    email,
    name: extra.name ?? email.split('@')[0]!.replace(/\./g, ' '),
    language: 'en',
    status: 'active',
    country: 'FR',
    ...extra,
    consents: optIns.map((spec) => {
      const [topic, channel = 'email'] = spec.split('/');
      return { topic: topic as never, channel: channel as never, granted: true };
    }),
  };
}
