import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Deps } from '../../deps.ts';
import { passwordLinkPath } from '../../staff/passwordLink.ts';
import { ROLES, type Role } from '../../staff/roles.ts';
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
  setDisabled,
  unlinkOidc,
  unlockStaff,
} from '../../staff/staffAdmin.ts';
import type { AppEnv } from '../auth.ts';
import {
  lastAdminMessage,
  type ShownOnce,
  staffDetailPage,
  staffListPage,
} from '../views/console/adminStaff.ts';
import { notFoundPage, type Viewer } from '../views/console/layout.ts';
import { fieldErrors, rowId } from './consoleAdminForms.ts';
import { type ConsoleKit, str } from './consoleKit.ts';

/** Staff administration: accounts, roles, access, single sign-on, password links and API tokens. Admins only. */
export function consoleAdminStaffRoutes(app: OpenAPIHono<AppEnv>, deps: Deps, kit: ConsoleKit) {
  const now = () => deps.clock.now();
  const actor = (v: Viewer) => `staff:${v.staff.id}`;
  const linkUrl = (secret: string) => new URL(passwordLinkPath(secret), deps.config.PUBLIC_URL).href;
  const idOf = (c: Context) => rowId(c.req.param('id'));

  const showList = async (
    c: Context,
    viewer: Viewer,
    extra: Partial<Parameters<typeof staffListPage>[0]> = {},
    status: 200 | 400 = 200,
  ) =>
    kit.render(c, staffListPage({ viewer, staff: await listStaff(deps.db), now: now(), ...extra }), status);

  const showOne = async (
    c: Context,
    viewer: Viewer,
    id: number,
    extra: Partial<Parameters<typeof staffDetailPage>[0]> = {},
    status: 200 | 400 | 409 = 200,
  ) => {
    const staff = await findStaff(deps.db, id);
    if (!staff) return kit.render(c, notFoundPage(viewer, 'staff account'), 404);
    const tokens = await listStaffTokens(deps.db, id);
    return kit.render(c, staffDetailPage({ viewer, staff, tokens, now: now(), ...extra }), status);
  };

  app.get('/console/admin/staff', async (c) => {
    const viewer = await kit.page(c, 'admin');
    if (viewer instanceof Response) return viewer;
    return showList(c, viewer, { done: kit.notice(c) });
  });

  app.post('/console/admin/staff', async (c) => {
    const posted = await kit.form(c, 'admin');
    if (posted instanceof Response) return posted;
    const form = {
      name: str(posted.form, 'name'),
      email: str(posted.form, 'email'),
      role: str(posted.form, 'role'),
    };
    const parsed = newStaffInput.safeParse(form);
    if (!parsed.success) return showList(c, posted.viewer, { errors: fieldErrors(parsed.error), form }, 400);
    const outcome = await deps.db.transaction((tx) =>
      createStaff(tx, parsed.data, actor(posted.viewer), now()),
    );
    if (outcome.type === 'duplicate') {
      return showList(
        c,
        posted.viewer,
        { errors: { email: 'a staff account with this email exists' }, form },
        400,
      );
    }
    // The link is shown in this answer only (not after a redirect): it is never stored in clear.
    const shown: ShownOnce = {
      kind: 'link',
      name: parsed.data.name,
      url: linkUrl(outcome.link.secret),
      expiresAt: outcome.link.expiresAt,
    };
    return showList(c, posted.viewer, { shown });
  });

  app.get('/console/admin/staff/:id{[0-9]{1,15}}', async (c) => {
    const viewer = await kit.page(c, 'admin');
    if (viewer instanceof Response) return viewer;
    return showOne(c, viewer, idOf(c), { done: kit.notice(c) });
  });

  app.post('/console/admin/staff/:id{[0-9]{1,15}}/role', async (c) => {
    const posted = await kit.form(c, 'admin');
    if (posted instanceof Response) return posted;
    const id = idOf(c);
    const role = str(posted.form, 'role');
    if (!(ROLES as readonly string[]).includes(role)) {
      return showOne(
        c,
        posted.viewer,
        id,
        { errors: { role: 'role must be editor, approver or admin' } },
        400,
      );
    }
    const outcome = await deps.db.transaction((tx) => changeRole(tx, id, role as Role, actor(posted.viewer)));
    if (outcome.type === 'not-found') return kit.render(c, notFoundPage(posted.viewer, 'staff account'), 404);
    if (outcome.type === 'last-admin') {
      const name = (await findStaff(deps.db, id))!.name;
      return showOne(c, posted.viewer, id, { error: lastAdminMessage(name, 'demote') }, 409);
    }
    return c.redirect(`/console/admin/staff/${id}?done=role`, 303);
  });

  app.post('/console/admin/staff/:id{[0-9]{1,15}}/disabled', async (c) => {
    const posted = await kit.form(c, 'admin');
    if (posted instanceof Response) return posted;
    const id = idOf(c);
    const value = str(posted.form, 'disabled');
    if (value !== 'true' && value !== 'false') {
      return showOne(c, posted.viewer, id, { errors: { disabled: 'disabled must be true or false' } }, 400);
    }
    const disabled = value === 'true';
    const outcome = await deps.db.transaction((tx) =>
      setDisabled(tx, id, disabled, actor(posted.viewer), now()),
    );
    if (outcome.type === 'not-found') return kit.render(c, notFoundPage(posted.viewer, 'staff account'), 404);
    if (outcome.type === 'last-admin') {
      const name = (await findStaff(deps.db, id))!.name;
      return showOne(c, posted.viewer, id, { error: lastAdminMessage(name, 'disable') }, 409);
    }
    return c.redirect(`/console/admin/staff/${id}?done=${disabled ? 'disabled' : 'enabled'}`, 303);
  });

  app.post('/console/admin/staff/:id{[0-9]{1,15}}/unlock', async (c) => {
    const posted = await kit.form(c, 'admin');
    if (posted instanceof Response) return posted;
    const id = idOf(c);
    const outcome = await deps.db.transaction((tx) => unlockStaff(tx, id, actor(posted.viewer)));
    if (outcome.type === 'not-found') return kit.render(c, notFoundPage(posted.viewer, 'staff account'), 404);
    return c.redirect(`/console/admin/staff/${id}?done=unlocked`, 303);
  });

  app.post('/console/admin/staff/:id{[0-9]{1,15}}/unlink-sso', async (c) => {
    const posted = await kit.form(c, 'admin');
    if (posted instanceof Response) return posted;
    const id = idOf(c);
    const outcome = await deps.db.transaction((tx) => unlinkOidc(tx, id, actor(posted.viewer)));
    if (outcome.type === 'not-found') return kit.render(c, notFoundPage(posted.viewer, 'staff account'), 404);
    return c.redirect(`/console/admin/staff/${id}?done=sso-unlinked`, 303);
  });

  app.post('/console/admin/staff/:id{[0-9]{1,15}}/password-link', async (c) => {
    const posted = await kit.form(c, 'admin');
    if (posted instanceof Response) return posted;
    const id = idOf(c);
    const link = await deps.db.transaction((tx) => newPasswordLink(tx, id, actor(posted.viewer), now()));
    if (!link) return kit.render(c, notFoundPage(posted.viewer, 'enabled staff account'), 404);
    const name = (await findStaff(deps.db, id))!.name;
    return showOne(c, posted.viewer, id, {
      shown: { kind: 'link', name, url: linkUrl(link.secret), expiresAt: link.expiresAt },
    });
  });

  app.post('/console/admin/staff/:id{[0-9]{1,15}}/tokens', async (c) => {
    const posted = await kit.form(c, 'admin');
    if (posted instanceof Response) return posted;
    const id = idOf(c);
    const label = str(posted.form, 'label');
    if (!label || label.length > 100) {
      return showOne(c, posted.viewer, id, { errors: { label: 'label must be 1 to 100 characters' } }, 400);
    }
    const issued = await deps.db.transaction((tx) => issueToken(tx, id, label, actor(posted.viewer)));
    if (!issued) return kit.render(c, notFoundPage(posted.viewer, 'enabled staff account'), 404);
    const name = (await findStaff(deps.db, id))!.name;
    return showOne(c, posted.viewer, id, { shown: { kind: 'token', name, label, token: issued.token } });
  });

  app.post('/console/admin/staff/:id{[0-9]{1,15}}/tokens/:tokenId{[0-9]{1,15}}/revoke', async (c) => {
    const posted = await kit.form(c, 'admin');
    if (posted instanceof Response) return posted;
    const id = idOf(c);
    const tokenId = rowId(c.req.param('tokenId'));
    const done = await deps.db.transaction((tx) => revokeToken(tx, id, tokenId, actor(posted.viewer), now()));
    if (!done) return kit.render(c, notFoundPage(posted.viewer, 'live token'), 404);
    return c.redirect(`/console/admin/staff/${id}?done=token-revoked`, 303);
  });
}
