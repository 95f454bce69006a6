import { createRoute, z } from '@hono/zod-openapi';
import { offerInputSchema } from '../../partners/offerInput.ts';
import {
  findPartnerOffer,
  listPartnerOffers,
  type MoveOutcome,
  partnerView,
  resubmitOffer,
  submitOffer,
  withdrawOffer,
} from '../../partners/offers.ts';
import {
  createPartner,
  issueKey,
  listKeys,
  listPartners,
  PARTNER_STATUSES,
  revokeKey,
  setPartnerStatus,
} from '../../partners/partnerAdmin.ts';
import { offerReport } from '../../partners/report.ts';
import { actorOf } from '../../staff/staffUsers.ts';
import type { Mount } from '../app.ts';
import { requirePartner, requireStaff } from '../auth.ts';
import { errorBody, idParam, json, partnerAuth, staffAuth, staffErrors } from '../openapiKit.ts';
import { problem } from '../problems.ts';
import { partnerPortalRoutes } from './partnerPortal.ts';
import { partnerUserRoutes } from './partnerUsers.ts';

const adminErrors = staffErrors('The token is not an admin');
const partnerErrors = {
  400: json(errorBody, 'Invalid request: the message names each bad field'),
  401: json(errorBody, 'No valid partner key'),
  403: json(errorBody, 'Not a partner key'),
};

const partnerBody = z.strictObject({
  name: z.string().trim().min(1, 'name must not be empty').max(200, 'name must be at most 200 characters'),
  contactEmail: z.email({ error: 'contactEmail must be an email address' }),
  status: z.enum(PARTNER_STATUSES, { error: 'status must be approved or suspended' }).default('approved'),
});
const partnerOut = z.object({
  id: z.number(),
  name: z.string(),
  contactEmail: z.string(),
  status: z.enum(PARTNER_STATUSES),
  createdAt: z.string(),
});
const keyOut = z.object({
  id: z.number(),
  label: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});

