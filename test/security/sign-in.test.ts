/**
 * Signing in as councils do: a real OpenID Connect provider (oidc-provider) on loopback, the real app with
 * openid-client, and Debian's Chromium driving the whole redirect dance from the office page. Then what the
 * cookie session must and must not allow: CSRF, sign-out, a person the directory does not know, a replayed
 * callback, a sign-in started in another browser, an open redirect.
 */
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryKv } from '../../src/auth/kv.js';
import { OidcClient } from '../../src/auth/oidc.js';
import { SessionStore } from '../../src/auth/sessions.js';
import { MemoryStore } from '../../src/briefings/memory-store.js';
import { BriefingService } from '../../src/briefings/service.js';
import { buildApp } from '../../src/http/app.js';
import { safeReturn } from '../../src/http/sign-in.route.js';
import { clock, council, ids, LABOUR_REQUEST } from '../briefings/fixtures.js';
import { freePort } from '../helpers/free-port.js';
import { signInAtProvider, startIdp, type TestIdp } from '../helpers/idp.js';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const CLIENT = { id: 'probity', secret: 'sign-in-test-client-secret-0123456789abcdef' };
/** Names the provider gives its accounts (the directory's own names are what the page shows). */
const NAMES: Record<string, string> = { 'helen.carter@ashcombe.gov.uk': 'Helen Carter (IdP)', 'stranger@example.org': 'A Stranger' };

let idp: TestIdp;
let issuer = '';
let app: FastifyInstance;
let base = '';
let browser: Browser;
let service: BriefingService;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // The profile at the provider's UserInfo endpoint rather than in the ID token: the app asks for it there.
  idp = await startIdp({ clients: [{ id: CLIENT.id, secret: CLIENT.secret, redirectUri: `${base}/auth/callback` }], names: NAMES, profileIn: 'userinfo' });
  issuer = idp.issuer;

  service = new BriefingService({ council: council(), store: new MemoryStore(), clock: clock(new Date().toISOString()), newId: ids('si') });
  const oidc = new OidcClient({
    issuer,
    clientId: CLIENT.id,
    clientSecret: CLIENT.secret,
    redirectUri: `${base}/auth/callback`,
    label: 'Sign in with the test provider',
  });
  app = await buildApp({
    service,
    auth: { secret: 'sign-in-test-token-secret-0123456789abcdef' },
    signIn: { sessions: new SessionStore(new MemoryKv()), oidc, publicUrl: base },
    docs: false,
  });
  await app.listen({ port, host: '127.0.0.1' });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await idp?.close();
});

/** From the office page, through the provider's own sign-in and consent forms, back to the page. */
async function signInThroughProvider(page: Page, email: string): Promise<void> {
  await page.goto(`${base}/office/`);
  await page.waitForSelector('#sign-in:not([hidden])');
  expect(await page.locator('#sign-in-link').textContent()).toBe('Sign in with the test provider');
  await page.click('#sign-in-link');
  await page.waitForURL(`${issuer}/**`);
  await signInAtProvider(page, email, (url) => url.origin === base);
}

const csrfFetch = (page: Page, path: string, body: object, csrf?: string) =>
  page.evaluate(
    async ({ path, body, csrf }) => {
      const r = await fetch(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        body: JSON.stringify(body),
      });
      return { status: r.status, body: await r.text() };
    },
    { path, body, csrf },
  );

describe("sign-in with the council's identity provider", () => {
  let context: BrowserContext;

  it('signs the chief executive in from the office page, with roles from council.yaml, in an HttpOnly, SameSite cookie', async () => {
    context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await signInThroughProvider(page, 'helen.carter@ashcombe.gov.uk');
    await page.waitForSelector('body[data-loaded="true"]');
    expect(page.url()).toBe(`${base}/office/`);
    // council.yaml's name and roles, not the provider's.
    expect(await page.locator('#who-text').textContent()).toBe("Helen Carter · Chief Executive's office, officer");
    const cookie = (await context.cookies(base)).find((c) => c.name === 'probity-session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect((await context.cookies(base)).some((c) => c.name === 'probity-login')).toBe(false); // the sign-in's state is spent
    expect(await page.evaluate(() => document.cookie)).not.toContain('probity-session');
    expect(problems).toEqual([]);
  });

  it("a change needs the session's CSRF token; with it, the office records a written request", async () => {
    const page = context.pages()[0]!;
    const request = { ...LABOUR_REQUEST, requestedBy: 'cllr-hale' };
    const refused = await csrfFetch(page, '/v1/briefings', request);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body).message).toBe('missing or wrong CSRF token (x-csrf-token); reload the page');
    expect((await csrfFetch(page, '/v1/briefings', request, 'a-guess')).status).toBe(403);
    const session = await page.evaluate(async () => (await fetch('/auth/session')).json());
    const made = await csrfFetch(page, '/v1/briefings', request, session.csrf);
    expect(made.status).toBe(201);
    expect(JSON.parse(made.body)).toMatchObject({ requestedBy: 'cllr-hale', recordedBy: 'o-carter' });
  });

  it('signs out: the session ends on the server, not only in the browser', async () => {
    const page = context.pages()[0]!;
    const before = (await context.cookies(base)).find((c) => c.name === 'probity-session')!.value;
    await page.click('#sign-out');
    await page.waitForSelector('#sign-in:not([hidden])');
    // The old cookie, replayed, is refused.
    const replay = await app.inject({ method: 'GET', url: '/v1/rounds', cookies: { 'probity-session': before } });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().message).toBe('your session has ended; sign in again');
    await context.close();
  });

  it('refuses someone the directory does not know, saying so, and starts no session', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await signInThroughProvider(page, 'stranger@example.org');
    expect(await page.locator('h1').textContent()).toBe('No access');
    expect(await page.locator('#sign-in-problem').textContent()).toBe(
      "stranger@example.org is not in the council's directory (council.yaml). Ask the office to add you.",
    );
    expect((await ctx.cookies(base)).some((c) => c.name === 'probity-session')).toBe(false);
    await ctx.close();
  });

  it("a group leader signs in as the group leader council.yaml says they are, and sees none of the office's pages", async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await signInThroughProvider(page, 'tom.webb@ashcombe.gov.uk');
    const session = await page.evaluate(async () => (await fetch('/auth/session')).json());
    expect(session).toMatchObject({
      signedIn: true,
      person: { id: 'cllr-webb', name: 'Cllr Tom Webb' },
      roles: ['group-leader', 'checker'],
      party: 'conservative',
    });
    const rounds = await page.evaluate(async () => (await fetch('/v1/rounds')).status);
    expect(rounds).toBe(403);
    const offers = await page.evaluate(async () => (await fetch('/v1/offers')).status);
    expect(offers).toBe(200);
    await ctx.close();
  });
});

