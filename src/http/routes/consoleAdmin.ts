import type { OpenAPIHono } from '@hono/zod-openapi';
import {
  AUDIT_PAGE,
  auditPage,
  contractOverview,
  queueHealth,
  recentDisclosures,
  recentMisuseAlerts,
} from '../../console/adminQueries.ts';
import type { Deps } from '../../deps.ts';
import type { AppEnv } from '../auth.ts';
import { adminHomePage, auditPageView, contractsPage, queuesPage } from '../views/console/admin.ts';
import type { ConsoleKit } from './consoleKit.ts';

/** Administration (partners are in consoleAdminPartners.ts): contracts and disclosures, the audit log, queue health. Admins only. */
export function consoleAdminRoutes(app: OpenAPIHono<AppEnv>, deps: Deps, kit: ConsoleKit) {
  app.get('/console/admin', async (c) => {
    const viewer = await kit.page(c, 'admin');
    if (viewer instanceof Response) return viewer;
    return kit.render(c, adminHomePage(viewer));
  });

  app.get('/console/admin/contracts', async (c) => {
    const viewer = await kit.page(c, 'admin');
    if (viewer instanceof Response) return viewer;
    const [contracts, disclosures, alerts] = await Promise.all([
      contractOverview(deps.db),
      recentDisclosures(deps.db),
      recentMisuseAlerts(deps.db),
    ]);
    return kit.render(c, contractsPage({ viewer, contracts, disclosures, alerts, now: deps.clock.now() }));
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
}
