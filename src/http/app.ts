/**
 * `buildApp(deps)`: the Fastify application, kept apart from the process (server.ts) so tests drive it with
 * `app.inject` or a real port. Registers the OpenAPI description (/openapi.json, UI at /docs), the route
 * plugins, the office page (/office/), and one JSON error handler: 400 names the field, 401/403 come from
 * auth.ts, 404 for unknown ids and routes, 409 for state conflicts, 413 for an oversized body, and a 5xx never
 * shows internals (it carries the request id to find the log line).
 */
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions, type RouteOptions } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { openApiOptions } from './contract.js';
import { DomainError, type DomainErrorCode } from '../briefings/errors.js';
import type { BriefingService } from '../briefings/service.js';
import type { Linter } from '../lint/engine.js';
import { accessOf, personForIdentity, type Identity } from '../briefings/access.js';
import type { OidcClient } from '../auth/oidc.js';
import type { SessionStore } from '../auth/sessions.js';
import { rateLimitKey, type AuthOptions } from './auth.js';
import { addinRoutes, type AddinRoutesOptions } from './addin.route.js';
import { answerRoutes } from './answer.route.js';
import { deliveryRoutes } from './delivery.route.js';
import type { LinkAnswers } from './link-answers.js';
import { briefingRoutes } from './briefings.route.js';
import { checkRoutes, type CheckRoutesOptions } from './check.route.js';
import { offerRoutes } from './offers.route.js';
import { pageRoutes } from './page.route.js';
import { registerRoutes } from './register.route.js';
import { sessionRoutes } from './sessions.route.js';
import { cookieNames, signInRoutes } from './sign-in.route.js';
import { shedUnderLoad } from './overload.js';
import { unhealthy, type HealthCheck } from './health.js';
import type { FastifyUnderPressureOptions } from '@fastify/under-pressure';

/** Briefing bodies are short texts; 64 KiB is generous and keeps a stray upload out. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

export interface AppDeps {
  service: BriefingService;
  /** Tokens: the keyring (or one secret) and the revocation list. People's roles come from the service's council. */
  auth: AuthOptions;
  /** Cookie sessions and single sign-on. Without it only bearer tokens are accepted. */
  signIn?: { sessions: SessionStore; oidc?: OidcClient; publicUrl: string };
  /** The linter: with it, `POST /v1/check` is served. */
  linter?: Linter;
  /** The Outlook add-in's files and manifest (and the add-in origin allowed to call /v1/check). */
  addin?: AddinRoutesOptions;
  logger?: FastifyServerOptions['logger'];
  bodyLimit?: number;
  /** Shed the reads that grow with the ledger while under pressure (overload.ts); off unless given (the server turns it on). */
  overload?: FastifyUnderPressureOptions;
  /**
   * What /healthz checks, each named for its one-line reason ("the ledger's Redis is unreachable"). Default: the
   * briefing ledger answers.
   */
  health?: HealthCheck[];
  /** Per-client request limit; off unless given (the server turns it on). */
  rateLimit?: { max: number; timeWindow: string | number };
  /** Fastify's trustProxy: which proxies' X-Forwarded-For to believe (PROBITY_TRUST_PROXY). */
  trustProxy?: boolean | string;
  /** Serve the OpenAPI UI at /docs (the JSON at /openapi.json is always served). */
  docs?: boolean;
  /** Where the office page's files are (default: src/http/page). */
  pageDir?: string;
  /**
   * Extra plugins from the process that builds the app (registered after the built-in ones), given the app's own
   * auth (tokens, sessions, roles from council.yaml) so their routes sign people in as the office page does.
   */
  plugins?: ((app: FastifyInstance, context: { auth: AuthOptions }) => Promise<void> | void)[];
  /** Answer links in notices (offer-links.ts): with them, each notice's link opens its page at /answer/:token. */
  answers?: LinkAnswers;
  /** The check route's own overload guard (check.route.ts); false turns it off (tests that must not meet a 503). */
  checkOverload?: CheckRoutesOptions['overload'];
  /** Told of every route as it is registered (the contract test compares them with the OpenAPI document). */
  onRoute?: (route: RouteOptions) => void;
}

