/**
 * The whole database schema, in one place. drizzle-kit generates the
 * migrations in `src/db/migrations` from this file; hand-written SQL that
 * drizzle cannot express (triggers) lives in custom migrations beside them.
 *
 * Glossary
 * - member: a person in the membership system, known by external id and email.
 * - consent event: one append-only ledger row: a grant or withdrawal of one
 *   topic on one channel, with its source, actor and evidence.
 * - consent: the current state per (member, topic, channel), derived from the
 *   ledger by a trigger in the same transaction.
 * - suppression: an address that must never be mailed, whatever its consent.
 * - campaign / recipient: a mailing and the frozen snapshot of who gets it.
 * - partner / offer: an approved third party and a mailing it asked for.
 * - contract / disclosure / seed: what a subcontractor may receive, what it did
 *   receive, and the decoys that reveal misuse.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import {
  CHANNELS,
  CONSENT_SOURCES,
  MEMBER_STATUSES,
  SUPPRESSION_REASONS,
  TOPICS,
} from '../consent/vocabulary.ts';

const now = () => timestamp({ withTimezone: true }).notNull().defaultNow();
const id = () => bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity();
const inList = (column: string, values: readonly string[]) =>
  sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`);

export const members = pgTable(
  'members',
  {
    id: id(),
    externalId: text('external_id').unique(),
    email: text().notNull(),
    emailNormalized: text('email_normalized').notNull().unique(),
    name: text().notNull(),
    addressLine1: text('address_line1'),
    addressLine2: text('address_line2'),
    city: text(),
    region: text(),
    postalCode: text('postal_code'),
    country: text(),
    chapter: text(),
    membershipType: text('membership_type'),
    language: text().notNull().default('en'),
    status: text().notNull().default('active'),
    joinedOn: date('joined_on'),
    renewedOn: date('renewed_on'),
    createdAt: now(),
    updatedAt: now(),
  },
  (t) => [
    check('members_status_check', inList('status', MEMBER_STATUSES)),
    check('members_country_check', sql`country is null or country ~ '^[A-Z]{2}$'`),
    index('members_segment_idx').on(t.country, t.language, t.status),
  ],
);

export const consentEvents = pgTable(
  'consent_events',
  {
    id: id(),
    memberId: bigint('member_id', { mode: 'number' })
      .notNull()
      .references(() => members.id),
    topic: text().notNull(),
    channel: text().notNull(),
    granted: boolean().notNull(),
    source: text().notNull(),
    actor: text().notNull(),
    note: text(),
    policyVersion: text('policy_version').notNull(),
    /** When the member gave or withdrew it (a form date for imports). */
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    recordedAt: now(),
  },
  (t) => [
    check('consent_events_topic_check', inList('topic', TOPICS)),
    check('consent_events_channel_check', inList('channel', CHANNELS)),
    check('consent_events_source_check', inList('source', CONSENT_SOURCES)),
    index('consent_events_member_idx').on(t.memberId, t.id),
  ],
);

// No foreign keys on consents: only the ledger trigger writes it, from ledger
// rows whose member was checked by consent_events' own foreign key, and row-by-
// row checks here doubled the cost of a bulk import.
export const consents = pgTable(
  'consents',
  {
    memberId: bigint('member_id', { mode: 'number' }).notNull(),
    topic: text().notNull(),
    channel: text().notNull(),
    granted: boolean().notNull(),
    source: text().notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    eventId: bigint('event_id', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.memberId, t.topic, t.channel] }),
    index('consents_topic_idx').on(t.topic, t.channel, t.memberId).where(sql`granted`),
  ],
);

export const suppressions = pgTable(
  'suppressions',
  {
    emailNormalized: text('email_normalized').primaryKey(),
    reason: text().notNull(),
    note: text(),
    createdAt: now(),
  },
  () => [check('suppressions_reason_check', inList('reason', SUPPRESSION_REASONS))],
);

export const staffUsers = pgTable(
  'staff_users',
  {
    id: id(),
    email: text().notNull().unique(),
    name: text().notNull(),
    role: text().notNull(),
    passwordHash: text('password_hash'),
    failedSignIns: integer('failed_sign_ins').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    disabled: boolean().notNull().default(false),
    /** The OpenID Connect subject bound at the first single sign-on; later sign-ins must match it. */
    oidcSubject: text('oidc_subject').unique(),
    createdAt: now(),
  },
  () => [check('staff_users_role_check', inList('role', ['editor', 'approver', 'admin']))],
);

