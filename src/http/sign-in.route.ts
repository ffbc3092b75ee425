/**
 * Sign-in with the council's identity provider, and the cookie session that follows:
 *   GET  /auth/login?return=/office/   start: remember state, nonce and PKCE verifier, redirect to the provider
 *   GET  /auth/callback                the provider's answer: check it, find the person in council.yaml, start a
 *                                      session, go back where the sign-in started
 *   GET  /auth/session                 who is signed in (name, roles, CSRF token), or how to sign in
 *   POST /auth/logout                  end the session (needs the CSRF token)
 *
 * The sign-in's state is bound to the browser that started it by a short-lived cookie, and can be used once.
 * A person the directory does not know, or knows without any role on the page, is told so and not signed in.
 */
import { z } from 'zod';
import { errorResponses, useZod } from './contract.js';
import type { FastifyPluginAsync, FastifyReply, FastifySchema } from 'fastify';
import { personForIdentity, type Access } from '../briefings/access.js';
import type { OidcClient } from '../auth/oidc.js';
import { sameSecret, LOGIN_SECONDS, type SessionStore } from '../auth/sessions.js';
import { CSRF_HEADER } from './auth.js';
import type { Council } from '../directory/council.js';

export interface SignInOptions {
  sessions: SessionStore;
  /** Absent: single sign-on is not configured, and the page says so. */
  oidc?: OidcClient;
  publicUrl: string;
  directory: () => Council;
  access: (personId: string) => Access | undefined;
  now?: () => number;
}

/** `__Host-` cookies must be Secure: used when Probity is served over HTTPS (always, outside a test or a laptop). */
export function cookieNames(publicUrl: string): { session: string; login: string; secure: boolean } {
  const secure = new URL(publicUrl).protocol === 'https:';
  return secure ? { session: '__Host-probity-session', login: '__Host-probity-login', secure } : { session: 'probity-session', login: 'probity-login', secure };
}