const offerOut = z
  .object({
    id: z.number(),
    state: z.string(),
    title: z.string(),
    subject: z.string(),
    headline: z.string(),
    body: z.string().describe('Markdown as submitted'),
    ctaUrl: z.string(),
    ctaLabel: z.string(),
    imageUrl: z.string().nullable(),
    sendWindow: z.object({ from: z.string(), to: z.string() }),
    maxRecipients: z.number(),
    targeting: z.record(z.string(), z.array(z.string())),
    reviewNote: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('PartnerOffer');
const shown = z.union([z.number(), z.literal('<10')]);
const reportOut = z
  .object({
    offerId: z.number(),
    state: z.string(),
    sent: shown,
    delivered: shown,
    bounced: shown,
    unsubscribed: shown,
    byCountry: z.record(z.string(), shown),
    byMembershipType: z.record(z.string(), shown),
    byLanguage: z.record(z.string(), shown),
  })
  .openapi('OfferReport');

/** Partners, their keys and portal users (admins), and the partner API (partner keys: own offers only). */
export const partnerRoutes: Mount = (app, deps) => {
  const admin = requireStaff(deps, 'admin');

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/partners',
      summary: 'Create a partner (approved or suspended)',
      tags: ['partners'],
      security: staffAuth,
      middleware: [admin],
      request: { body: { content: { 'application/json': { schema: partnerBody } }, required: true } },
      responses: {
        201: json(partnerOut, 'Created'),
        ...adminErrors,
        409: json(errorBody, 'A partner of that name exists'),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const outcome = await deps.db.transaction((tx) => createPartner(tx, body, actorOf(c.get('staff'))));
      if (outcome.type === 'duplicate') {
        return problem(c, 409, 'conflict', `a partner named "${body.name}" exists`);
      }
      return c.json(outcome.partner, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/partners',
      summary: 'List partners',
      tags: ['partners'],
      security: staffAuth,
      middleware: [admin],
      responses: { 200: json(z.object({ partners: z.array(partnerOut) }), 'Partners'), ...adminErrors },
    }),
    async (c) => c.json({ partners: await listPartners(deps.db) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/api/partners/{id}',
      summary: 'Approve or suspend a partner (a suspended partner’s keys and portal users stop working)',
      tags: ['partners'],
      security: staffAuth,
      middleware: [admin],
      request: {
        params: idParam,
        body: {
          content: {
            'application/json': {
              schema: z.strictObject({
                status: z.enum(PARTNER_STATUSES, { error: 'status must be approved or suspended' }),
              }),
            },
          },
          required: true,
        },
      },
      responses: {
        200: json(partnerOut, 'Updated'),
        ...adminErrors,
        404: json(errorBody, 'No such partner'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { status } = c.req.valid('json');
      const partner = await deps.db.transaction((tx) =>
        setPartnerStatus(tx, id, status, actorOf(c.get('staff'))),
      );
      if (!partner) return problem(c, 404, 'not_found', `no partner ${id}`);
      return c.json(partner, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/partners/{id}/keys',
      summary: 'Issue an API key for a partner (shown once, stored hashed, scoped to the partner)',
      tags: ['partners'],
      security: staffAuth,
      middleware: [admin],
      request: {
        params: idParam,
        body: {
          content: {
            'application/json': {
              schema: z.strictObject({
                label: z.string().trim().min(1, 'label must not be empty').max(100, 'label is too long'),
              }),
            },
          },
          required: true,
        },
      },
      responses: {
        201: json(
          z.object({ id: z.number(), label: z.string(), key: z.string(), createdAt: z.string() }),
          'The key: shown this once only',
        ),
        ...adminErrors,
        404: json(errorBody, 'No such partner'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { label } = c.req.valid('json');
      const issued = await deps.db.transaction((tx) => issueKey(tx, id, label, actorOf(c.get('staff'))));
      if (!issued) return problem(c, 404, 'not_found', `no partner ${id}`);
      c.header('Cache-Control', 'no-store');
      return c.json(issued, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/partners/{id}/keys',
      summary: 'List a partner’s keys (never the keys themselves)',
      tags: ['partners'],
      security: staffAuth,
      middleware: [admin],
      request: { params: idParam },
      responses: { 200: json(z.object({ keys: z.array(keyOut) }), 'Keys'), ...adminErrors },
    }),
    async (c) => c.json({ keys: await listKeys(deps.db, c.req.valid('param').id) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/partners/{id}/keys/{keyId}',
      summary: 'Revoke a partner key',
      tags: ['partners'],
      security: staffAuth,
      middleware: [admin],
      request: { params: idParam.extend({ keyId: z.coerce.number().int().positive() }) },
      responses: {
        200: json(z.object({ revoked: z.literal(true) }), 'Revoked'),
        ...adminErrors,
        404: json(errorBody, 'No such live key of that partner'),
      },
    }),
    async (c) => {
      const { id, keyId } = c.req.valid('param');
      const done = await deps.db.transaction((tx) => revokeKey(tx, id, keyId, actorOf(c.get('staff'))));
      if (!done) return problem(c, 404, 'not_found', `partner ${id} has no live key ${keyId}`);
      return c.json({ revoked: true as const }, 200);
    },
  );

  // The partner API: a key reaches its own partner's offers and nothing else.
  const partner = requirePartner(deps);
  const offerBody = offerInputSchema({ imageHosts: deps.config.OFFER_IMAGE_HOSTS, now: deps.clock.now });
  const notYours = (c: Parameters<typeof problem>[0], id: number) =>
    problem(c, 404, 'not_found', `you have no offer ${id}`);
  const moved = (c: Parameters<typeof problem>[0], id: number, outcome: MoveOutcome) => {
    if (outcome.type === 'not-found') return notYours(c, id);
    if (outcome.type === 'illegal')
      return problem(c, 409, 'conflict', outcome.message, { state: outcome.state });
    return c.json(partnerView(outcome.offer), 200);
  };

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/partner/offers',
      summary: 'Submit an offer for review',
      description:
        'The body is Markdown; raw HTML is removed. The call-to-action link must be https; an image must come from an allowed host. Targeting is limited to countries, membership types and languages.',
      tags: ['partner'],
      security: partnerAuth,
      middleware: [partner],
      request: { body: { content: { 'application/json': { schema: offerBody } }, required: true } },
      responses: { 201: json(offerOut, 'Submitted'), ...partnerErrors },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const row = await deps.db.transaction((tx) => submitOffer(tx, c.get('partner').partnerId, input));
      return c.json(partnerView(row), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/partner/offers',
      summary: 'List your offers',
      tags: ['partner'],
      security: partnerAuth,
      middleware: [partner],
      responses: { 200: json(z.object({ offers: z.array(offerOut) }), 'Your offers'), ...partnerErrors },
    }),
    async (c) => {
      const rows = await listPartnerOffers(deps.db, c.get('partner').partnerId);
      return c.json({ offers: rows.map(partnerView) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/partner/offers/{id}',
      summary: 'One of your offers, with its state and review note',
      tags: ['partner'],
      security: partnerAuth,
      middleware: [partner],
      request: { params: idParam },
      responses: {
        200: json(offerOut, 'The offer'),
        ...partnerErrors,
        404: json(errorBody, 'Not your offer'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const row = await findPartnerOffer(deps.db, c.get('partner').partnerId, id);
      if (!row) return notYours(c, id);
      return c.json(partnerView(row), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/partner/offers/{id}',
      summary: 'Resubmit an offer after changes were requested',
      tags: ['partner'],
      security: partnerAuth,
      middleware: [partner],
      request: {
        params: idParam,
        body: { content: { 'application/json': { schema: offerBody } }, required: true },
      },
      responses: {
        200: json(offerOut, 'Resubmitted'),
        ...partnerErrors,
        404: json(errorBody, 'Not your offer'),
        409: json(errorBody, 'The offer is not awaiting changes'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      const outcome = await deps.db.transaction((tx) =>
        resubmitOffer(tx, c.get('partner').partnerId, id, input),
      );
      return moved(c, id, outcome);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/partner/offers/{id}/withdraw',
      summary: 'Withdraw an offer (until its sending starts)',
      tags: ['partner'],
      security: partnerAuth,
      middleware: [partner],
      request: { params: idParam },
      responses: {
        200: json(offerOut, 'Withdrawn'),
        ...partnerErrors,
        404: json(errorBody, 'Not your offer'),
        409: json(errorBody, 'The offer can no longer be withdrawn'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const outcome = await withdrawOffer(deps.db, c.get('partner').partnerId, id);
      return moved(c, id, outcome);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/partner/offers/{id}/report',
      summary: 'Aggregate results of an offer',
      description:
        'Counts only: sent, delivered, bounced, unsubscribed from partner offers, and counts by country, membership type and language. A count below 10 shows as "<10". No member is ever identified.',
      tags: ['partner'],
      security: partnerAuth,
      middleware: [partner],
      request: { params: idParam },
      responses: {
        200: json(reportOut, 'The report'),
        ...partnerErrors,
        404: json(errorBody, 'Not your offer'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const row = await findPartnerOffer(deps.db, c.get('partner').partnerId, id);
      if (!row) return notYours(c, id);
      const report = await offerReport(deps.db, row.id, row.campaignId);
      return c.json({ ...report, state: row.state }, 200);
    },
  );

  partnerUserRoutes(app, deps);
  partnerPortalRoutes(app, deps);
};
