import { createRoute, z } from '@hono/zod-openapi';
import { desc, eq } from 'drizzle-orm';
import { findCampaign } from '../../campaigns/campaignStore.ts';
import { artworkRefusal, type SetArtworkOutcome, setCampaignArtwork } from '../../campaigns/setArtwork.ts';
import { contracts, disclosures, misuseAlerts, subcontractors } from '../../db/schema.ts';
import { actorOf } from '../../staff/staffUsers.ts';
import { MAX_ARTWORK_BYTES, storeArtwork } from '../../subcontractors/artwork.ts';
import {
  createContract,
  createSubcontractor,
  listContracts,
  listSubcontractors,
  setContractStatus,
} from '../../subcontractors/contractAdmin.ts';
import {
  contractInput,
  contractStatusInput,
  deletionConfirmationInput,
  seedInput,
  subcontractorInput,
} from '../../subcontractors/contractInput.ts';
import { SERVICES } from '../../subcontractors/contractTerms.ts';
import { confirmDeletion } from '../../subcontractors/ledger.ts';
import { addPostalSeed, listSeeds, retireSeed } from '../../subcontractors/seedAdmin.ts';
import type { Mount } from '../app.ts';
import { requireStaff } from '../auth.ts';
import { errorBody, idParam, json, jsonBody, staffAuth, staffErrors } from '../openapiKit.ts';
import { invalid, problem } from '../problems.ts';

