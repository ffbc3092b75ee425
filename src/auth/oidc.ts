/**
 * OpenID Connect sign-in with the council's identity provider (Microsoft Entra ID in most councils; any standard
 * provider works), by openid-client: the authorization code flow with PKCE, state and nonce. The provider is
 * discovered on first use (and again after a failure), so the API starts while the provider is unreachable.
 *
 * Settings: OIDC_ISSUER (Entra ID: https://login.microsoftonline.com/<tenant id>/v2.0), OIDC_CLIENT_ID,
 * OIDC_CLIENT_SECRET, and PROBITY_PUBLIC_URL (the redirect URI is <public url>/auth/callback, registered with the
 * provider). Plain HTTP to the provider is allowed only on loopback (a provider started by the tests).
 */
import * as client from 'openid-client';
import type { Identity } from '../briefings/access.js';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** Where the provider sends the browser back: `<public url>/auth/callback`. */
  redirectUri: string;
  /** Extra scopes beyond `openid email profile`. */
  scopes?: string[];
  /** A name for the button ("Sign in with Microsoft"). */
  label?: string;
}

export class OidcConfigError extends Error {}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function oidcSettingsFromEnv(env: NodeJS.ProcessEnv, publicUrl: string): OidcSettings | undefined {
  const issuer = env.OIDC_ISSUER?.trim();
  if (!issuer) return undefined;
  const clientId = env.OIDC_CLIENT_ID?.trim();
  if (!clientId) throw new OidcConfigError('OIDC_CLIENT_ID must be set with OIDC_ISSUER');
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new OidcConfigError(`OIDC_ISSUER is not a URL: "${issuer}"`);
  }
  if (url.protocol !== 'https:' && !LOOPBACK.has(url.hostname)) throw new OidcConfigError('OIDC_ISSUER must be an https URL');
  const secret = env.OIDC_CLIENT_SECRET?.trim();
  return {
    issuer,
    clientId,
    ...(secret ? { clientSecret: secret } : {}),
    redirectUri: `${publicUrl.replace(/\/$/, '')}/auth/callback`,
    ...(env.OIDC_SCOPES?.trim() ? { scopes: env.OIDC_SCOPES.trim().split(/[\s,]+/) } : {}),
    ...(env.OIDC_LABEL?.trim() ? { label: env.OIDC_LABEL.trim() } : {}),
  };
}

export interface SignInResult {
  identity: Identity;
  issuer: string;
  subject: string;
  /** The name the provider gives, for the log line and the page (council.yaml's name is used when found). */
  name?: string;
}

export class OidcClient {
  private config?: Promise<client.Configuration>;

  constructor(readonly settings: OidcSettings) {}

  private configuration(): Promise<client.Configuration> {
    if (!this.config) {
      const server = new URL(this.settings.issuer);
      const insecure = server.protocol === 'http:' && LOOPBACK.has(server.hostname);
      this.config = client
        .discovery(
          server,
          this.settings.clientId,
          undefined,
          this.settings.clientSecret ? client.ClientSecretPost(this.settings.clientSecret) : client.None(),
          {
            ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
          },
        )
        .catch((err: unknown) => {
          this.config = undefined; // discover again next time
          throw err;
        });
    }
    return this.config;
  }

  /** The provider's sign-in URL, and what the callback must check. */
  async begin(): Promise<{ url: URL; state: string; codeVerifier: string; nonce: string }> {
    const config = await this.configuration();
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri,
      scope: ['openid', 'email', 'profile', ...(this.settings.scopes ?? [])].join(' '),
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url, state, codeVerifier, nonce };
  }

  /** Exchange the code from the callback URL and check the ID token (signature, issuer, audience, nonce, expiry). */
  async finish(callbackUrl: URL, checks: { state: string; codeVerifier: string; nonce: string }): Promise<SignInResult> {
    const config = await this.configuration();
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: checks.codeVerifier,
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      idTokenExpected: true,
    });
    const idToken = tokens.claims();
    if (!idToken) throw new Error('the identity provider sent no ID token');
    let claims: Record<string, unknown> = idToken;
    // Some providers keep the profile claims for the UserInfo endpoint rather than the ID token: ask it then,
    // for the same subject (openid-client checks that the answer is about the person the ID token names).
    if (!claims.email && !claims.preferred_username && !claims.upn && !claims.oid) {
      claims = { ...(await client.fetchUserInfo(config, tokens.access_token, idToken.sub)), ...idToken };
    }
    const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
    const email = str(claims.email);
    const username = str(claims.preferred_username) ?? str(claims.upn);
    const oid = str(claims.oid);
    const name = str(claims.name);
    return {
      identity: {
        ...(oid ? { oid } : {}),
        ...(email ? { email } : {}),
        ...(claims.email_verified === false ? { emailVerified: false } : {}),
        ...(username ? { username } : {}),
      },
      issuer: idToken.iss,
      subject: idToken.sub,
      ...(name ? { name } : {}),
    };
  }
}
