import { readFileSync } from 'node:fs';
import { csrf } from 'hono/csrf';
import type { Mount } from '../app.ts';
import { consoleAdminRoutes } from './consoleAdmin.ts';
import { consoleAdminPartnerRoutes } from './consoleAdminPartners.ts';
import { consoleAuthRoutes } from './consoleAuth.ts';
import { consoleCampaignRoutes } from './consoleCampaigns.ts';
import { consoleKit } from './consoleKit.ts';
import { consoleMemberRoutes } from './consoleMembers.ts';
import { consoleOfferRoutes } from './consoleOffers.ts';
import { consoleOidcRoutes } from './consoleOidc.ts';

const STATIC: Record<string, { type: string; body: string }> = {
  'console.css': { type: 'text/css; charset=utf-8', body: readStatic('console.css') },
  'console.js': { type: 'text/javascript; charset=utf-8', body: readStatic('console.js') },
};

function readStatic(name: string): string {
  return readFileSync(new URL(`../static/${name}`, import.meta.url), 'utf8');
}

/**
 * The staff console: server-rendered pages over the domain functions, for
 * people who do not use curl. Every page works without JavaScript; a small
 * script from /static adds a live audience count and a live progress bar.
 *
 * Forms are protected twice: the session's CSRF token in every form, and an
 * Origin check (hono/csrf) on every console post.
 */
export const consoleRoutes: Mount = (app, deps) => {
  const publicOrigin = new URL(deps.config.PUBLIC_URL).origin;
  app.use(
    '/console/*',
    csrf({ origin: (origin, c) => origin === publicOrigin || origin === new URL(c.req.url).origin }),
  );

  app.get('/static/:file{[a-z]+\\.(css|js)}', (c) => {
    const file = STATIC[c.req.param('file')];
    if (!file) return c.notFound();
    c.header('Content-Type', file.type);
    c.header('Cache-Control', 'public, max-age=300');
    return c.body(file.body);
  });

  const kit = consoleKit(deps);
  consoleAuthRoutes(app, deps, kit);
  consoleOidcRoutes(app, deps, kit);
  consoleCampaignRoutes(app, deps, kit);
  consoleMemberRoutes(app, deps, kit);
  consoleOfferRoutes(app, deps, kit);
  consoleAdminRoutes(app, deps, kit);
  consoleAdminPartnerRoutes(app, deps, kit);
};