const common = staffErrors('The token is not an admin');
const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Subcontractors, their contracts, the disclosure ledger, seeds and misuse alerts (admins); print artwork (editors). */
export const contractRoutes: Mount = (app, deps) => {
  const admin = requireStaff(deps, 'admin');
  const actor = (c: { get(key: 'staff'): Parameters<typeof actorOf>[0] }) => actorOf(c.get('staff'));

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/subcontractors',
      summary: 'Register a subcontractor (email delivery or postal mail house)',
      tags: ['subcontractors'],
      security: staffAuth,
      middleware: [admin],
      request: jsonBody(subcontractorInput),
      responses: {
        201: json(z.object({ id: z.number(), name: z.string(), service: z.string() }), 'Created'),
        ...common,
        409: json(errorBody, 'A subcontractor of that name exists'),
      },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const outcome = await deps.db.transaction((tx) => createSubcontractor(tx, input, actor(c)));
      if (outcome.type === 'duplicate') {
        return problem(c, 409, 'conflict', `a subcontractor named "${input.name}" exists`);
      }
      const row = outcome.subcontractor;
      return c.json({ id: row.id, name: row.name, service: row.service }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/subcontractors',
      summary: 'List subcontractors',
      tags: ['subcontractors'],
      security: staffAuth,
      middleware: [admin],
      responses: {
        200: json(
          z.object({
            subcontractors: z.array(z.object({ id: z.number(), name: z.string(), service: z.string() })),
          }),
          'Subcontractors',
        ),
        ...common,
      },
    }),
    async (c) => {
      const rows = await listSubcontractors(deps.db);
      return c.json({ subcontractors: rows }, 200);
    },
  );

  const contractOut = z.object({
    id: z.number(),
    subcontractorId: z.number(),
    reference: z.string(),
    purposes: z.array(z.string()),
    fields: z.array(z.string()),
    validFrom: z.string(),
    validTo: z.string(),
    maxRecipientsPerDispatch: z.number(),
    retentionDays: z.number(),
    seedsRequired: z.boolean(),
    status: z.string(),
  });
  const contractView = (r: typeof contracts.$inferSelect) => ({
    id: r.id,
    subcontractorId: r.subcontractorId,
    reference: r.reference,
    purposes: r.purposes,
    fields: r.fields,
    validFrom: r.validFrom,
    validTo: r.validTo,
    maxRecipientsPerDispatch: r.maxRecipientsPerDispatch,
    retentionDays: r.retentionDays,
    seedsRequired: r.seedsRequired,
    status: r.status,
  });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/contracts',
      summary: 'Record a subcontractor contract: purposes, fields, dates, volume, retention, seeds',
      tags: ['subcontractors'],
      security: staffAuth,
      middleware: [admin],
      request: jsonBody(contractInput),
      responses: {
        201: json(contractOut, 'Created'),
        ...common,
        404: json(errorBody, 'No such subcontractor'),
        409: json(errorBody, 'A contract with that reference exists'),
      },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const outcome = await deps.db.transaction((tx) => createContract(tx, input, actor(c)));
      if (outcome.type === 'no-subcontractor') {
        return problem(c, 404, 'not_found', `no subcontractor ${input.subcontractorId}`);
      }
      if (outcome.type === 'duplicate') {
        return problem(c, 409, 'conflict', `contract ${input.reference} exists`);
      }
      return c.json(contractView(outcome.contract), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/contracts',
      summary: 'List contracts',
      tags: ['subcontractors'],
      security: staffAuth,
      middleware: [admin],
      responses: { 200: json(z.object({ contracts: z.array(contractOut) }), 'Contracts'), ...common },
    }),
    async (c) => {
      const rows = await listContracts(deps.db);
      return c.json({ contracts: rows.map(contractView) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/api/contracts/{id}',
      summary: 'Change a contract’s status (active, suspended, ended)',
      tags: ['subcontractors'],
      security: staffAuth,
      middleware: [admin],
      request: {
        params: idParam,
        ...jsonBody(contractStatusInput),
      },
      responses: { 200: json(contractOut, 'Updated'), ...common, 404: json(errorBody, 'No such contract') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { status } = c.req.valid('json');
      const row = await deps.db.transaction((tx) => setContractStatus(tx, id, status, actor(c)));
      if (!row) return problem(c, 404, 'not_found', `no contract ${id}`);
      return c.json(contractView(row), 200);
    },
  );

  const disclosureOut = z.object({
    id: z.number(),
    reference: z.string(),
    subcontractor: z.string(),
    contract: z.string(),
    campaignId: z.number(),
    fields: z.array(z.string()),
    recipientCount: z.number(),
    seedIds: z.array(z.number()),
    disclosedAt: z.string(),
    deleteBy: z.string(),
    deletionConfirmedAt: z.string().nullable(),
    deletionOverdueFlaggedAt: z.string().nullable(),
  });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/disclosures',
      summary: 'The disclosure ledger: every dispatch to a subcontractor, newest first',
      tags: ['subcontractors'],
      security: staffAuth,
      middleware: [admin],
      request: { query: z.object({ overdue: z.enum(['true', 'false']).optional() }) },
      responses: { 200: json(z.object({ disclosures: z.array(disclosureOut) }), 'The ledger'), ...common },
    }),
    async (c) => {
      const { overdue } = c.req.valid('query');
      const rows = await deps.db
        .select({ d: disclosures, subcontractor: subcontractors.name, contract: contracts.reference })
        .from(disclosures)
        .innerJoin(subcontractors, eq(subcontractors.id, disclosures.subcontractorId))
        .innerJoin(contracts, eq(contracts.id, disclosures.contractId))
        .orderBy(desc(disclosures.id))
        .limit(1000);
      const list = rows
        .filter((r) => overdue !== 'true' || (r.d.deletionOverdueFlaggedAt && !r.d.deletionConfirmedAt))
        .map((r) => ({
          id: r.d.id,
          reference: r.d.reference,
          subcontractor: r.subcontractor,
          contract: r.contract,
          campaignId: r.d.campaignId,
          fields: r.d.fields,
          recipientCount: r.d.recipientCount,
          seedIds: r.d.seedIds,
          disclosedAt: r.d.disclosedAt.toISOString(),
          deleteBy: r.d.deleteBy.toISOString(),
          deletionConfirmedAt: iso(r.d.deletionConfirmedAt),
          deletionOverdueFlaggedAt: iso(r.d.deletionOverdueFlaggedAt),
        }));
      return c.json({ disclosures: list }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/disclosures/{id}/deletion-confirmation',
      summary: 'Record that the subcontractor confirmed deleting a dispatch’s data',
      tags: ['subcontractors'],
      security: staffAuth,
      middleware: [admin],
      request: {
        params: idParam,
        ...jsonBody(deletionConfirmationInput),
      },
      responses: {
        200: json(z.object({ reference: z.string(), deletionConfirmedAt: z.string() }), 'Recorded'),
        ...common,
        404: json(errorBody, 'No such disclosure'),
        409: json(errorBody, 'Already confirmed'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      const outcome = await deps.db.transaction((tx) =>
        confirmDeletion(tx, {
          disclosureId: id,
          at: input.at ? new Date(input.at) : deps.clock.now(),
          actor: actor(c),
          note: input.note,
        }),
      );
      if (outcome.type === 'not-found') return problem(c, 404, 'not_found', `no disclosure ${id}`);
      if (outcome.type === 'already-confirmed') {
        return problem(c, 409, 'conflict', `deletion was confirmed on ${outcome.at.toISOString()}`);
      }
      return c.json({ reference: outcome.reference, deletionConfirmedAt: outcome.at.toISOString() }, 200);
    },
  );

  const seedOut = z.object({
    id: z.number(),
    channel: z.string(),
    address: z.string(),
    name: z.string(),
    postalAddress: z.record(z.string(), z.string().nullable()).nullable(),
    disclosureId: z.number().nullable(),
    active: z.boolean(),
  });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/seeds',
      summary: 'List seeds (decoy recipients): postal seeds staff manage, email seeds made per dispatch',
      tags: ['subcontractors'],
      security: staffAuth,
      middleware: [admin],
      request: { query: z.object({ channel: z.enum(SERVICES).optional() }) },
      responses: { 200: json(z.object({ seeds: z.array(seedOut) }), 'Seeds'), ...common },
    }),
    async (c) => {
      const { channel } = c.req.valid('query');
      const rows = await listSeeds(deps.db, channel);
      return c.json(
        {
          seeds: rows.map((s) => ({
            id: s.id,
            channel: s.channel,
            address: s.address,
            name: s.name,
            postalAddress: s.postalAddress as Record<string, string | null> | null,
            disclosureId: s.disclosureId,
            active: s.active,
          })),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/seeds',
      summary: 'Add a postal seed: an address of ours that each postal dispatch takes one of',
      tags: ['subcontractors'],
      security: staffAuth,
      middleware: [admin],
      request: jsonBody(seedInput),
      responses: { 201: json(seedOut, 'Added'), ...common },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const row = await deps.db.transaction((tx) => addPostalSeed(tx, input, actor(c)));
      return c.json(
        {
          id: row.id,
          channel: row.channel,
          address: row.address,
          name: row.name,
          postalAddress: row.postalAddress as Record<string, string | null>,
          disclosureId: row.disclosureId,
          active: row.active,
        },
        201,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/seeds/{id}',
      summary: 'Retire a postal seed (it stays in the ledger, but no new dispatch takes it)',
      tags: ['subcontractors'],
      security: staffAuth,
      middleware: [admin],
      request: { params: idParam },
      responses: {
        200: json(z.object({ retired: z.literal(true) }), 'Retired'),
        ...common,
        404: json(errorBody, 'No such postal seed'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const done = await deps.db.transaction((tx) => retireSeed(tx, id, actor(c)));
      if (!done) return problem(c, 404, 'not_found', `no postal seed ${id}`);
      return c.json({ retired: true as const }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/misuse-alerts',
      summary: 'Misuse alerts: mail that reached a seed outside its dispatch',
      tags: ['subcontractors'],
      security: staffAuth,
      middleware: [admin],
      responses: {
        200: json(
          z.object({
            alerts: z.array(
              z.object({
                id: z.number(),
                seedId: z.number(),
                disclosure: z.string().nullable(),
                subcontractor: z.string().nullable(),
                summary: z.string(),
                at: z.string(),
              }),
            ),
          }),
          'Alerts, newest first',
        ),
        ...common,
      },
    }),
    async (c) => {
      const rows = await deps.db
        .select({
          a: misuseAlerts,
          disclosure: disclosures.reference,
          subcontractor: subcontractors.name,
        })
        .from(misuseAlerts)
        .leftJoin(disclosures, eq(disclosures.id, misuseAlerts.disclosureId))
        .leftJoin(subcontractors, eq(subcontractors.id, misuseAlerts.subcontractorId))
        .orderBy(desc(misuseAlerts.id))
        .limit(1000);
      return c.json(
        {
          alerts: rows.map((r) => ({
            id: r.a.id,
            seedId: r.a.seedId,
            disclosure: r.disclosure,
            subcontractor: r.subcontractor,
            summary: r.a.summary,
            at: r.a.at.toISOString(),
          })),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/campaigns/{id}/artwork',
      summary: 'Upload a postal campaign’s print artwork (a PDF, sent as the request body)',
      tags: ['subcontractors'],
      security: staffAuth,
      middleware: [requireStaff(deps, 'editor')],
      request: {
        params: idParam,
        body: { content: { 'application/pdf': { schema: z.any() } }, required: true },
      },
      responses: {
        200: json(z.object({ campaignId: z.number(), artworkRef: z.string() }), 'Stored'),
        ...common,
        404: json(errorBody, 'No such postal campaign'),
        409: json(errorBody, 'The campaign has started'),
        413: json(errorBody, 'Too large'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      if (!/^application\/pdf\b/i.test(c.req.header('content-type') ?? '')) {
        return invalid(c, [{ path: '(body)', message: 'send the artwork as application/pdf' }]);
      }
      const refused = (outcome: SetArtworkOutcome | null) => {
        if (outcome?.type === 'not-found' || outcome?.type === 'not-postal')
          return problem(c, 404, 'not_found', `no postal campaign ${id}`);
        if (outcome?.type === 'started')
          return problem(
            c,
            409,
            'conflict',
            `the campaign is ${outcome.state}; its artwork can no longer change`,
          );
        return null;
      };
      const campaign = await findCampaign(deps.db, id);
      const early = refused(campaign ? artworkRefusal(campaign) : { type: 'not-found' });
      if (early) return early;
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      if (bytes.byteLength > MAX_ARTWORK_BYTES)
        return problem(c, 413, 'payload_too_large', 'artwork is too large');
      const stored = await storeArtwork(deps.config.DATA_DIR, bytes);
      if (stored.type === 'invalid') return invalid(c, [{ path: '(body)', message: stored.message }]);
      const late = refused(await setCampaignArtwork(deps.db, id, stored.ref, actor(c), deps.clock.now()));
      if (late) return late;
      return c.json({ campaignId: id, artworkRef: stored.ref }, 200);
    },
  );
};