export const partners = pgTable(
  'partners',
  {
    id: id(),
    name: text().notNull().unique(),
    contactEmail: text('contact_email').notNull(),
    status: text().notNull().default('approved'),
    createdAt: now(),
  },
  () => [check('partners_status_check', inList('status', ['approved', 'suspended']))],
);

/**
 * People who work for a partner and sign in to the partner portal. A user
 * has no password until it follows its one-time set-password link; only a
 * SHA-256 of that link's secret is kept, with its deadline.
 */
export const partnerUsers = pgTable(
  'partner_users',
  {
    id: id(),
    partnerId: bigint('partner_id', { mode: 'number' })
      .notNull()
      .references(() => partners.id),
    email: text().notNull().unique(),
    name: text().notNull(),
    passwordHash: text('password_hash'),
    failedSignIns: integer('failed_sign_ins').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    disabled: boolean().notNull().default(false),
    setupTokenHash: text('setup_token_hash').unique(),
    setupExpiresAt: timestamp('setup_expires_at', { withTimezone: true }),
    createdAt: now(),
  },
  (t) => [
    index('partner_users_partner_idx').on(t.partnerId),
    check('partner_users_setup_check', sql`(setup_token_hash is null) = (setup_expires_at is null)`),
  ],
);

/** Bearer tokens for staff and partner keys; only a SHA-256 of each is kept. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: id(),
    staffUserId: bigint('staff_user_id', { mode: 'number' }).references(() => staffUsers.id),
    partnerId: bigint('partner_id', { mode: 'number' }).references(() => partners.id),
    tokenHash: text('token_hash').notNull().unique(),
    label: text().notNull(),
    createdAt: now(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  () => [check('api_tokens_owner_check', sql`(staff_user_id is null) <> (partner_id is null)`)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: id(),
    actor: text().notNull(),
    action: text().notNull(),
    target: text().notNull(),
    details: jsonb().notNull().default({}),
    at: now(),
  },
  (t) => [index('audit_log_at_idx').on(t.at), index('audit_log_target_idx').on(t.target, t.at)],
);

export const CAMPAIGN_STATES = [
  'draft',
  'scheduled',
  'building',
  'sending',
  'paused',
  'completed',
  'cancelled',
  'failed',
] as const;

export const subcontractors = pgTable(
  'subcontractors',
  {
    id: id(),
    name: text().notNull().unique(),
    service: text().notNull(),
    createdAt: now(),
  },
  () => [check('subcontractors_service_check', inList('service', ['email', 'postal']))],
);

export const contracts = pgTable(
  'contracts',
  {
    id: id(),
    subcontractorId: bigint('subcontractor_id', { mode: 'number' })
      .notNull()
      .references(() => subcontractors.id),
    reference: text().notNull().unique(),
    purposes: text().array().notNull(),
    fields: text().array().notNull(),
    validFrom: date('valid_from').notNull(),
    validTo: date('valid_to').notNull(),
    maxRecipientsPerDispatch: integer('max_recipients_per_dispatch').notNull(),
    retentionDays: integer('retention_days').notNull(),
    seedsRequired: boolean('seeds_required').notNull().default(true),
    status: text().notNull().default('active'),
    createdAt: now(),
  },
  () => [
    check('contracts_status_check', inList('status', ['active', 'suspended', 'ended'])),
    check('contracts_dates_check', sql`valid_from <= valid_to`),
    check('contracts_volume_check', sql`max_recipients_per_dispatch > 0 and retention_days >= 0`),
  ],
);

export const campaigns = pgTable(
  'campaigns',
  {
    id: id(),
    name: text().notNull(),
    kind: text().notNull().default('society'),
    topic: text().notNull(),
    channel: text().notNull().default('email'),
    subject: text().notNull(),
    /** A template name in emails/, or null when `mjml` carries the content. */
    template: text(),
    mjml: text(),
    /** Language of the main content; recipients without a variant of their own get it. */
    defaultLanguage: text('default_language').notNull().default('en'),
    /** Per-language overrides: { fr: { subject, mjml } }. */
    variants: jsonb().notNull().default({}),
    segment: jsonb().notNull().default({ all: [] }),
    sendAt: timestamp('send_at', { withTimezone: true }),
    timeZone: text('time_zone').notNull().default('UTC'),
    contractId: bigint('contract_id', { mode: 'number' }).references(() => contracts.id),
    fromAddress: text('from_address').notNull(),
    replyTo: text('reply_to'),
    /** Messages per second for this campaign, under the global rate. */
    rateLimit: doublePrecision('rate_limit'),
    state: text().notNull().default('draft'),
    stateReason: text('state_reason'),
    offerId: bigint('offer_id', { mode: 'number' }),
    /** Most recipients the audience may hold (a partner offer's maximum); null: no cap. */
    recipientLimit: integer('recipient_limit'),
    artworkRef: text('artwork_ref'),
    createdBy: text('created_by').notNull(),
    createdAt: now(),
    updatedAt: now(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  () => [
    check('campaigns_state_check', inList('state', CAMPAIGN_STATES)),
    check('campaigns_kind_check', inList('kind', ['society', 'partner-offer'])),
    check('campaigns_topic_check', inList('topic', TOPICS)),
    check('campaigns_channel_check', inList('channel', CHANNELS)),
    check('campaigns_partner_topic_check', sql`kind <> 'partner-offer' or topic = 'partner-offers'`),
  ],
);

