/**
 * The words of consent, shared by the schema, validation and pages.
 *
 * A member opts in or out of each topic on each channel. `partner-offers` is
 * the one topic that carries third-party mailings; like every topic it is off
 * until a ledger entry grants it.
 */
export const TOPICS = ['society-news', 'events', 'internet-issues', 'partner-offers'] as const;
export type Topic = (typeof TOPICS)[number];

/** Topics the Society itself mails about (everything but partner offers). */
export const SOCIETY_TOPICS = TOPICS.filter((t) => t !== 'partner-offers');

export const CHANNELS = ['email', 'postal'] as const;
export type Channel = (typeof CHANNELS)[number];

/** How a consent change reached us: the "how" of every ledger entry. */
export const CONSENT_SOURCES = [
  'join-form',
  'renewal-form',
  'import',
  'unsubscribe-link',
  'one-click',
  'mailto',
  'preference-centre',
  'staff-email',
  'staff-phone',
  'staff-post',
  'bounce',
  'complaint',
] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

/** Sources a staff member may record on a member's behalf. */
export const STAFF_SOURCES = ['staff-email', 'staff-phone', 'staff-post'] as const;

export const SUPPRESSION_REASONS = ['hard-bounce', 'complaint', 'manual'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

export const MEMBER_STATUSES = ['active', 'lapsed', 'resigned', 'deceased'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

/** The privacy policy version that consent given today is given under. */
export const CURRENT_POLICY_VERSION = '2011-12-15';
