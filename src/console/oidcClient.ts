import * as oidc from 'openid-client';
import { identityFromClaims, type OidcIdentity } from './oidcAccount.ts';
import type { OidcFlow } from './oidcFlow.ts';

/** Where the console's single sign-on points, from config. */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** `${PUBLIC_URL}/console/sign-in/oidc/callback`, registered at the provider. */
  redirectUri: string;
}

export type OidcStart = { type: 'redirect'; url: string; flow: OidcFlow } | OidcTrouble;

export type OidcFinish = { type: 'identity'; identity: OidcIdentity } | OidcTrouble;

export type OidcTrouble =
  /** The provider did not answer, or not sensibly: try again later. */
  | { type: 'unreachable'; cause: unknown }
  /** The provider answered no (the person cancelled, or the code was refused). */
  | { type: 'declined'; cause: unknown }
  /** The answer failed a check (state, nonce, signature, issuer, no subject). */
  | { type: 'invalid'; cause: unknown };

/** Seconds a call to the provider may take before it counts as unreachable. */
const TIMEOUT_SECONDS = 10;

/**
 * The authorization code flow with PKCE, state and nonce, over openid-client.
 * The provider's metadata is discovered on first use and kept, so the
 * service starts while the provider is down; a failed discovery is retried
 * on the next sign-in.
 */
export function oidcClient(settings: OidcSettings) {
  let discovered: Promise<oidc.Configuration> | undefined;

  const configuration = () => {
    if (discovered) return discovered;
    const insecure = new URL(settings.issuer).protocol === 'http:';
    const attempt = oidc.discovery(
      new URL(settings.issuer),
      settings.clientId,
      settings.clientSecret,
      undefined,
      { timeout: TIMEOUT_SECONDS, execute: insecure ? [oidc.allowInsecureRequests] : [] },
    );
    discovered = attempt;
    attempt.catch(() => {
      if (discovered === attempt) discovered = undefined;
    });
    return attempt;
  };

  async function start(next: string | undefined): Promise<OidcStart> {
    let config: oidc.Configuration;
    try {
      config = await configuration();
    } catch (cause) {
      return { type: 'unreachable', cause };
    }
    const flow: OidcFlow = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      verifier: oidc.randomPKCECodeVerifier(),
      ...(next ? { next } : {}),
    };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: settings.redirectUri,
      scope: 'openid email',
      code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: 'S256',
      state: flow.state,
      nonce: flow.nonce,
    });
    return { type: 'redirect', url: url.href, flow };
  }

  /** Finishes the flow from the callback's query string. */
  async function finish(query: URLSearchParams, flow: OidcFlow): Promise<OidcFinish> {
    let config: oidc.Configuration;
    try {
      config = await configuration();
    } catch (cause) {
      return { type: 'unreachable', cause };
    }
    // The registered redirect URI, not the URL the request arrived at (a proxy may rewrite it).
    const current = new URL(settings.redirectUri);
    current.search = query.toString();
    try {
      const tokens = await oidc.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      let claims: Record<string, unknown> = { ...tokens.claims() };
      // Providers that keep profile claims out of the ID token give them at userinfo.
      if (claims.email === undefined && typeof claims.sub === 'string') {
        const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
        claims = { ...info, sub: claims.sub };
      }
      const identity = identityFromClaims(claims);
      return identity ? { type: 'identity', identity } : { type: 'invalid', cause: 'no subject' };
    } catch (cause) {
      return classify(cause);
    }
  }

  return { start, finish };
}

export type OidcClient = ReturnType<typeof oidcClient>;

function classify(cause: unknown): OidcTrouble {
  if (cause instanceof oidc.AuthorizationResponseError || cause instanceof oidc.ResponseBodyError) {
    return { type: 'declined', cause };
  }
  // fetch reports a refused or reset connection as a TypeError without a code.
  const networkFailure = cause instanceof TypeError && !('code' in cause);
  const code = cause instanceof oidc.ClientError ? cause.code : undefined;
  if (networkFailure || code === 'OAUTH_TIMEOUT' || code === 'OAUTH_RESPONSE_IS_NOT_CONFORM') {
    return { type: 'unreachable', cause };
  }
  return { type: 'invalid', cause };
}
