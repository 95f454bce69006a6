import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Deps } from '../../deps.ts';
import { emailAddress } from '../../members/email.ts';
import {
  createPartner,
  issueKey,
  listKeys,
  listPartners,
  revokeKey,
  setPartnerStatus,
} from '../../partners/partnerAdmin.ts';
import { listPartnerUsers } from '../../partners/partnerUsers.ts';
import type { AppEnv } from '../auth.ts';
import { partnersPage } from '../views/console/adminPartners.ts';
import { notFoundPage, type Viewer } from '../views/console/layout.ts';
import { consoleAdminPartnerUserRoutes } from './consoleAdminPartnerUsers.ts';
import { type ConsoleKit, str } from './consoleKit.ts';

/**
 * Administration of partners: adding, suspending, issuing and revoking their
 * keys, and (see consoleAdminPartnerUsers.ts) their portal users. Admins only.
 */
export function consoleAdminPartnerRoutes(app: OpenAPIHono<AppEnv>, deps: Deps, kit: ConsoleKit) {
  const showPartners = async (
    c: Context,
    viewer: Viewer,
    opts: {
      errors?: Record<string, string>;
      form?: { name: string; contactEmail: string };
      newKey?: { partnerName: string; key: string };
    } = {},
    status: 200 | 400 = 200,
  ) => {
    const partners = [];
    for (const p of await listPartners(deps.db)) {
      const users = await listPartnerUsers(deps.db, p.id, deps.clock.now());
      partners.push({ ...p, keys: await listKeys(deps.db, p.id), userCount: users.length });
    }
    return kit.render(
      c,
      partnersPage({
        viewer,
        partners,
        errors: opts.errors ?? {},
        form: opts.form ?? { name: '', contactEmail: '' },
        newKey: opts.newKey,
        notice: kit.notice(c),
      }),
      status,
    );
  };

  app.get('/console/admin/partners', async (c) => {
    const viewer = await kit.page(c, 'admin');
    if (viewer instanceof Response) return viewer;
    return showPartners(c, viewer);
  });

  app.post('/console/admin/partners', async (c) => {
    const posted = await kit.form(c, 'admin');
    if (posted instanceof Response) return posted;
    const form = { name: str(posted.form, 'name'), contactEmail: str(posted.form, 'contactEmail') };
    const errors: Record<string, string> = {};
    if (!form.name || form.name.length > 200) errors.name = 'a name of 1 to 200 characters';
    if (!emailAddress.safeParse(form.contactEmail).success) errors.contactEmail = 'a valid email address';
    if (Object.keys(errors).length > 0) return showPartners(c, posted.viewer, { errors, form }, 400);
    const outcome = await deps.db.transaction((tx) =>
      createPartner(tx, { ...form, status: 'approved' }, `staff:${posted.viewer.staff.id}`),
    );
    if (outcome.type === 'duplicate') {
      return showPartners(
        c,
        posted.viewer,
        { errors: { name: 'a partner has this name already' }, form },
        400,
      );
    }
    return c.redirect('/console/admin/partners?done=partner-created', 303);
  });

  app.post('/console/admin/partners/:id{[0-9]{1,15}}/status', async (c) => {
    const posted = await kit.form(c, 'admin');
    if (posted instanceof Response) return posted;
    const status = str(posted.form, 'status');
    if (status !== 'approved' && status !== 'suspended') return showPartners(c, posted.viewer, {}, 400);
    const updated = await deps.db.transaction((tx) =>
      setPartnerStatus(tx, Number(c.req.param('id')), status, `staff:${posted.viewer.staff.id}`),
    );
    if (!updated) return kit.render(c, notFoundPage(posted.viewer, 'partner'), 404);
    return c.redirect('/console/admin/partners?done=partner-status', 303);
  });

  app.post('/console/admin/partners/:id{[0-9]{1,15}}/keys', async (c) => {
    const posted = await kit.form(c, 'admin');
    if (posted instanceof Response) return posted;
    const label = str(posted.form, 'label').slice(0, 100) || 'api';
    const id = Number(c.req.param('id'));
    const issued = await deps.db.transaction((tx) =>
      issueKey(tx, id, label, `staff:${posted.viewer.staff.id}`),
    );
    if (!issued) return kit.render(c, notFoundPage(posted.viewer, 'partner'), 404);
    const partner = (await listPartners(deps.db)).find((p) => p.id === id)!;
    // The key is shown in this answer only (not after a redirect): it is never stored in clear.
    return showPartners(c, posted.viewer, { newKey: { partnerName: partner.name, key: issued.key } });
  });

  app.post('/console/admin/partners/:id{[0-9]{1,15}}/keys/:keyId{[0-9]{1,15}}/revoke', async (c) => {
    const posted = await kit.form(c, 'admin');
    if (posted instanceof Response) return posted;
    const revoked = await deps.db.transaction((tx) =>
      revokeKey(
        tx,
        Number(c.req.param('id')),
        Number(c.req.param('keyId')),
        `staff:${posted.viewer.staff.id}`,
      ),
    );
    if (!revoked) return kit.render(c, notFoundPage(posted.viewer, 'live key'), 404);
    return c.redirect('/console/admin/partners?done=key-revoked', 303);
  });

  consoleAdminPartnerUserRoutes(app, deps, kit);
}
