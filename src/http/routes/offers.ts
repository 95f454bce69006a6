import { createRoute, z } from '@hono/zod-openapi';
import { OFFER_STATES } from '../../db/schema.ts';
import { needsNote, REVIEW_ACTIONS } from '../../partners/offerStates.ts';
import { findOffer, listOffers, moveOffer, staffView } from '../../partners/offers.ts';
import { renderOfferPreview } from '../../partners/preview.ts';
import { scheduleOffer } from '../../partners/scheduleOffer.ts';
import { actorOf } from '../../staff/staffUsers.ts';
import type { Mount } from '../app.ts';
import { requireStaff } from '../auth.ts';
import { conflictBody, errorBody, idParam, json, staffAuth, staffErrors } from '../openapiKit.ts';
import { invalid, problem } from '../problems.ts';

const common = staffErrors();
const offerOut = z
  .object({
    id: z.number(),
    partnerId: z.number(),
    partnerName: z.string(),
    state: z.string(),
    title: z.string(),
    subject: z.string(),
    headline: z.string(),
    body: z.string(),
    ctaUrl: z.string(),
    ctaLabel: z.string(),
    imageUrl: z.string().nullable(),
    sendWindow: z.object({ from: z.string(), to: z.string() }),
    maxRecipients: z.number(),
    targeting: z.record(z.string(), z.array(z.string())),
    reviewNote: z.string().nullable(),
    campaignId: z.number().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Offer');

const reviewBody = z.strictObject({
  to: z.enum(Object.keys(REVIEW_ACTIONS) as [keyof typeof REVIEW_ACTIONS], {
    error: 'to must be one of in-review, changes-requested, approved, rejected',
  }),
  note: z.string().trim().max(2000, 'note must be at most 2000 characters').optional(),
});

const scheduleBody = z.strictObject({
  sendAt: z.iso
    .datetime({ offset: true, error: 'sendAt must be an ISO 8601 date-time within the offer window' })
    .optional(),
  contractId: z.number({ error: 'contractId must be a contract id' }).int().positive().optional(),
  topic: z.string().optional().describe('Ignored: a partner offer always goes out on topic partner-offers'),
});

/** Staff review and scheduling of partner offers. */
export const offerRoutes: Mount = (app, deps) => {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/offers',
      summary: 'List partner offers (optionally in one state)',
      tags: ['offers'],
      security: staffAuth,
      middleware: [requireStaff(deps, 'editor')],
      request: {
        query: z.object({
          state: z
            .enum(OFFER_STATES, { error: `state must be one of ${OFFER_STATES.join(', ')}` })
            .optional(),
        }),
      },
      responses: { 200: json(z.object({ offers: z.array(offerOut) }), 'Offers'), ...common },
    }),
    async (c) => {
      const { state } = c.req.valid('query');
      return c.json({ offers: (await listOffers(deps.db, state)).map(staffView) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/offers/{id}',
      summary: 'One partner offer',
      tags: ['offers'],
      security: staffAuth,
      middleware: [requireStaff(deps, 'editor')],
      request: { params: idParam },
      responses: { 200: json(offerOut, 'The offer'), ...common, 404: json(errorBody, 'No such offer') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const row = await findOffer(deps.db, id);
      if (!row) return problem(c, 404, 'not_found', `no offer ${id}`);
      return c.json(staffView(row), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/offers/{id}/preview',
      summary: 'The offer rendered in the partner-offer template, for a sample member',
      tags: ['offers'],
      security: staffAuth,
      middleware: [requireStaff(deps, 'editor')],
      request: { params: idParam, query: z.object({ part: z.enum(['html', 'text']).default('html') }) },
      responses: {
        200: { content: { 'text/html': { schema: z.string() } }, description: 'The rendered message' },
        ...common,
        404: json(errorBody, 'No such offer'),
        422: json(errorBody, 'The offer cannot be rendered'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { part } = c.req.valid('query');
      const row = await findOffer(deps.db, id);
      if (!row) return problem(c, 404, 'not_found', `no offer ${id}`);
      const preview = await renderOfferPreview(row.offer, row.partnerName, deps.config);
      if (!preview.ok) return problem(c, 422, 'invalid_content', preview.message);
      c.header('X-Preview-Subject', encodeURIComponent(preview.subject));
      if (part === 'text') return c.text(preview.text, 200);
      return c.html(preview.html, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/offers/{id}/review',
      summary: 'Move an offer in review: in-review, changes-requested, approved or rejected',
      description: 'Approvers and admins only. Approving or rejecting needs a note, which the partner sees.',
      tags: ['offers'],
      security: staffAuth,
      middleware: [requireStaff(deps, 'approver')],
      request: {
        params: idParam,
        body: { content: { 'application/json': { schema: reviewBody } }, required: true },
      },
      responses: {
        200: json(offerOut, 'Moved'),
        ...common,
        404: json(errorBody, 'No such offer'),
        409: json(conflictBody, 'Not a legal move from the current state (given in `state`)'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { to, note } = c.req.valid('json');
      const action = REVIEW_ACTIONS[to];
      if (needsNote(action) && !note) {
        return invalid(c, [{ path: 'note', message: `a note is required to move an offer to ${to}` }]);
      }
      const outcome = await deps.db.transaction((tx) =>
        moveOffer(tx, { offerId: id, action, actor: actorOf(c.get('staff')), note: note ?? null }),
      );
      if (outcome.type === 'not-found') return problem(c, 404, 'not_found', `no offer ${id}`);
      if (outcome.type === 'illegal')
        return problem(c, 409, 'conflict', outcome.message, { state: outcome.state });
      const row = await findOffer(deps.db, id);
      return c.json(staffView(row!), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/offers/{id}/schedule',
      summary: 'Schedule an approved offer as a partner-offers campaign',
      description:
        'Creates a scheduled campaign (topic partner-offers whatever is asked, email, the offer’s targeting and maximum) sent at `sendAt` (default: the start of the window) under an active email contract.',
      tags: ['offers'],
      security: staffAuth,
      middleware: [requireStaff(deps, 'approver')],
      request: {
        params: idParam,
        body: { content: { 'application/json': { schema: scheduleBody } }, required: false },
      },
      responses: {
        201: json(
          z.object({
            offerId: z.number(),
            campaignId: z.number(),
            sendAt: z.string(),
            contractId: z.number(),
          }),
          'Scheduled',
        ),
        ...common,
        404: json(errorBody, 'No such offer'),
        409: json(conflictBody, 'The offer is not approved, or no contract can carry it'),
        422: json(errorBody, 'The offer cannot be rendered'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json') ?? {};
      const outcome = await scheduleOffer(deps, {
        offerId: id,
        actor: actorOf(c.get('staff')),
        sendAt: body.sendAt ? new Date(body.sendAt) : undefined,
        contractId: body.contractId,
      });
      switch (outcome.type) {
        case 'scheduled':
          return c.json(
            {
              offerId: id,
              campaignId: outcome.campaignId,
              sendAt: outcome.sendAt.toISOString(),
              contractId: outcome.contractId,
            },
            201,
          );
        case 'not-found':
          return problem(c, 404, 'not_found', `no offer ${id}`);
        case 'illegal':
          return problem(c, 409, 'conflict', outcome.message, { state: outcome.state });
        case 'invalid':
          return invalid(c, [{ path: outcome.path, message: outcome.message }]);
        case 'no-contract':
          return problem(c, 409, 'no_contract', outcome.message);
        case 'invalid-content':
          return problem(c, 422, 'invalid_content', outcome.message);
      }
    },
  );
};
