import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { csrfMatches, STAFF_SESSION_COOKIE, staffSession } from '../console/sessions.ts';
import type { Deps } from '../deps.ts';
import { hasRole, type Role } from '../staff/roles.ts';
import {
  type PartnerPrincipal,
  type Principal,
  principalForToken,
  type StaffPrincipal,
} from '../staff/staffUsers.ts';
import { problem } from './problems.ts';

export type AppEnv = {
  Variables: { principal: Principal; staff: StaffPrincipal; partner: PartnerPrincipal };
};

function bearer(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer ([A-Za-z0-9_-]{10,200})$/);
  return match?.[1];
}

async function authenticate(deps: Deps, header: string | undefined): Promise<Principal | null> {
  const token = bearer(header);
  return token ? principalForToken(deps.db, token) : null;
}

/**
 * A console session cookie stands in for a staff bearer token, with the same
 * role checks. A request that changes something must also carry the
 * session's CSRF token in `X-CSRF-Token`: a cookie is sent by the browser on
 * its own, a header only by our own pages.
 */
async function sessionPrincipal(deps: Deps, c: Context): Promise<Principal | 'csrf' | null> {
  const session = await staffSession(deps.db, getCookie(c, STAFF_SESSION_COOKIE), deps.clock.now());
  if (!session) return null;
  if (
    !/^(GET|HEAD|OPTIONS)$/.test(c.req.method) &&
    !csrfMatches(session.csrfToken, c.req.header('x-csrf-token'))
  ) {
    return 'csrf';
  }
  return session.staff;
}

const unauthenticated = { 'WWW-Authenticate': 'Bearer realm="society-mailer"' };

/** Staff routes: a live staff token whose role includes `role`. */
export function requireStaff(deps: Deps, role: Role) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization');
    const principal = header ? await authenticate(deps, header) : await sessionPrincipal(deps, c);
    if (principal === 'csrf')
      return problem(c, 403, 'csrf', 'the X-CSRF-Token header of the session is missing');
    if (!principal) {
      c.header('WWW-Authenticate', unauthenticated['WWW-Authenticate']);
      return problem(c, 401, 'unauthenticated', 'a valid staff bearer token is required');
    }
    if (principal.kind !== 'staff' || !hasRole(principal.role, role)) {
      return problem(c, 403, 'forbidden', `this needs the ${role} role`);
    }
    c.set('principal', principal);
    c.set('staff', principal);
    await next();
  });
}

/** Partner routes: a live key of an approved partner. */
export function requirePartner(deps: Deps) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const principal = await authenticate(deps, c.req.header('authorization'));
    if (!principal) {
      c.header('WWW-Authenticate', unauthenticated['WWW-Authenticate']);
      return problem(c, 401, 'unauthenticated', 'a valid partner API key is required');
    }
    if (principal.kind !== 'partner') return problem(c, 403, 'forbidden', 'this needs a partner API key');
    c.set('principal', principal);
    c.set('partner', principal);
    await next();
  });
}
