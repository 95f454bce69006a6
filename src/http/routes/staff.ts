import { createRoute, z } from '@hono/zod-openapi';
import { passwordLinkPath } from '../../staff/passwordLink.ts';
import { ROLES } from '../../staff/roles.ts';
import {
  changeRole,
  createStaff,
  findStaff,
  issueToken,
  listStaff,
  listStaffTokens,
  newPasswordLink,
  newStaffInput,
  revokeToken,
  type StaffChangeOutcome,
  type StaffView,
  setDisabled,
  unlinkOidc,
  unlockStaff,
} from '../../staff/staffAdmin.ts';
import { actorOf } from '../../staff/staffUsers.ts';
import type { Mount } from '../app.ts';
import { requireStaff } from '../auth.ts';
import { errorBody, idParam, json, jsonBody, staffAuth, staffErrors } from '../openapiKit.ts';
import { problem } from '../problems.ts';

const common = staffErrors('The token is not an admin');
const iso = (d: Date | null) => d?.toISOString() ?? null;

const staffOut = z.object({
  id: z.number(),
  name: z.string(),
  email: z.string(),
  role: z.enum(ROLES),
  disabled: z.boolean(),
  lockedUntil: z.string().nullable(),
  hasPassword: z.boolean(),
  ssoLinked: z.boolean().describe('Bound to an identity provider subject by a first single sign-on'),
  lastSignInAt: z.string().nullable(),
  createdAt: z.string(),
});
const staffView = (s: StaffView, now: Date) => ({
  ...s,
  lockedUntil: s.lockedUntil && s.lockedUntil > now ? s.lockedUntil.toISOString() : null,
  lastSignInAt: iso(s.lastSignInAt),
  createdAt: s.createdAt.toISOString(),
});
const linkOut = z.object({
  passwordLink: z.string().describe('Single-use link to set the password; shown once'),
  expiresAt: z.string(),
});
const tokenOut = z.object({
  id: z.number(),
  label: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
const staffChange = z
  .strictObject({
    role: z.enum(ROLES, { error: 'role must be editor, approver or admin' }).optional(),
    disabled: z.boolean({ error: 'disabled must be true or false' }).optional(),
  })
  .refine((b) => b.role !== undefined || b.disabled !== undefined, {
    message: 'send role, disabled or both',
  });
/** Ends a transaction whose first change went through but whose second was refused. */
class Refused extends Error {
  readonly outcome: Exclude<StaffChangeOutcome, { type: 'changed' | 'unchanged' }>;
  constructor(outcome: Refused['outcome']) {
    super(outcome.type);
    this.outcome = outcome;
  }
}
const LAST_ADMIN = 'this is the last enabled admin: make another admin first';

const tokenParams = z.object({
  id: z.coerce.number().int().positive(),
  tokenId: z.coerce.number().int().positive(),
});

/** Staff accounts, roles, single sign-on links, password links and API tokens (admins). */
export const staffRoutes: Mount = (app, deps) => {
  const admin = requireStaff(deps, 'admin');
  const actor = (c: { get(key: 'staff'): Parameters<typeof actorOf>[0] }) => actorOf(c.get('staff'));
  const now = () => deps.clock.now();
  const link = (l: { secret: string; expiresAt: Date }) => ({
    passwordLink: new URL(passwordLinkPath(l.secret), deps.config.PUBLIC_URL).href,
    expiresAt: l.expiresAt.toISOString(),
  });
  const base = { tags: ['staff'], security: staffAuth, middleware: [admin] };

  app.openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/api/staff',
      summary: 'List staff accounts with role, state and last sign-in',
      responses: { 200: json(z.object({ staff: z.array(staffOut) }), 'Staff'), ...common },
    }),
    async (c) => c.json({ staff: (await listStaff(deps.db)).map((s) => staffView(s, now())) }, 200),
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/api/staff',
      summary: 'Add a staff member; the answer carries their single-use link to set a password',
      request: jsonBody(newStaffInput),
      responses: {
        201: json(staffOut.extend(linkOut.shape), 'Created'),
        ...common,
        409: json(errorBody, 'A staff account with that email exists'),
      },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const outcome = await deps.db.transaction((tx) => createStaff(tx, input, actor(c), now()));
      if (outcome.type === 'duplicate')
        return problem(c, 409, 'conflict', 'a staff account with that email exists');
      const created = (await findStaff(deps.db, outcome.id))!;
      return c.json({ ...staffView(created, now()), ...link(outcome.link) }, 201);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'patch',
      path: '/api/staff/{id}',
      summary: 'Change a staff member’s role, or disable (ending sessions, revoking tokens) or enable them',
      request: { params: idParam, ...jsonBody(staffChange) },
      responses: {
        200: json(staffOut, 'Updated'),
        ...common,
        404: json(errorBody, 'No such staff account'),
        409: json(errorBody, 'The last enabled admin cannot be demoted or disabled'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const change = c.req.valid('json');
      try {
        await deps.db.transaction(async (tx) => {
          for (const outcome of [
            change.role === undefined ? undefined : await changeRole(tx, id, change.role, actor(c)),
            change.disabled === undefined
              ? undefined
              : await setDisabled(tx, id, change.disabled, actor(c), now()),
          ]) {
            if (outcome?.type === 'not-found' || outcome?.type === 'last-admin') throw new Refused(outcome);
          }
        });
      } catch (error) {
        if (!(error instanceof Refused)) throw error;
        if (error.outcome.type === 'not-found') return problem(c, 404, 'not_found', `no staff account ${id}`);
        return problem(c, 409, 'conflict', LAST_ADMIN);
      }
      return c.json(staffView((await findStaff(deps.db, id))!, now()), 200);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/api/staff/{id}/unlock',
      summary: 'Lift the lock after repeated failed sign-ins',
      request: { params: idParam },
      responses: {
        200: json(staffOut, 'Unlocked'),
        ...common,
        404: json(errorBody, 'No such staff account'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const outcome = await deps.db.transaction((tx) => unlockStaff(tx, id, actor(c)));
      if (outcome.type === 'not-found') return problem(c, 404, 'not_found', `no staff account ${id}`);
      return c.json(staffView((await findStaff(deps.db, id))!, now()), 200);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'delete',
      path: '/api/staff/{id}/oidc-subject',
      summary:
        'Unlink single sign-on: forget the identity provider subject, so the next single sign-on links the account again',
      request: { params: idParam },
      responses: {
        200: json(staffOut, 'Unlinked (or was not linked)'),
        ...common,
        404: json(errorBody, 'No such staff account'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const outcome = await deps.db.transaction((tx) => unlinkOidc(tx, id, actor(c)));
      if (outcome.type === 'not-found') return problem(c, 404, 'not_found', `no staff account ${id}`);
      return c.json(staffView((await findStaff(deps.db, id))!, now()), 200);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/api/staff/{id}/password-link',
      summary: 'A new single-use link to set a password (earlier unused links stop working)',
      request: { params: idParam },
      responses: {
        201: json(linkOut, 'Issued'),
        ...common,
        404: json(errorBody, 'No such enabled staff account'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const issued = await deps.db.transaction((tx) => newPasswordLink(tx, id, actor(c), now()));
      if (!issued) return problem(c, 404, 'not_found', `no enabled staff account ${id}`);
      return c.json(link(issued), 201);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/api/staff/{id}/tokens',
      summary: 'A staff member’s API tokens (never the tokens themselves)',
      request: { params: idParam },
      responses: {
        200: json(z.object({ tokens: z.array(tokenOut) }), 'Tokens'),
        ...common,
        404: json(errorBody, 'No such staff account'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      if (!(await findStaff(deps.db, id))) return problem(c, 404, 'not_found', `no staff account ${id}`);
      const tokens = await listStaffTokens(deps.db, id);
      return c.json(
        {
          tokens: tokens.map((t) => ({
            ...t,
            createdAt: t.createdAt.toISOString(),
            lastUsedAt: iso(t.lastUsedAt),
            revokedAt: iso(t.revokedAt),
          })),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/api/staff/{id}/tokens',
      summary: 'Issue an API token for a staff member (shown once)',
      request: {
        params: idParam,
        ...jsonBody(
          z.strictObject({
            label: z
              .string()
              .trim()
              .min(1, 'label must not be empty')
              .max(100, 'label must be at most 100 characters'),
          }),
        ),
      },
      responses: {
        201: json(z.object({ id: z.number(), label: z.string(), token: z.string() }), 'Issued'),
        ...common,
        404: json(errorBody, 'No such enabled staff account'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { label } = c.req.valid('json');
      const issued = await deps.db.transaction((tx) => issueToken(tx, id, label, actor(c)));
      if (!issued) return problem(c, 404, 'not_found', `no enabled staff account ${id}`);
      return c.json(issued, 201);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'delete',
      path: '/api/staff/{id}/tokens/{tokenId}',
      summary: 'Revoke a staff member’s API token',
      request: { params: tokenParams },
      responses: {
        200: json(z.object({ revoked: z.literal(true) }), 'Revoked'),
        ...common,
        404: json(errorBody, 'No such live token'),
      },
    }),
    async (c) => {
      const { id, tokenId } = c.req.valid('param');
      const done = await deps.db.transaction((tx) => revokeToken(tx, id, tokenId, actor(c), now()));
      if (!done) return problem(c, 404, 'not_found', `no live token ${tokenId} of staff account ${id}`);
      return c.json({ revoked: true as const }, 200);
    },
  );
};