/**
 * A recipient's delivery state. pending -> claimed (just before the SES call)
 * -> sent | failed | pending (retry later); pending -> skipped (consent gone
 * at send time). A claim left by a worker that died during the call becomes
 * in-doubt: never sent again, counted for staff.
 */
export const RECIPIENT_STATES = ['pending', 'claimed', 'sent', 'skipped', 'failed', 'in-doubt'] as const;

export const campaignRecipients = pgTable(
  'campaign_recipients',
  {
    id: id(),
    campaignId: bigint('campaign_id', { mode: 'number' })
      .notNull()
      .references(() => campaigns.id),
    /** The member, or null for a seed (decoy) recipient. */
    memberId: bigint('member_id', { mode: 'number' }).references(() => members.id),
    seedId: bigint('seed_id', { mode: 'number' }).references(() => seeds.id),
    emailNormalized: text('email_normalized').notNull(),
    /** Random per-campaign token: the only handle on a recipient outside the database. */
    token: text().notNull().unique(),
    language: text().notNull(),
    state: text().notNull().default('pending'),
    attempts: integer().notNull().default(0),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    /** A throttled or failed attempt is not retried before this (per-recipient backoff). */
    retryAfter: timestamp('retry_after', { withTimezone: true }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    providerMessageId: text('provider_message_id'),
    outcome: text(),
  },
  (t) => [
    unique('campaign_recipients_member_unique').on(t.campaignId, t.memberId),
    unique('campaign_recipients_address_unique').on(t.campaignId, t.emailNormalized),
    check('campaign_recipients_state_check', inList('state', RECIPIENT_STATES)),
    check('campaign_recipients_member_or_seed_check', sql`(member_id is null) <> (seed_id is null)`),
    index('campaign_recipients_pending_idx').on(t.campaignId, t.id).where(sql`state = 'pending'`),
  ],
);

/** Delivery, bounce and complaint counts per campaign, fed by SES events. */
export const campaignEvents = pgTable(
  'campaign_events',
  {
    id: id(),
    campaignId: bigint('campaign_id', { mode: 'number' })
      .notNull()
      .references(() => campaigns.id),
    recipientId: bigint('recipient_id', { mode: 'number' }).references(() => campaignRecipients.id),
    type: text().notNull(),
    at: now(),
  },
  (t) => [
    check('campaign_events_type_check', inList('type', ['delivery', 'bounce', 'complaint', 'unsubscribe'])),
    index('campaign_events_campaign_idx').on(t.campaignId, t.type),
  ],
);

/**
 * A shared token bucket per name ('global', 'campaign:42'): every worker
 * process on every machine takes its send permits here.
 */
export const rateBuckets = pgTable('rate_buckets', {
  name: text().primaryKey(),
  ratePerSecond: doublePrecision('rate_per_second').notNull(),
  tokens: doublePrecision().notNull(),
  refilledAt: timestamp('refilled_at', { withTimezone: true }).notNull().defaultNow(),
});

export const OFFER_STATES = [
  'submitted',
  'in-review',
  'changes-requested',
  'approved',
  'rejected',
  'scheduled',
  'sent',
  'withdrawn',
] as const;

export const offers = pgTable(
  'offers',
  {
    id: id(),
    partnerId: bigint('partner_id', { mode: 'number' })
      .notNull()
      .references(() => partners.id),
    title: text().notNull(),
    subject: text().notNull(),
    headline: text().notNull(),
    bodyMarkdown: text('body_markdown').notNull(),
    ctaUrl: text('cta_url').notNull(),
    ctaLabel: text('cta_label').notNull().default('Learn more'),
    imageUrl: text('image_url'),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    windowEnd: timestamp('window_end', { withTimezone: true }).notNull(),
    maxRecipients: integer('max_recipients').notNull(),
    targeting: jsonb().notNull().default({}),
    state: text().notNull().default('submitted'),
    reviewNote: text('review_note'),
    campaignId: bigint('campaign_id', { mode: 'number' }),
    createdAt: now(),
    updatedAt: now(),
  },
  () => [
    check('offers_state_check', inList('state', OFFER_STATES)),
    check('offers_window_check', sql`window_start < window_end`),
    check('offers_max_check', sql`max_recipients > 0`),
  ],
);

/** One row per batch of data handed to a subcontractor. */
export const disclosures = pgTable(
  'disclosures',
  {
    id: id(),
    reference: text().notNull().unique(),
    subcontractorId: bigint('subcontractor_id', { mode: 'number' })
      .notNull()
      .references(() => subcontractors.id),
    contractId: bigint('contract_id', { mode: 'number' })
      .notNull()
      .references(() => contracts.id),
    campaignId: bigint('campaign_id', { mode: 'number' })
      .notNull()
      .references(() => campaigns.id),
    fields: text().array().notNull(),
    recipientCount: integer('recipient_count').notNull(),
    seedIds: bigint('seed_ids', { mode: 'number' }).array().notNull(),
    disclosedAt: now(),
    deleteBy: timestamp('delete_by', { withTimezone: true }).notNull(),
    deletionConfirmedAt: timestamp('deletion_confirmed_at', { withTimezone: true }),
    deletionOverdueFlaggedAt: timestamp('deletion_overdue_flagged_at', { withTimezone: true }),
  },
  (t) => [index('disclosures_campaign_idx').on(t.campaignId)],
);

/** Decoy recipients: an email seed address or a postal seed managed by staff. */
export const seeds = pgTable(
  'seeds',
  {
    id: id(),
    channel: text().notNull(),
    address: text().notNull().unique(),
    name: text().notNull(),
    postalAddress: jsonb('postal_address'),
    disclosureId: bigint('disclosure_id', { mode: 'number' }).references(() => disclosures.id),
    active: boolean().notNull().default(true),
    createdAt: now(),
  },
  () => [check('seeds_channel_check', inList('channel', CHANNELS))],
);

export const misuseAlerts = pgTable('misuse_alerts', {
  id: id(),
  seedId: bigint('seed_id', { mode: 'number' })
    .notNull()
    .references(() => seeds.id),
  disclosureId: bigint('disclosure_id', { mode: 'number' }).references(() => disclosures.id),
  subcontractorId: bigint('subcontractor_id', { mode: 'number' }).references(() => subcontractors.id),
  summary: text().notNull(),
  at: now(),
});

/** SNS message ids already handled, so a redelivery changes nothing. */
export const processedNotifications = pgTable('processed_notifications', {
  messageId: text('message_id').primaryKey(),
  type: text().notNull(),
  at: now(),
});

export const staffSessions = pgTable(
  'staff_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    staffUserId: bigint('staff_user_id', { mode: 'number' }).references(() => staffUsers.id),
    partnerId: bigint('partner_id', { mode: 'number' }).references(() => partners.id),
    partnerUserId: bigint('partner_user_id', { mode: 'number' }).references(() => partnerUsers.id),
    csrfToken: text('csrf_token').notNull(),
    createdAt: now(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('staff_sessions_expiry_idx').on(t.expiresAt, t.idHash)],
);

/**
 * Single-use links to set a staff password (a new account, or a reset by an
 * admin): only the SHA-256 of the link's secret is kept; a link works once and
 * until it expires.
 */
export const staffPasswordLinks = pgTable(
  'staff_password_links',
  {
    tokenHash: text('token_hash').primaryKey(),
    staffUserId: bigint('staff_user_id', { mode: 'number' })
      .notNull()
      .references(() => staffUsers.id),
    createdAt: now(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [index('staff_password_links_staff_idx').on(t.staffUserId)],
);
