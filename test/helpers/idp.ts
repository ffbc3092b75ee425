/**
 * A real OpenID Connect provider (oidc-provider) on loopback, standing in for the council's identity provider
 * (Entra ID) wherever a test signs someone in, and the steps a person takes at its own forms in Chromium.
 *
 * - The office page's sign-in (test/security/sign-in.test.ts, test/briefings/e2e.test.ts): the app is a client of
 *   the provider (`clients`), and `signInAtProvider` fills the provider's forms after the page sent the browser there.
 * - The Outlook add-in's single sign-on (test/outlook/): `tokenFor` signs a person in for the add-in's client, as
 *   Office does for them, and exchanges the code with openid-client. The ID token that comes back is signed with
 *   the provider's keys (published at its jwks_uri), for the client it was asked for, with the person's address:
 *   what Office.auth.getAccessToken() hands an add-in.
 */
import { createServer, type Server } from 'node:http';
import * as client from 'openid-client';
import Provider from 'oidc-provider';
import type { Browser, Page } from 'playwright-core';
import { freePort } from './free-port.js';

export interface TestIdp {
  issuer: string;
  /** A fresh ID token for `email`, issued to `clientId` (ADDIN_CLIENT or OTHER_CLIENT). */
  tokenFor(browser: Browser, email: string, clientId?: string): Promise<string>;
  close(): Promise<void>;
}

/** An app that signs people in through the provider: its client id and secret, and where the provider sends them back. */
export interface IdpClient {
  id: string;
  secret: string;
  redirectUri: string;
}

export interface IdpOptions {
  /** Apps besides the add-in's clients (the API's office page sign-in, at its /auth/callback). */
  clients?: IdpClient[];
  /** The name the provider gives an account (its address otherwise). */
  names?: Record<string, string>;
  /**
   * Where the person's address and name are: in the ID token, as in Entra's tokens (the default), or only at the
   * UserInfo endpoint, as the OpenID Connect core rule has it when an access token is issued (many providers do).
   */
  profileIn?: 'id-token' | 'userinfo';
}

export const ADDIN_CLIENT = 'probity-outlook-addin';
export const OTHER_CLIENT = 'some-other-app';
const SECRET = 'idp-test-client-secret-0123456789abcdef';
const CALLBACK = '/test-callback';
const PASSWORD = 'any password: the test provider accepts it';

export async function startIdp(options: IdpOptions = {}): Promise<TestIdp> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const redirect = `${issuer}${CALLBACK}`;
  const clients = [...[ADDIN_CLIENT, OTHER_CLIENT].map((id) => ({ id, secret: SECRET, redirectUri: redirect })), ...(options.clients ?? [])];
  const provider = new Provider(issuer, {
    clients: clients.map((c) => ({
      client_id: c.id,
      client_secret: c.secret,
      redirect_uris: [c.redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    })),
    // The account id is what is typed at the sign-in form: an address. Entra puts it in preferred_username.
    async findAccount(_ctx, id) {
      return {
        accountId: id,
        async claims() {
          return { sub: `sub-${id}`, email: id, email_verified: true, preferred_username: id, name: options.names?.[id] ?? id };
        },
      };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
    conformIdTokenClaims: options.profileIn === 'userinfo',
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['idp-test-cookie-key-0123456789abcdef'] },
    // Short lifetimes, given (the provider otherwise warns that it is using its defaults).
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
  });
  const server: Server = createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  const configs = new Map<string, Promise<client.Configuration>>();
  const configFor = (clientId: string) => {
    if (!configs.has(clientId))
      configs.set(
        clientId,
        client.discovery(new URL(issuer), clientId, undefined, client.ClientSecretPost(SECRET), { execute: [client.allowInsecureRequests] }),
      );
    return configs.get(clientId)!;
  };

  return {
    issuer,
    async tokenFor(browser, email, clientId = ADDIN_CLIENT) {
      const config = await configFor(clientId);
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirect,
        scope: 'openid email profile',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
      });
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        // The callback is the client's (Office's), not the provider's: answered here.
        await page.route(
          (u) => u.pathname === CALLBACK,
          (route) => route.fulfill({ contentType: 'text/plain', body: 'signed in' }),
        );
        await page.goto(url.href);
        await signInAtProvider(page, email, (u) => u.pathname === CALLBACK);
        const tokens = await client.authorizationCodeGrant(config, new URL(page.url()), {
          pkceCodeVerifier: verifier,
          expectedState: state,
          idTokenExpected: true,
        });
        return tokens.id_token!;
      } finally {
        await context.close();
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * At the provider's sign-in form (the page is there): the person's address and any password, then, the first time,
 * the provider's question whether the app may have their name and address. Resolves once the provider has sent the
 * browser back to the app (`isBack`).
 */
export async function signInAtProvider(page: Page, email: string, isBack: (url: URL) => boolean): Promise<void> {
  await page.fill('input[name=login]', email);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL((u) => isBack(u) || u.pathname.includes('/interaction/'));
  if (!isBack(new URL(page.url()))) await page.click('button[type=submit]');
  await page.waitForURL(isBack);
}
