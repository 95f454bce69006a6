import { createRoute, z } from '@hono/zod-openapi';
import type { Deps } from '../../deps.ts';
import { emailAddress } from '../../members/email.ts';
import {
  createPartnerUser,
  issueSetupLink,
  listPartnerUsers,
  type SetupLink,
  setPartnerUserDisabled,
  setupLinkUrl,
} from '../../partners/partnerUsers.ts';
import { actorOf } from '../../staff/staffUsers.ts';
import type { Mount } from '../app.ts';
import { requireStaff } from '../auth.ts';
import { errorBody, json, staffAuth, staffErrors } from '../openapiKit.ts';
import { problem } from '../problems.ts';

const adminErrors = staffErrors('The token is not an admin');
const rowId = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .positive(`${name} must be positive`)
    .max(Number.MAX_SAFE_INTEGER, `${name} is too large`);
const partnerParam = z.object({ id: rowId('id') });
const userParam = partnerParam.extend({ userId: rowId('userId') });

const userOut = z
  .object({
    id: z.number(),
    partnerId: z.number(),
    email: z.string(),
    name: z.string(),
    state: z.enum(['invited', 'active', 'locked', 'disabled']),
    setupExpiresAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('PartnerUser');
const linkOut = z
  .object({ url: z.string(), expiresAt: z.string() })
  .describe('The one-time set-password link: shown in this answer only');
const withLink = z.object({ user: userOut, setupLink: linkOut });

/**
 * Portal users of partners, for admins: the API twin of the console's
 * portal-users page. Set-password links are answered once and never stored.
 */
export const partnerUserRoutes: Mount = (app, deps: Deps) => {
  const admin = requireStaff(deps, 'admin');
  const now = () => deps.clock.now();
  const link = (l: SetupLink) => ({
    url: setupLinkUrl(deps.config.PUBLIC_URL, l.token),
    expiresAt: l.expiresAt.toISOString(),
  });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/partners/{id}/users',
      summary: 'Add a portal user to a partner; answers its one-time set-password link (valid 72 hours)',
      tags: ['partners'],
      security: staffAuth,
      middleware: [admin],
      request: {
        params: partnerParam,
        body: {
          content: {
            'application/json': {
              schema: z.strictObject({
                name: z
                  .string({ error: 'name must be a string' })
                  .trim()
                  .min(1, 'name must not be empty')
                  .max(200, 'name must be at most 200 characters'),
                email: emailAddress,
              }),
            },
          },
          required: true,
        },
      },
      responses: {
        201: json(withLink, 'Created, with the set-password link'),
        ...adminErrors,
        404: json(errorBody, 'No such partner'),
        409: json(errorBody, 'A portal user has this email address'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const outcome = await deps.db.transaction((tx) =>
        createPartnerUser(tx, { partnerId: id, ...body }, actorOf(c.get('staff')), now()),
      );
      if (outcome.type === 'no-partner') return problem(c, 404, 'not_found', `no partner ${id}`);
      if (outcome.type === 'duplicate') {
        return problem(c, 409, 'conflict', 'email: a portal user has this email address already');
      }
      c.header('Cache-Control', 'no-store');
      return c.json({ user: outcome.user, setupLink: link(outcome.link) }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/partners/{id}/users',
      summary: 'List a partner’s portal users',
      tags: ['partners'],
      security: staffAuth,
      middleware: [admin],
      request: { params: partnerParam },
      responses: { 200: json(z.object({ users: z.array(userOut) }), 'Portal users'), ...adminErrors },
    }),
    async (c) => c.json({ users: await listPartnerUsers(deps.db, c.req.valid('param').id, now()) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/partners/{id}/users/{userId}/setup-link',
      summary: 'Issue a new set-password link for a portal user (earlier links stop working)',
      tags: ['partners'],
      security: staffAuth,
      middleware: [admin],
      request: { params: userParam },
      responses: {
        201: json(withLink, 'The new link'),
        ...adminErrors,
        404: json(errorBody, 'No such portal user of that partner'),
      },
    }),
    async (c) => {
      const { id, userId } = c.req.valid('param');
      const issued = await deps.db.transaction((tx) =>
        issueSetupLink(tx, id, userId, actorOf(c.get('staff')), now()),
      );
      if (!issued) return problem(c, 404, 'not_found', `partner ${id} has no portal user ${userId}`);
      c.header('Cache-Control', 'no-store');
      return c.json({ user: issued.user, setupLink: link(issued.link) }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/api/partners/{id}/users/{userId}',
      summary: 'Disable or enable a portal user (disabling ends its portal sessions)',
      tags: ['partners'],
      security: staffAuth,
      middleware: [admin],
      request: {
        params: userParam,
        body: {
          content: {
            'application/json': {
              schema: z.strictObject({ disabled: z.boolean({ error: 'disabled must be true or false' }) }),
            },
          },
          required: true,
        },
      },
      responses: {
        200: json(userOut, 'Updated'),
        ...adminErrors,
        404: json(errorBody, 'No such portal user of that partner'),
      },
    }),
    async (c) => {
      const { id, userId } = c.req.valid('param');
      const { disabled } = c.req.valid('json');
      const user = await deps.db.transaction((tx) =>
        setPartnerUserDisabled(tx, id, userId, disabled, actorOf(c.get('staff')), now()),
      );
      if (!user) return problem(c, 404, 'not_found', `partner ${id} has no portal user ${userId}`);
      return c.json(user, 200);
    },
  );
};
