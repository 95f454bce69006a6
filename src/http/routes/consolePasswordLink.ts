import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Deps } from '../../deps.ts';
import { passwordLinkHolder, passwordLinkPath, usePasswordLink } from '../../staff/passwordLink.ts';
import type { AppEnv } from '../auth.ts';
import { passwordLinkGonePage, passwordLinkPage } from '../views/console/passwordLink.ts';
import type { ConsoleKit } from './consoleKit.ts';

/**
 * The page a single-use password link opens (public: the link is the
 * credential). Opening it changes nothing, so a mail scanner that fetches
 * links does not spend it; only the form post does.
 */
export function consolePasswordLinkRoutes(app: OpenAPIHono<AppEnv>, deps: Deps, kit: ConsoleKit) {
  const path = '/console/password-link/:secret{[A-Za-z0-9_-]{1,100}}';

  app.get(path, async (c) => {
    const secret = c.req.param('secret');
    const holder = await passwordLinkHolder(deps.db, secret, deps.clock.now());
    if (!holder) return kit.render(c, passwordLinkGonePage(), 404);
    return kit.render(c, passwordLinkPage({ action: passwordLinkPath(secret), holder }));
  });

  app.post(path, async (c) => {
    const secret = c.req.param('secret');
    const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    // Passwords are taken as typed: spaces count.
    const password = typeof body.password === 'string' ? body.password : '';
    const confirm = typeof body.confirm === 'string' ? body.confirm : '';
    const holder = await passwordLinkHolder(deps.db, secret, deps.clock.now());
    if (!holder) return kit.render(c, passwordLinkGonePage(), 404);
    const again = (error: string) =>
      kit.render(c, passwordLinkPage({ action: passwordLinkPath(secret), holder, error }), 400);
    if (password !== confirm) return again('The two passwords differ.');
    const outcome = await usePasswordLink(deps.db, secret, password, deps.clock.now());
    if (outcome.type === 'weak') return again(`Choose a stronger password: ${outcome.message}.`);
    if (outcome.type === 'invalid') return kit.render(c, passwordLinkGonePage(), 404);
    return c.redirect('/console/sign-in?done=password-set', 303);
  });
}