/** Only a path on this site: never `//evil.example` or `https://…` (an open redirect). */
export function safeReturn(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[\x21-\x7e]*$/.test(value) ? value : '/office/';
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(reply: FastifyReply, status: number, title: string, message: string) {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'")
    .header('cache-control', 'no-store')
    .send(
      `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
        `<title>${escapeHtml(title)} · Probity</title><link rel="stylesheet" href="/office/style.css"></head>` +
        `<body><main class="card narrow"><h1>${escapeHtml(title)}</h1><p id="sign-in-problem">${escapeHtml(message)}</p>` +
        `<p><a href="/auth/login">Try again</a> · <a href="/office/">Back to the page</a></p></main></body></html>`,
    );
}

/** Who is signed in (the pages ask on load): documented in the OpenAPI document with the sign-in tag. */
const OPTIONAL_SESSION: { [scheme: string]: string[] }[] = [{}, { session: [] }];
const SESSION_SCHEMA: FastifySchema = {
  tags: ['sign-in'],
  summary: 'Who is signed in, with their roles and the CSRF token changes need; or how to sign in',
  security: OPTIONAL_SESSION,
  response: {
    200: z.union([
      z.object({ signedIn: z.literal(false), signIn: z.object({ url: z.string(), label: z.string() }).nullable() }),
      z.object({
        signedIn: z.literal(true),
        person: z.object({ id: z.string(), name: z.string() }),
        roles: z.array(z.string()),
        party: z.string().optional(),
        csrf: z.string().describe('Send it back as the x-csrf-token header with every change'),
        expiresAt: z.string(),
      }),
    ]),
    ...errorResponses(429, 500),
  },
};

const LOGOUT_SCHEMA: FastifySchema = {
  tags: ['sign-in'],
  summary: 'Sign out (the session ends and its cookie is cleared)',
  security: OPTIONAL_SESSION,
  response: { 204: z.null().describe('Signed out'), ...errorResponses(403, 429, 500) },
};

export const signInRoutes: FastifyPluginAsync<SignInOptions> = async (app, opts) => {
  useZod(app);
  const names = cookieNames(opts.publicUrl);
  const now = opts.now ?? Date.now;
  const base = { httpOnly: true, sameSite: 'lax' as const, secure: names.secure };

  app.get<{ Querystring: { return?: string } }>('/auth/login', { schema: { hide: true } }, async (request, reply) => {
    if (!opts.oidc)
      return page(reply, 503, 'Single sign-on is not set up', 'The council has not configured its identity provider (OIDC_ISSUER). Ask the office.');
    let begun;
    try {
      begun = await opts.oidc.begin();
    } catch (err) {
      request.log.warn({ err: (err as Error).message }, 'identity provider discovery failed');
      return page(reply, 503, 'Sign-in is unavailable', "The council's identity provider could not be reached. Try again in a minute.");
    }
    await opts.sessions.beginLogin(begun.state, { codeVerifier: begun.codeVerifier, nonce: begun.nonce, returnTo: safeReturn(request.query.return) });
    reply.setCookie(names.login, begun.state, { ...base, path: '/', maxAge: LOGIN_SECONDS });
    return reply.header('cache-control', 'no-store').redirect(begun.url.href);
  });

  app.get<{ Querystring: Record<string, string> }>('/auth/callback', { schema: { hide: true } }, async (request, reply) => {
    const state = request.query.state;
    const bound = request.cookies[names.login];
    reply.clearCookie(names.login, { ...base, path: '/' });
    if (!opts.oidc) return page(reply, 503, 'Single sign-on is not set up', 'The council has not configured its identity provider (OIDC_ISSUER).');
    if (request.query.error) {
      return page(reply, 401, 'Not signed in', `The identity provider said: ${String(request.query.error_description ?? request.query.error).slice(0, 300)}`);
    }
    if (!state || !bound || !sameSecret(state, bound)) {
      return page(reply, 400, 'Not signed in', 'This sign-in was not started in this browser, or it took too long. Start again.');
    }
    const pending = await opts.sessions.finishLogin(state);
    if (!pending) return page(reply, 400, 'Not signed in', 'This sign-in has already been used or has expired. Start again.');
    let result;
    try {
      result = await opts.oidc.finish(new URL(request.url, opts.publicUrl), { state, codeVerifier: pending.codeVerifier, nonce: pending.nonce });
    } catch (err) {
      request.log.warn({ err: (err as Error).message }, 'sign-in callback refused');
      return page(reply, 401, 'Not signed in', 'The answer from the identity provider could not be checked. Start again.');
    }
    const person = personForIdentity(opts.directory(), result.identity);
    const access = person ? opts.access(person.id) : undefined;
    if (!person || !access || access.roles.every((r) => r === 'checker')) {
      request.log.info({ issuer: result.issuer }, 'sign-in refused: not a person with a role in council.yaml');
      const who = result.identity.email ?? result.identity.username ?? 'this account';
      return page(
        reply,
        403,
        'No access',
        person
          ? `${person.name} has no role on the briefings page in council.yaml. Ask the office.`
          : `${who} is not in the council's directory (council.yaml). Ask the office to add you.`,
      );
    }
    const { id } = await opts.sessions.create(person.id, { issuer: result.issuer, subject: result.subject }, now());
    request.log.info({ person: person.id, roles: access.roles }, 'signed in');
    reply.setCookie(names.session, id, { ...base, path: '/', maxAge: opts.sessions.lifetimeSeconds });
    return reply.header('cache-control', 'no-store').redirect(pending.returnTo);
  });

  app.get('/auth/session', { schema: SESSION_SCHEMA }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const id = request.cookies[names.session];
    const session = id ? await opts.sessions.get(id, now()) : undefined;
    const access = session ? opts.access(session.personId) : undefined;
    if (!session || !access) {
      return { signedIn: false, signIn: opts.oidc ? { url: '/auth/login', label: opts.oidc.settings.label ?? 'Sign in with your council account' } : null };
    }
    return {
      signedIn: true,
      person: { id: access.person.id, name: access.person.name },
      roles: access.roles,
      ...(access.party ? { party: access.party } : {}),
      csrf: session.csrf,
      expiresAt: new Date(session.expiresAt).toISOString(),
    };
  });

  app.post('/auth/logout', { schema: LOGOUT_SCHEMA }, async (request, reply) => {
    const id = request.cookies[names.session];
    const session = id ? await opts.sessions.get(id, now()) : undefined;
    if (session) {
      const given = request.headers[CSRF_HEADER];
      if (typeof given !== 'string' || !sameSecret(given, session.csrf)) {
        return reply.code(403).send({ error: 'forbidden', message: `missing or wrong CSRF token (${CSRF_HEADER})` });
      }
      await opts.sessions.end(id!);
    }
    reply.clearCookie(names.session, { ...base, path: '/' });
    return reply.code(204).send();
  });
};
