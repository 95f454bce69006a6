import type { OpenAPIHono } from '@hono/zod-openapi';
import { AUDIT_PAGE, auditPage, queueHealth } from '../../console/adminQueries.ts';
import type { Deps } from '../../deps.ts';
import type { AppEnv } from '../auth.ts';
import { adminHomePage, auditPageView, queuesPage } from '../views/console/admin.ts';
import { consoleAdminContractRoutes } from './consoleAdminContracts.ts';
import { consoleAdminStaffRoutes } from './consoleAdminStaff.ts';
import type { ConsoleKit } from './consoleKit.ts';
import { consolePasswordLinkRoutes } from './consolePasswordLink.ts';

/**
 * Administration (partners are in consoleAdminPartners.ts): the home page,
 * the audit log and queue health here; staff, contracts and seeds in their
 * own files, with the public page a new colleague's password link opens.
 * Admins only, but for that page.
 */
export function consoleAdminRoutes(app: OpenAPIHono<AppEnv>, deps: Deps, kit: ConsoleKit) {
  app.get('/console/admin', async (c) => {
    const viewer = await kit.page(c, 'admin');
    if (viewer instanceof Response) return viewer;
    return kit.render(c, adminHomePage(viewer));
  });

  app.get('/console/admin/audit', async (c) => {
    const viewer = await kit.page(c, 'admin');
    if (viewer instanceof Response) return viewer;
    const before = Number(c.req.query('before'));
    const rows = await auditPage(deps.db, Number.isSafeInteger(before) && before > 0 ? before : undefined);
    return kit.render(c, auditPageView(viewer, rows, rows.length === AUDIT_PAGE ? rows.at(-1)!.id : null));
  });

  app.get('/console/admin/queues', async (c) => {
    const viewer = await kit.page(c, 'admin');
    if (viewer instanceof Response) return viewer;
    return kit.render(c, queuesPage(viewer, await queueHealth(deps.db)));
  });

  consoleAdminStaffRoutes(app, deps, kit);
  consoleAdminContractRoutes(app, deps, kit);
  consolePasswordLinkRoutes(app, deps, kit);
}