describe("the sign-in's own defences", () => {
  it('a callback whose state was not started in this browser is refused (login CSRF)', async () => {
    const start = await app.inject({ method: 'GET', url: '/auth/login' });
    expect(start.statusCode).toBe(302);
    const state = new URL(String(start.headers.location)).searchParams.get('state')!;
    // The attacker's browser has no probity-login cookie for this state.
    const r = await app.inject({ method: 'GET', url: `/auth/callback?code=x&state=${state}` });
    expect(r.statusCode).toBe(400);
    expect(r.body).toContain('This sign-in was not started in this browser');
    expect(r.headers['set-cookie']).not.toMatch(/probity-session=[^;]/);
  });

  it('a replayed callback finds its sign-in already used', async () => {
    const start = await app.inject({ method: 'GET', url: '/auth/login' });
    const state = new URL(String(start.headers.location)).searchParams.get('state')!;
    const cookies = { 'probity-login': state };
    const first = await app.inject({ method: 'GET', url: `/auth/callback?code=forged&state=${state}`, cookies });
    expect(first.statusCode).toBe(401); // the provider refuses the forged code
    const again = await app.inject({ method: 'GET', url: `/auth/callback?code=forged&state=${state}`, cookies });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('already been used or has expired');
  });

  it('goes back only to a path on this site after signing in', () => {
    expect(safeReturn('/office/')).toBe('/office/');
    expect(safeReturn('/office/?tab=rounds')).toBe('/office/?tab=rounds');
    for (const evil of ['//evil.example/', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)', '/office/\nSet-Cookie: x', undefined]) {
      expect(safeReturn(evil)).toBe('/office/');
    }
  });

  it('signing out needs the CSRF token, so another site cannot sign a person out', async () => {
    const sessions = new SessionStore(new MemoryKv());
    const local = await buildApp({
      service,
      auth: { secret: 'sign-in-test-token-secret-0123456789abcdef' },
      signIn: { sessions, publicUrl: base },
      docs: false,
    });
    const { id, session } = await sessions.create('o-bell', { issuer, subject: 'x' }, Date.now());
    expect((await local.inject({ method: 'POST', url: '/auth/logout', cookies: { 'probity-session': id } })).statusCode).toBe(403);
    expect((await local.inject({ method: 'GET', url: '/v1/rounds', cookies: { 'probity-session': id } })).statusCode).toBe(200);
    expect(
      (await local.inject({ method: 'POST', url: '/auth/logout', cookies: { 'probity-session': id }, headers: { 'x-csrf-token': session.csrf } })).statusCode,
    ).toBe(204);
    expect((await local.inject({ method: 'GET', url: '/v1/rounds', cookies: { 'probity-session': id } })).statusCode).toBe(401);
    await local.close();
  });

  it('without a provider configured, the page says single sign-on is not set up', async () => {
    const local = await buildApp({
      service,
      auth: { secret: 'sign-in-test-token-secret-0123456789abcdef' },
      signIn: { sessions: new SessionStore(new MemoryKv()), publicUrl: base },
      docs: false,
    });
    expect((await local.inject({ method: 'GET', url: '/auth/session' })).json()).toEqual({ signedIn: false, signIn: null });
    const r = await local.inject({ method: 'GET', url: '/auth/login' });
    expect(r.statusCode).toBe(503);
    expect(r.body).toContain('OIDC_ISSUER');
    await local.close();
  });
});
