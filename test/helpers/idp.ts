/**
 * A real OpenID Connect provider (oidc-provider) on loopback, standing in for the council's Entra ID in the
 * Outlook add-in's single sign-on tests, and real tokens from it: a person signs in through the provider's own
 * forms in Chromium (as Office does for them), and the authorization code is exchanged by openid-client. The
 * ID token that comes back is signed with the provider's keys (published at its jwks_uri), for the client it
 * was asked for, with the person's address: what Office.auth.getAccessToken() hands an add-in.
 */
import { createServer, type Server } from 'node:http';
import * as client from 'openid-client';
import Provider from 'oidc-provider';
import type { Browser } from 'playwright-core';
import { freePort } from './free-port.js';

export interface TestIdp {
  issuer: string;
  /** A fresh token for `email`, issued to `clientId`. */
  tokenFor(browser: Browser, email: string, clientId?: string): Promise<string>;
  close(): Promise<void>;
}

export const ADDIN_CLIENT = 'probity-outlook-addin';
export const OTHER_CLIENT = 'some-other-app';
const SECRET = 'idp-test-client-secret-0123456789abcdef';
const CALLBACK = '/test-callback';

export async function startIdp(): Promise<TestIdp> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const redirect = `${issuer}${CALLBACK}`;
  const provider = new Provider(issuer, {
    clients: [ADDIN_CLIENT, OTHER_CLIENT].map((id) => ({
      client_id: id,
      client_secret: SECRET,
      redirect_uris: [redirect],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    })),
    // The account id is what is typed at the sign-in form: an address. Entra puts it in preferred_username.
    async findAccount(_ctx, id) {
      return {
        accountId: id,
        async claims() {
          return { sub: `sub-${id}`, email: id, email_verified: true, preferred_username: id, name: id };
        },
      };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
    // The person's claims in the ID token itself, as in Entra's tokens.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['idp-test-cookie-key-0123456789abcdef'] },
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
        await page.fill('input[name=login]', email);
        await page.fill('input[name=password]', 'any password: the test provider accepts it');
        await page.click('button[type=submit]');
        // The provider asks once whether the app may have the person's name and address.
        await page.waitForURL((u) => u.pathname === CALLBACK || u.pathname.includes('/interaction/'));
        if (new URL(page.url()).pathname !== CALLBACK) {
          await page.click('button[type=submit]');
          await page.waitForURL((u) => u.pathname === CALLBACK);
        }
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
