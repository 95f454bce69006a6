import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Deps } from '../../deps.ts';
import { emailAddress } from '../../members/email.ts';
import { listPartners } from '../../partners/partnerAdmin.ts';
import {
  createPartnerUser,
  issueSetupLink,
  listPartnerUsers,
  type SetupLink,
  setPartnerUserDisabled,
  setupLinkUrl,
} from '../../partners/partnerUsers.ts';
import type { AppEnv } from '../auth.ts';
import { partnerUsersPage } from '../views/console/adminPartnerUsers.ts';
import { notFoundPage, type Viewer } from '../views/console/layout.ts';
import { type ConsoleKit, str } from './consoleKit.ts';

/** A row id from the path; beyond what a bigint column holds it is no id at all. */
const idOf = (v: string | undefined) => {
  const n = Number(v);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
};

/** A partner's portal users: adding one, issuing set-password links, disabling and enabling. Admins only. */
export function consoleAdminPartnerUserRoutes(app: OpenAPIHono<AppEnv>, deps: Deps, kit: ConsoleKit) {
  const now = () => deps.clock.now();
  const actor = (viewer: Viewer) => `staff:${viewer.staff.id}`;
  const partnerOf = async (c: Context) => {
    const id = idOf(c.req.param('id'));
    return (await listPartners(deps.db)).find((p) => p.id === id);
  };

  const show = async (
    c: Context,
    viewer: Viewer,
    opts: {
      errors?: Record<string, string>;
      form?: { name: string; email: string };
      newLink?: { userName: string; link: SetupLink };
    } = {},
    status: 200 | 400 = 200,
  ) => {
    const partner = await partnerOf(c);
    if (!partner) return kit.render(c, notFoundPage(viewer, 'partner'), 404);
    return kit.render(
      c,
      partnerUsersPage({
        viewer,
        partner,
        users: await listPartnerUsers(deps.db, partner.id, now()),
        errors: opts.errors ?? {},
        form: opts.form ?? { name: '', email: '' },
        newLink: opts.newLink && {
          userName: opts.newLink.userName,
          url: setupLinkUrl(deps.config.PUBLIC_URL, opts.newLink.link.token),
          expiresAt: opts.newLink.link.expiresAt,
        },
        notice: kit.notice(c),
      }),
      status,
    );
  };

  app.get('/console/admin/partners/:id{[0-9]{1,15}}/users', async (c) => {
    const viewer = await kit.page(c, 'admin');
    if (viewer instanceof Response) return viewer;
    return show(c, viewer);
  });

  app.post('/console/admin/partners/:id{[0-9]{1,15}}/users', async (c) => {
    const posted = await kit.form(c, 'admin');
    if (posted instanceof Response) return posted;
    const form = { name: str(posted.form, 'name'), email: str(posted.form, 'email') };
    const errors: Record<string, string> = {};
    if (!form.name || form.name.length > 200) errors.name = 'a name of 1 to 200 characters';
    if (!emailAddress.safeParse(form.email).success) errors.email = 'a valid email address';
    if (Object.keys(errors).length > 0) return show(c, posted.viewer, { errors, form }, 400);
    const partnerId = idOf(c.req.param('id'));
    if (partnerId === undefined) return kit.render(c, notFoundPage(posted.viewer, 'partner'), 404);
    const outcome = await deps.db.transaction((tx) =>
      createPartnerUser(tx, { partnerId, ...form }, actor(posted.viewer), now()),
    );
    if (outcome.type === 'no-partner') return kit.render(c, notFoundPage(posted.viewer, 'partner'), 404);
    if (outcome.type === 'duplicate') {
      const errors = { email: 'a portal user has this email address already' };
      return show(c, posted.viewer, { errors, form }, 400);
    }
    // The link is shown in this answer only (not after a redirect): only its hash is stored.
    return show(c, posted.viewer, { newLink: { userName: outcome.user.name, link: outcome.link } });
  });

  app.post('/console/admin/partners/:id{[0-9]{1,15}}/users/:userId{[0-9]{1,15}}/link', async (c) => {
    const posted = await kit.form(c, 'admin');
    if (posted instanceof Response) return posted;
    const partnerId = idOf(c.req.param('id'));
    const userId = idOf(c.req.param('userId'));
    const issued =
      partnerId === undefined || userId === undefined
        ? undefined
        : await deps.db.transaction((tx) =>
            issueSetupLink(tx, partnerId, userId, actor(posted.viewer), now()),
          );
    if (!issued) return kit.render(c, notFoundPage(posted.viewer, 'portal user'), 404);
    return show(c, posted.viewer, { newLink: { userName: issued.user.name, link: issued.link } });
  });

  for (const action of ['disable', 'enable'] as const) {
    app.post(`/console/admin/partners/:id{[0-9]{1,15}}/users/:userId{[0-9]{1,15}}/${action}`, async (c) => {
      const posted = await kit.form(c, 'admin');
      if (posted instanceof Response) return posted;
      const partnerId = idOf(c.req.param('id'));
      const userId = idOf(c.req.param('userId'));
      const updated =
        partnerId === undefined || userId === undefined
          ? undefined
          : await deps.db.transaction((tx) =>
              setPartnerUserDisabled(
                tx,
                partnerId,
                userId,
                action === 'disable',
                actor(posted.viewer),
                now(),
              ),
            );
      if (!updated) return kit.render(c, notFoundPage(posted.viewer, 'portal user'), 404);
      return c.redirect(`/console/admin/partners/${partnerId}/users?done=user-${action}d`, 303);
    });
  }
}
