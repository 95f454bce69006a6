import { setStaffPassword } from '../../src/console/setPassword.ts';
import type { Role } from '../../src/staff/roles.ts';
import type { TestApp } from '../support/app.ts';

export const PASSWORD = 'correct horse battery staple';

/** The origin `app.request` gives requests: same-origin form posts carry it. */
export const ORIGIN = 'http://localhost';

/** Posts a form as a browser would (urlencoded, same origin, with the cookie if given). */
export function post(
  t: TestApp,
  path: string,
  fields: Record<string, string | string[]>,
  cookie?: string,
  headers: Record<string, string> = {},
) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
  return t.app.request(path, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      origin: ORIGIN,
      ...(cookie ? { cookie } : {}),
      ...headers,
    },
    body,
  });
}

export function get(t: TestApp, path: string, cookie?: string) {
  return t.app.request(path, { headers: cookie ? { cookie } : {} });
}

/** The `name=value` of the session cookie a response set. */
export function sessionCookie(res: Response): string | undefined {
  const set = res.headers.get('set-cookie') ?? '';
  return set.match(/staff_session=[^;]+/)?.[0];
}

export const csrfOf = (page: string) => page.match(/name="csrf" value="([^"]+)"/)?.[1];

/** Gives the test app's `<role>@staff.example` a password, signs in, and returns the cookie and CSRF token. */
export async function signInAs(t: TestApp, role: Role) {
  const email = `${role}@staff.example`;
  await setStaffPassword(t.database.db, { email }, PASSWORD, 'test');
  const res = await post(t, '/console/sign-in', { email, password: PASSWORD });
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
  const cookie = sessionCookie(res)!;
  const page = await (await get(t, '/console/sign-in?next=/console/campaigns', cookie)).text();
  const csrfRow = await t.database.sql<{ csrf_token: string }[]>`
    select s.csrf_token from staff_sessions s join staff_users u on u.id = s.staff_user_id
     where u.email = ${email} order by s.created_at desc limit 1`;
  return { cookie, csrf: csrfOf(page) ?? csrfRow[0]!.csrf_token };
}
