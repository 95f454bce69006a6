import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { OidcRefusal } from '../../console/oidcAccount.ts';
import { type OidcTrouble, oidcClient } from '../../console/oidcClient.ts';
import { decodeFlow, encodeFlow, OIDC_FLOW_COOKIE, OIDC_FLOW_SECONDS } from '../../console/oidcFlow.ts';
import { signInWithOidc } from '../../console/oidcSignIn.ts';
import type { Deps } from '../../deps.ts';
import type { AppEnv } from '../auth.ts';
import { signInPage } from '../views/console/signIn.ts';
import { type ConsoleKit, safeNext, setStaffSessionCookie } from './consoleKit.ts';

const FLOW_PATH = '/console/sign-in/oidc';

const TROUBLE: Record<OidcTrouble['type'], { status: 400 | 403 | 502; message: string }> = {
  unreachable: {
    status: 502,
    message:
      'Single sign-on is not available right now: the identity provider did not answer. Try again in a few minutes, or sign in with your password.',
  },
  declined: {
    status: 403,
    message:
      'The identity provider did not sign you in: it was cancelled or refused there. Start again, or sign in with your password.',
  },
  invalid: {
    status: 400,
    message: 'The identity provider’s answer could not be verified, so nobody was signed in. Start again.',
  },
};

const NO_ACCOUNT =
  'No enabled staff account has the email address your identity provider gave. Ask an administrator: staff accounts are created in the console, not by signing in.';
const REFUSED: Record<OidcRefusal, string> = {
  'no-email':
    'Your identity provider did not share your email address, so no staff account could be found for you.',
  'email-unverified':
    'Your identity provider has not verified your email address, so it cannot sign you in here. Verify it there, then start again.',
  unknown: NO_ACCOUNT,
  disabled: NO_ACCOUNT,
  'subject-mismatch':
    'This staff account is linked to a different identity at your identity provider, so this one cannot open it. Ask an administrator.',
  'subject-elsewhere':
    'Your identity at the identity provider is already linked to another staff account. Ask an administrator.',
};

const EXPIRED = 'This sign-in expired or was not started in this browser. Start again.';

/**
 * OpenID Connect single sign-on for the console, when OIDC_ISSUER is set:
 * GET /console/sign-in/oidc leaves for the provider, and the provider sends
 * the browser back to /console/sign-in/oidc/callback. A success opens the
 * same session a password sign-in does.
 */
export function consoleOidcRoutes(app: OpenAPIHono<AppEnv>, deps: Deps, kit: ConsoleKit) {
  const { OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_LABEL, PUBLIC_URL } = deps.config;
  if (!OIDC_ISSUER || !OIDC_CLIENT_ID || !OIDC_CLIENT_SECRET) return;
  const client = oidcClient({
    issuer: OIDC_ISSUER,
    clientId: OIDC_CLIENT_ID,
    clientSecret: OIDC_CLIENT_SECRET,
    redirectUri: `${PUBLIC_URL}${FLOW_PATH}/callback`,
  });
  const secure = PUBLIC_URL.startsWith('https:');
  const log = deps.log.child({ component: 'console-sso' });

  const page = (c: Context, status: 400 | 403 | 502, error: string, next?: string) =>
    kit.render(c, signInPage({ sso: OIDC_LABEL, error, ...(next ? { next } : {}) }), status);

  const trouble = (c: Context, t: OidcTrouble, next?: string) => {
    const cause = t.cause instanceof Error ? `${t.cause.name}: ${t.cause.message}` : String(t.cause);
    log.warn({ trouble: t.type, cause }, 'single sign-on failed');
    return page(c, TROUBLE[t.type].status, TROUBLE[t.type].message, next);
  };

  app.get(FLOW_PATH, async (c) => {
    const next = safeNext(c.req.query('next'));
    const started = await client.start(next);
    if (started.type !== 'redirect') return trouble(c, started, next);
    setCookie(c, OIDC_FLOW_COOKIE, encodeFlow(started.flow), {
      httpOnly: true,
      sameSite: 'Lax',
      secure,
      path: FLOW_PATH,
      maxAge: OIDC_FLOW_SECONDS,
    });
    c.header('Cache-Control', 'no-store');
    return c.redirect(started.url, 303);
  });

  app.get(`${FLOW_PATH}/callback`, async (c) => {
    const flow = decodeFlow(getCookie(c, OIDC_FLOW_COOKIE));
    // One use only, whatever happens next.
    deleteCookie(c, OIDC_FLOW_COOKIE, { path: FLOW_PATH, secure });
    const query = new URL(c.req.url).searchParams;
    if (!flow || query.get('state') !== flow.state) return page(c, 400, EXPIRED);
    const finished = await client.finish(query, flow);
    if (finished.type !== 'identity') return trouble(c, finished, flow.next);
    const outcome = await signInWithOidc(deps.db, finished.identity, deps.clock.now());
    if (outcome.type === 'refused') {
      log.warn({ reason: outcome.reason }, 'single sign-on refused');
      return page(c, 403, REFUSED[outcome.reason], flow.next);
    }
    setStaffSessionCookie(c, outcome.sessionId, secure);
    return c.redirect(safeNext(flow.next), 303);
  });
}
