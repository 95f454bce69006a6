import { createRoute, z } from '@hono/zod-openapi';
import { recordAudit } from '../../audit/recordAudit.ts';
import { recordConsentChanges } from '../../consent/recordConsent.ts';
import type { CONSENT_SOURCES } from '../../consent/vocabulary.ts';
import { consentInput, memberInput } from '../../members/memberInput.ts';
import { type UpsertProblem, upsertMembers } from '../../members/upsertMembers.ts';
import { actorOf } from '../../staff/staffUsers.ts';
import type { Mount } from '../app.ts';
import { requireStaff } from '../auth.ts';
import { errorBody, json, staffAuth, staffErrors } from '../openapiKit.ts';
import { problem } from '../problems.ts';

const common = staffErrors();

const memberBody = memberInput.openapi('MemberInput');
const upsertBody = z.union([memberBody, z.strictObject({ members: z.array(memberBody).min(1).max(1000) })]);
const upsertResult = z.object({
  inserted: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  consentEntries: z.number(),
  ids: z.array(z.number()).describe('Member ids, in request order'),
});

/** Sources the membership system may report: where the member gave the answer. */
const MEMBERSHIP_SOURCES = [
  'join-form',
  'renewal-form',
  'import',
] as const satisfies readonly (typeof CONSENT_SOURCES)[number][];

const consentsBody = z.strictObject({
  source: z.enum(MEMBERSHIP_SOURCES),
  note: z.string().max(500).optional(),
  changes: z.array(consentInput).min(1).max(8),
});

/** The membership system's API: it pushes member records and the consents members give on its forms. */
export const memberRoutes: Mount = (app, deps) => {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/members',
      summary: 'Create or update members (one, or up to 1,000 as { members: [...] })',
      description:
        'Upserts by external id, else by normalised email. Consents become ledger entries only where they change the current state. All or nothing: any bad record and nothing is written.',
      tags: ['members'],
      security: staffAuth,
      middleware: [requireStaff(deps, 'editor')],
      request: { body: { content: { 'application/json': { schema: upsertBody } }, required: true } },
      responses: {
        200: json(upsertResult, 'Applied'),
        ...common,
        409: json(errorBody, 'A record conflicts with an existing member'),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const list = 'members' in body ? body.members : [body];
      const principal = c.get('staff');
      let outcome: Awaited<ReturnType<typeof upsertMembers>>;
      try {
        outcome = await deps.db.transaction(async (tx) => {
          const o = await upsertMembers(
            tx,
            list.map((member, ref) => ({ ref, member })),
            { source: 'import', actor: `${actorOf(principal)}:api` },
          );
          // All or nothing: a conflicting record rolls back the others too.
          if (o.problems.length > 0) throw new Conflict(o.problems);
          await recordAudit(tx, {
            actor: actorOf(principal),
            action: 'members.upsert',
            target: 'members',
            details: { inserted: o.inserted, updated: o.updated },
          });
          return o;
        });
      } catch (error) {
        if (!(error instanceof Conflict)) throw error;
        const prefix = 'members' in body ? 'members.' : '';
        const issues = error.problems.map((p) => ({
          path: prefix ? `${prefix}${p.ref}.${p.field}` : p.field,
          message: p.message,
        }));
        return problem(c, 409, 'conflict', issues.map((i) => `${i.path}: ${i.message}`).join('; '), {
          issues,
        });
      }
      return c.json(
        {
          inserted: outcome.inserted,
          updated: outcome.updated,
          unchanged: outcome.unchanged,
          consentEntries: outcome.consentEntries,
          ids: list.map((_, i) => outcome.ids.get(i)!),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/members/{id}/consents',
      summary: 'Record consents a member gave on a membership form',
      tags: ['members'],
      security: staffAuth,
      middleware: [requireStaff(deps, 'editor')],
      request: {
        params: z.object({ id: z.coerce.number().int().positive() }),
        body: { content: { 'application/json': { schema: consentsBody } }, required: true },
      },
      responses: {
        200: json(
          z.object({ recorded: z.number() }),
          'Recorded (entries that change nothing are not repeated)',
        ),
        ...common,
        404: json(errorBody, 'No such member'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const principal = c.get('staff');
      const recorded = await deps.db.transaction(async (tx) => {
        const found = await tx.query.members.findFirst({
          columns: { id: true },
          where: (m, { eq }) => eq(m.id, id),
        });
        if (!found) return null;
        const n = await recordConsentChanges(
          tx,
          body.changes.map((ch) => ({
            memberId: id,
            topic: ch.topic,
            channel: ch.channel,
            granted: ch.granted,
            occurredAt: ch.at ? new Date(ch.at) : undefined,
          })),
          { source: body.source, actor: `${actorOf(principal)}:api`, note: body.note },
        );
        deps.metrics.consentChanges.labels(body.source).inc(n);
        return n;
      });
      if (recorded === null) return problem(c, 404, 'not_found', `no member with id ${id}`);
      return c.json({ recorded }, 200);
    },
  );
};

class Conflict extends Error {
  readonly problems: UpsertProblem[];
  constructor(problems: UpsertProblem[]) {
    super('conflicting member records');
    this.problems = problems;
  }
}
