import type { Channel, Topic } from './vocabulary.ts';

/** A ledger entry as far as the current state is concerned. */
export interface LedgerEntry {
  id: number;
  topic: Topic;
  channel: Channel;
  granted: boolean;
  occurredAt: Date;
}

export type ConsentKey = `${Topic}/${Channel}`;

/**
 * The current state a ledger implies: per topic and channel, the entry that
 * happened last (ties broken by ledger order) decides. Nothing recorded means
 * no consent. The database trigger `consents_follow_ledger` applies the same
 * rule; tests hold the two to agreement.
 */
export function currentState(entries: readonly LedgerEntry[]): Map<ConsentKey, boolean> {
  const winners = new Map<ConsentKey, LedgerEntry>();
  for (const e of entries) {
    const key: ConsentKey = `${e.topic}/${e.channel}`;
    const w = winners.get(key);
    if (!w || e.occurredAt > w.occurredAt || (+e.occurredAt === +w.occurredAt && e.id > w.id)) {
      winners.set(key, e);
    }
  }
  return new Map([...winners].map(([k, e]) => [k, e.granted]));
}

export function isGranted(state: Map<ConsentKey, boolean>, topic: Topic, channel: Channel): boolean {
  return state.get(`${topic}/${channel}`) === true;
}
