import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, getCookie } from 'hono/cookie';
import { closeStaffSession, STAFF_SESSION_COOKIE } from '../../console/sessions.ts';
import { setStaffPassword } from '../../console/setPassword.ts';
import { signIn } from '../../console/signIn.ts';
import type { Deps } from '../../deps.ts';
import { principalForToken } from '../../staff/staffUsers.ts';
import type { AppEnv } from '../auth.ts';
import { firstSignInPage, signInPage } from '../views/console/signIn.ts';
import { type ConsoleKit, safeNext, setStaffSessionCookie } from './consoleKit.ts';

/** Sign-in, sign-out and setting a first password with an API token. */
export function consoleAuthRoutes(app: OpenAPIHono<AppEnv>, deps: Deps, kit: ConsoleKit) {
  const secure = deps.config.PUBLIC_URL.startsWith('https:');
  const now = () => deps.clock.now();
  const sso = deps.config.OIDC_ISSUER ? deps.config.OIDC_LABEL : undefined;

  app.get('/console', (c) => c.redirect('/console/campaigns', 303));

  app.get('/console/sign-in', async (c) => {
    if (await kit.viewer(c)) return c.redirect(safeNext(c.req.query('next')), 303);
    return kit.render(c, signInPage({ sso, next: c.req.query('next'), notice: kit.notice(c) }));
  });

  app.post('/console/sign-in', async (c) => {
    const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const email = typeof body.email === 'string' ? body.email.slice(0, 254) : '';
    const password = typeof body.password === 'string' ? body.password.slice(0, 1024) : '';
    const next = typeof body.next === 'string' ? body.next : undefined;
    if (!email || !password) {
      return kit.render(
        c,
        signInPage({ sso, error: 'Enter your email address and password.', email, next }),
        400,
      );
    }
    const outcome = await signIn(deps.db, { email, password }, now());
    if (outcome.type === 'locked') {
      const minutes = Math.max(1, Math.ceil((outcome.until.getTime() - now().getTime()) / 60_000));
      const error = `Too many failed attempts: this account is locked for ${minutes} more minute${minutes === 1 ? '' : 's'}. Try again later, or ask an administrator.`;
      return kit.render(c, signInPage({ sso, error, email, next }), 403);
    }
    if (outcome.type === 'refused') {
      return kit.render(
        c,
        signInPage({ sso, error: 'That email address and password do not match.', email, next }),
        403,
      );
    }
    setStaffSessionCookie(c, outcome.sessionId, secure);
    return c.redirect(safeNext(next), 303);
  });

  app.post('/console/sign-out', async (c) => {
    const posted = await kit.form(c, 'editor');
    if (posted instanceof Response) return posted;
    await closeStaffSession(deps.db, getCookie(c, STAFF_SESSION_COOKIE)!);
    deleteCookie(c, STAFF_SESSION_COOKIE, { path: '/', secure });
    return c.redirect('/console/sign-in?done=signed-out', 303);
  });

  app.get('/console/first-sign-in', (c) => kit.render(c, firstSignInPage({})));

  app.post('/console/first-sign-in', async (c: Context) => {
    const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const text = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
    // Passwords are taken as typed: spaces count.
    const form = { token: text('token').trim(), password: text('password'), confirm: text('confirm') };
    const principal = /^[A-Za-z0-9_-]{10,200}$/.test(form.token)
      ? await principalForToken(deps.db, form.token)
      : null;
    if (principal?.kind !== 'staff') {
      return kit.render(c, firstSignInPage({ error: 'That is not a valid staff API token.' }), 403);
    }
    if (form.password !== form.confirm) {
      return kit.render(c, firstSignInPage({ error: 'The two passwords differ.' }), 400);
    }
    const outcome = await setStaffPassword(
      deps.db,
      { id: principal.id },
      form.password,
      `staff:${principal.id}`,
    );
    if (outcome.type === 'weak') {
      return kit.render(
        c,
        firstSignInPage({ error: `Choose a stronger password: ${outcome.message}.` }),
        400,
      );
    }
    return c.redirect('/console/sign-in?done=password-set', 303);
  });
}
