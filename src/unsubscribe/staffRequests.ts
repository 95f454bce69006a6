/**
 * Requests a member makes to staff by email, phone or post ("take me off the
 * events list", "post me the newsletter again"). Recorded as they were made:
 * every entry is written even when it changes nothing (mode 'always'), because
 * the record of the request is evidence in itself, with the staff member as
 * actor and their note as the why; the audit log gets one entry per request.
 */
import { recordAudit } from '../audit/recordAudit.ts';
import { recordConsentChanges } from '../consent/recordConsent.ts';
import type { Channel, STAFF_SOURCES, Topic } from '../consent/vocabulary.ts';
import type { Db } from '../db/connect.ts';
import { lockMember } from './unsubscribe.ts';

export interface StaffRequest {
  memberId: number;
  source: (typeof STAFF_SOURCES)[number];
  note: string;
  changes: { topic: Topic; channel: Channel; granted: boolean }[];
  /** When the member made the request (the letter's date, the call); default now. */
  requestedAt?: Date;
  /** The staff member recording it: `staff:<id>`. */
  actor: string;
}

/** Returns the ledger entries written, or null when there is no such member. */
export function recordStaffRequest(db: Db, request: StaffRequest): Promise<number | null> {
  return db.transaction(async (tx) => {
    const member = await tx.query.members.findFirst({
      columns: { id: true },
      where: (m, { eq }) => eq(m.id, request.memberId),
    });
    if (!member) return null;
    await lockMember(tx, request.memberId);
    const recorded = await recordConsentChanges(
      tx,
      request.changes.map((c) => ({ memberId: request.memberId, ...c, occurredAt: request.requestedAt })),
      { source: request.source, actor: request.actor, note: request.note, mode: 'always' },
    );
    await recordAudit(tx, {
      actor: request.actor,
      action: 'consent.member-request',
      target: `member:${request.memberId}`,
      details: {
        source: request.source,
        changes: request.changes.map((c) => `${c.topic}/${c.channel}=${c.granted ? 'granted' : 'withdrawn'}`),
      },
    });
    return recorded;
  });
}
