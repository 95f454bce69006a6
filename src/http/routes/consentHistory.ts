import { createRoute, z } from '@hono/zod-openapi';
import { CHANNELS, STAFF_SOURCES, TOPICS } from '../../consent/vocabulary.ts';
import { actorOf } from '../../staff/staffUsers.ts';
import { consentFeed, memberHistory } from '../../unsubscribe/consentHistory.ts';
import { recordStaffRequest } from '../../unsubscribe/staffRequests.ts';
import type { Mount } from '../app.ts';
import { requireStaff } from '../auth.ts';
import { errorBody, json, staffAuth, staffErrors } from '../openapiKit.ts';
import { problem } from '../problems.ts';

const common = staffErrors();
const memberParam = z.object({ id: z.coerce.number().int().positive().openapi({ example: 42 }) });

const requestChange = z.strictObject({
  topic: z.enum(TOPICS),
  channel: z.enum(CHANNELS),
  granted: z.boolean().describe('true: the member asked to receive it; false: to stop'),
});

const staffRequestBody = z
  .strictObject({
    source: z.enum(STAFF_SOURCES).describe('How the member asked: by email, phone or post'),
    note: z
      .string()
      .trim()
      .min(1, 'required: say what the member asked for')
      .max(1000)
      .describe('What the member asked, in the staff member’s words (no addresses)'),
    changes: z
      .array(requestChange)
      .min(1)
      .max(TOPICS.length * CHANNELS.length),
    requestedAt: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('When the member made the request; default now'),
  })
  .superRefine((body, ctx) => {
    const seen = new Set<string>();
    body.changes.forEach((c, i) => {
      const key = `${c.topic}/${c.channel}`;
      if (seen.has(key))
        ctx.addIssue({ code: 'custom', path: ['changes', i], message: `${key} is listed twice` });
      seen.add(key);
    });
  })
  .openapi('StaffConsentRequest');

const ledgerEntry = z
  .object({
    id: z.number(),
    topic: z.enum(TOPICS),
    channel: z.enum(CHANNELS),
    granted: z.boolean(),
    source: z.string().describe('How'),
    actor: z.string().describe('Who'),
    note: z.string().nullable().describe('Why'),
    policyVersion: z.string(),
    occurredAt: z.string().describe('When the member gave or withdrew it'),
    recordedAt: z.string().describe('When we recorded it'),
  })
  .openapi('ConsentLedgerEntry');

const historyBody = z
  .object({
    member: z.object({ id: z.number(), externalId: z.string().nullable() }),
    current: z.array(
      z.object({
        topic: z.enum(TOPICS),
        channel: z.enum(CHANNELS),
        granted: z.boolean(),
        source: z.string().nullable(),
        occurredAt: z.string().nullable(),
      }),
    ),
    events: z.array(ledgerEntry),
  })
  .openapi('ConsentHistory');

const feedQuery = z.strictObject({
  after: z
    .string()
    .regex(/^(0|[1-9]\d{0,15})$/, 'a cursor: the `next` of the previous page, or the last event id seen')
    .optional()
    .openapi({ description: 'Resume after this cursor; omit to start from the beginning' }),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

const feedEvent = z
  .object({
    id: z.number().describe('Ledger id: the feed order'),
    memberId: z.number(),
    memberExternalId: z.string().nullable(),
    topic: z.enum(TOPICS),
    channel: z.enum(CHANNELS),
    granted: z.boolean(),
    source: z.string(),
    occurredAt: z.string(),
    recordedAt: z.string(),
  })
  .openapi('ConsentFeedEvent');

/**
 * Staff and membership-system access to the consent ledger: recording a
 * member's request made by email, phone or post; a member's whole history;
 * and the feed of every change, keyset-paged by ledger id.
 */
export const consentHistoryRoutes: Mount = (app, deps) => {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/members/{id}/requests',
      summary: 'Record a request a member made to staff by email, phone or post',
      description:
        'Every listed change is written to the ledger, even one that changes nothing: the record of the request is evidence. The opt-out is committed when this returns.',
      tags: ['consent'],
      security: staffAuth,
      middleware: [requireStaff(deps, 'editor')],
      request: {
        params: memberParam,
        body: { content: { 'application/json': { schema: staffRequestBody } }, required: true },
      },
      responses: {
        201: json(z.object({ recorded: z.number() }), 'Recorded'),
        ...common,
        404: json(errorBody, 'No such member'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const recorded = await recordStaffRequest(deps.db, {
        memberId: id,
        source: body.source,
        note: body.note,
        changes: body.changes,
        requestedAt: body.requestedAt ? new Date(body.requestedAt) : undefined,
        actor: actorOf(c.get('staff')),
      });
      if (recorded === null) return problem(c, 404, 'not_found', `no member with id ${id}`);
      deps.metrics.consentChanges.labels(body.source).inc(recorded);
      return c.json({ recorded }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/members/{id}/consents/history',
      summary: "A member's whole consent history and current state",
      description:
        'Every ledger entry in order — who, when, how and why — and the state each topic is in now.',
      tags: ['consent'],
      security: staffAuth,
      middleware: [requireStaff(deps, 'editor')],
      request: { params: memberParam },
      responses: { 200: json(historyBody, 'The history'), ...common, 404: json(errorBody, 'No such member') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const history = await memberHistory(deps.db, id);
      if (!history) return problem(c, 404, 'not_found', `no member with id ${id}`);
      return c.json(history, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/consent-events',
      summary: 'Every consent change, in ledger order, for the membership system',
      description:
        'Keyset-paged by ledger id: pass the `next` of one page as `after` for the following one. `next` is null on a page that is not full; resume later from the last event id. Entries never change or disappear, and an entry is listed only once every earlier id is final, so a cursor never skips one.',
      tags: ['consent'],
      security: staffAuth,
      middleware: [requireStaff(deps, 'editor')],
      request: { query: feedQuery },
      responses: {
        200: json(z.object({ events: z.array(feedEvent), next: z.string().nullable() }), 'One page'),
        ...common,
        503: json(errorBody, 'A long write holds the ledger; retry shortly'),
      },
    }),
    async (c) => {
      const { after, limit } = c.req.valid('query');
      const page = await consentFeed(deps.db, after === undefined ? 0 : Number(after), limit);
      if ('busy' in page) {
        c.header('Retry-After', '2');
        return problem(c, 503, 'busy', 'the ledger is being written by a long transaction; retry shortly');
      }
      return c.json(page, 200);
    },
  );
};
