import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import Provider from 'oidc-provider';
import { freePort } from './freePort.ts';

/** What the provider says about a person, keyed by the login typed at its sign-in page (the subject). */
export interface OidcTestAccount {
  email?: string;
  email_verified?: boolean;
}

export const OIDC_CLIENT_ID = 'society-mailer';
export const OIDC_CLIENT_SECRET = 'test-client-secret-0123456789';

/**
 * A real OpenID Connect provider (panva's oidc-provider) on a loopback port,
 * with its development sign-in and consent pages: any login with any
 * password signs in as the subject of that name. One confidential client
 * is registered for `redirectUri`, and PKCE is required of it.
 */
export async function startOidcProvider(options: {
  redirectUri: string;
  accounts?: Record<string, OidcTestAccount>;
  /** A port to listen on; default a free one. */
  port?: number;
  /** Keep email claims out of the ID token (then they come from userinfo), as some providers do. */
  emailOnlyAtUserinfo?: boolean;
}) {
  const port = options.port ?? (await freePort());
  const issuer = `http://127.0.0.1:${port}`;
  const accounts = new Map(Object.entries(options.accounts ?? {}));
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: OIDC_CLIENT_ID,
        client_secret: OIDC_CLIENT_SECRET,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    conformIdTokenClaims: options.emailOnlyAtUserinfo === true,
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['test-provider-cookie-key-0123456789'] },
    jwks: { keys: [{ ...signingKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: 'test' }] },
    ttl: {
      AuthorizationCode: 60,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      AccessToken: 600,
      IdToken: 600,
    },
    findAccount: (_ctx, id) => ({
      accountId: id,
      claims: () => ({ sub: id, ...accounts.get(id) }),
    }),
  });
  // The provider reports refused requests as events; the tests look at pages, not logs.
  provider.on('server_error', () => {});
  const server: Server = createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    issuer,
    port,
    accounts,
    env: { OIDC_ISSUER: issuer, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export type OidcTestProvider = Awaited<ReturnType<typeof startOidcProvider>>;

/**
 * Walks the provider's development pages as a browser without JavaScript
 * would: from the authorization URL, sign in as `login`, consent, and stop
 * at the redirect back to the client. Returns that callback URL.
 */
export async function signInAtProvider(authorizationUrl: string, login: string): Promise<URL> {
  const jar = new Map<string, string>();
  const send = async (url: URL, init: RequestInit = {}) => {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...init.headers, cookie } });
    for (const set of res.headers.getSetCookie()) {
      const [pair] = set.split(';');
      const eq = pair!.indexOf('=');
      jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    return res;
  };
  let url = new URL(authorizationUrl);
  const origin = url.origin;
  for (let step = 0; step < 12; step++) {
    if (url.origin !== origin) return url;
    const res = await send(url);
    const location = res.headers.get('location');
    if (location) {
      url = new URL(location, url);
      continue;
    }
    const page = await res.text();
    const action = page.match(/<form[^>]*action="([^"]+)"/)?.[1];
    if (!action) throw new Error(`the provider answered ${res.status} without a form: ${page.slice(0, 300)}`);
    const fields: Record<string, string> = page.includes('name="login"')
      ? { prompt: 'login', login, password: 'any password' }
      : { prompt: 'consent' };
    const posted = await send(new URL(action, url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
    });
    url = new URL(posted.headers.get('location') ?? '', url);
  }
  throw new Error('the provider never sent the browser back');
}
