import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { csrfMatches, STAFF_SESSION_COOKIE, STAFF_SESSION_MS, staffSession } from '../../console/sessions.ts';
import type { Deps } from '../../deps.ts';
import { hasRole, type Role } from '../../staff/roles.ts';
import { expiredFormPage, forbiddenPage, type Html, type Viewer } from '../views/console/layout.ts';

/** A submitted form: one string per field, or several for repeated fields (checkboxes). */
export type Form = Record<string, string | string[]>;

export const str = (form: Form, key: string): string => {
  const v = form[key];
  return (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim();
};
export const list = (form: Form, key: string): string[] => {
  const v = form[key];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((s) => s.trim()).filter(Boolean);
};

/**
 * What every console handler needs: who is signed in (or a redirect to the
 * sign-in page), the role check (a 403 page), and for form posts the session's
 * CSRF token check (a 403 page, nothing written).
 */
export function consoleKit(deps: Deps) {
  const viewer = async (c: Context): Promise<Viewer | null> => {
    const s = await staffSession(deps.db, getCookie(c, STAFF_SESSION_COOKIE), deps.clock.now());
    return s ? { staff: s.staff, csrfToken: s.csrfToken } : null;
  };

  const render = async (c: Context, page: Html, status: 200 | 400 | 403 | 404 | 409 | 422 | 502 = 200) => {
    c.header('Cache-Control', 'no-store');
    return c.html(await page, status);
  };

  /** The signed-in viewer with at least `role`, or the response to send instead. */
  const page = async (c: Context, role: Role): Promise<Viewer | Response> => {
    const v = await viewer(c);
    if (!v) {
      const next = new URL(c.req.url).pathname;
      return c.redirect(`/console/sign-in?next=${encodeURIComponent(next)}`, 303);
    }
    if (!hasRole(v.staff.role, role)) return render(c, forbiddenPage(v, role), 403);
    return v;
  };

  /** A form post from a signed-in viewer with `role`, carrying the session's CSRF token. */
  const form = async (c: Context, role: Role): Promise<{ viewer: Viewer; form: Form } | Response> => {
    const v = await viewer(c);
    if (!v) return c.redirect('/console/sign-in', 303);
    const body = (await c.req.parseBody({ all: true }).catch(() => ({}))) as Record<string, unknown>;
    const fields: Form = {};
    for (const [k, value] of Object.entries(body)) {
      if (typeof value === 'string') fields[k] = value;
      else if (Array.isArray(value)) fields[k] = value.filter((x): x is string => typeof x === 'string');
    }
    if (!csrfMatches(v.csrfToken, fields.csrf)) return render(c, expiredFormPage(v), 403);
    if (!hasRole(v.staff.role, role)) return render(c, forbiddenPage(v, role), 403);
    return { viewer: v, form: fields };
  };

  const notice = (c: Context) => c.req.query('done');

  return { viewer, page, form, render, notice };
}

export type ConsoleKit = ReturnType<typeof consoleKit>;

/**
 * Hands the browser a freshly opened console session, whichever way the
 * staff member signed in. Lax, not Strict: a link into the console from a
 * mail, and the return from the identity provider, are cross-site
 * navigations that must carry it.
 */
export function setStaffSessionCookie(c: Context, sessionId: string, secure: boolean) {
  setCookie(c, STAFF_SESSION_COOKIE, sessionId, {
    httpOnly: true,
    sameSite: 'Lax',
    secure,
    path: '/',
    maxAge: STAFF_SESSION_MS / 1000,
  });
}

/** Where to go after signing in: only a console path of ours, never another site. */
export function safeNext(next: string | undefined): string {
  return next && /^\/console(\/[A-Za-z0-9/_?=&.-]*)?$/.test(next) ? next : '/console/campaigns';
}