const STATUS: Record<DomainErrorCode, number> = { invalid: 400, forbidden: 403, 'not-found': 404, conflict: 409, busy: 503 };
const ERROR: Record<number, string> = {
  400: 'bad_request',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  503: 'unavailable',
};

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const bodyLimit = deps.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const app = Fastify({
    logger: deps.logger ?? false,
    // Behind a proxy, request.ip (and so the limit per address) is the client's only when the proxy is trusted.
    ...(deps.trustProxy !== undefined ? { trustProxy: deps.trustProxy } : {}),
    bodyLimit,
    // Request ids in every log line and every 5xx answer, never the body.
    requestIdHeader: false,
  });
  if (deps.onRoute) app.addHook('onRoute', deps.onRoute);
  // Every request body, query and path parameter is a zod schema (contract.ts): zod validates it, and the OpenAPI
  // document is generated from it. Responses are documented there and sent as built (the contract test holds them).
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof DomainError) {
      const status = STATUS[error.code];
      return reply.code(status).send({ error: ERROR[status], message: error.message, ...(error.rule ? { rule: error.rule } : {}) });
    }
    if (error.validation) {
      // One line naming each field that is wrong ("body/matter Invalid input: expected string, received undefined").
      return reply.code(400).send({ error: 'bad_request', message: error.message.replace(/\s*\n\s*/g, ' ') });
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) {
      return reply
        .code(413)
        .send({ error: 'payload_too_large', message: `the request body is larger than the ${Math.round(bodyLimit / 1024)} KiB this API accepts` });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error: ERROR[error.statusCode] ?? 'bad_request', message: error.message });
    }
    if (error.name === 'MaxRetriesPerRequestError' || /enableOfflineQueue|Connection is closed|ECONNREFUSED/.test(error.message)) {
      request.log.warn({ reqId: request.id }, 'ledger unavailable');
      return reply.code(503).header('retry-after', '5').send({ error: 'unavailable', message: 'the briefing ledger is unavailable; try again shortly' });
    }
    request.log.error({ err: error }, 'unhandled error');
    const status = error.statusCode === 503 ? 503 : 500;
    return reply.code(status).send({ error: status === 503 ? 'unavailable' : 'internal', message: `something went wrong on our side (request ${request.id})` });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` }));

  await app.register(swagger, openApiOptions());
  if (deps.docs !== false) await app.register(swaggerUi, { routePrefix: '/docs' });
  // An Outlook user's single sign-on names a person in council.yaml (as the page's sign-in does).
  const personFor = (identity: Identity) => personForIdentity(deps.service.council, identity)?.id;
  if (deps.rateLimit) {
    // Per verified caller (each Outlook user on their own), else per client address (auth.ts's rateLimitKey).
    const keyAuth: AuthOptions = {
      personFor,
      ...deps.auth,
      ...(deps.signIn ? { sessions: deps.signIn.sessions, cookieName: cookieNames(deps.signIn.publicUrl).session } : {}),
    };
    await app.register(rateLimit, {
      max: deps.rateLimit.max,
      timeWindow: deps.rateLimit.timeWindow,
      keyGenerator: (request) => rateLimitKey(keyAuth, request),
    });
  }

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  const health = deps.health ?? [{ name: 'the briefing ledger', check: () => deps.service.store.head() }];
  app.get('/healthz', { schema: { hide: true } }, async (request, reply) => {
    const failed = await unhealthy(health);
    if (!failed) return { ok: true };
    request.log.warn({ check: failed.name, reason: failed.reason }, 'unhealthy');
    return reply.code(503).send({ ok: false, error: 'unavailable', message: `${failed.name} is ${failed.reason}` });
  });
  if (deps.overload) await shedUnderLoad(app, deps.overload);

  await app.register(cookie);
  const access = (personId: string) => accessOf(deps.service.council, deps.service.settings, personId);
  const auth: AuthOptions = {
    access,
    personFor,
    ...deps.auth,
    ...(deps.signIn ? { sessions: deps.signIn.sessions, cookieName: cookieNames(deps.signIn.publicUrl).session } : {}),
  };
  if (deps.signIn) {
    await app.register(signInRoutes, { ...deps.signIn, directory: () => deps.service.council, access, ...(deps.auth.now ? { now: deps.auth.now } : {}) });
  }
  const routeOptions = { service: deps.service, auth };
  await app.register(briefingRoutes, routeOptions);
  await app.register(offerRoutes, routeOptions);
  await app.register(sessionRoutes, routeOptions);
  await app.register(registerRoutes, routeOptions);
  await app.register(pageRoutes, { ...(deps.pageDir ? { dir: deps.pageDir } : {}) });
  await app.register(deliveryRoutes, routeOptions);
  if (deps.answers) await app.register(answerRoutes, { answers: deps.answers, council: () => deps.service.council.council });

  // The channels: the check API (Outlook, any HTTP client) and the Outlook add-in's files.
  if (deps.linter) {
    const addinOrigin = deps.addin ? new URL(deps.addin.publicUrl).origin : undefined;
    await app.register(checkRoutes, {
      linter: deps.linter,
      auth,
      ...(addinOrigin ? { addinOrigin } : {}),
      ...(deps.checkOverload !== undefined ? { overload: deps.checkOverload } : {}),
    });
  }
  if (deps.addin) await app.register(addinRoutes, deps.addin);
  for (const plugin of deps.plugins ?? []) await plugin(app, { auth });

  return app;
}
