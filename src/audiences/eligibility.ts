import { type SQL, sql } from 'drizzle-orm';
import type { Channel, Topic } from '../consent/vocabulary.ts';
import { compileSegment } from './compileSegment.ts';
import { matchesSegment, type SegmentMember } from './matchesSegment.ts';
import type { Segment } from './segment.ts';

/** Who a mailing is for: the consent it needs and the members it targets. */
export interface AudienceCriteria {
  topic: Topic;
  channel: Channel;
  segment: Segment;
}

/**
 * The eligibility rule, as SQL: `from … where …` over members `m`, ready to
 * follow a select list. A member is eligible when they are active, hold a
 * current opt-in for the topic on the channel, their address is not
 * suppressed (a suppression overrides any consent, whatever the channel),
 * and they match the segment. Building an audience and previewing one both
 * select from this, so the two can never disagree.
 */
export function eligibleMembers(criteria: AudienceCriteria): SQL {
  return sql`from members m
  join consents c
    on c.member_id = m.id and c.topic = ${criteria.topic} and c.channel = ${criteria.channel} and c.granted
  where m.status = 'active'
    and not exists (select from suppressions s where s.email_normalized = m.email_normalized)
    and ${compileSegment(criteria.segment)}`;
}

/** What the rule needs to know of one member, held in memory. */
export interface EligibilityFacts extends SegmentMember {
  /** Current consent state per topic and channel; absent means never given. */
  consents: readonly { topic: string; channel: string; granted: boolean }[];
  suppressed: boolean;
}

/** The in-memory twin of `eligibleMembers`, for property tests and explanations. */
export function isEligible(member: EligibilityFacts, criteria: AudienceCriteria): boolean {
  return (
    member.status === 'active' &&
    !member.suppressed &&
    member.consents.some((c) => c.topic === criteria.topic && c.channel === criteria.channel && c.granted) &&
    matchesSegment(criteria.segment, member)
  );
}
