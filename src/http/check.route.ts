/**
 * `POST /v1/check?stage=pre-send`: one message (the engine's model) in, its findings with the council's clause
 * citations and each finding's confidence out, filtered at the council's threshold for the stage asked for
 * (council.yaml `confidence`): `pre-send` by default (the Outlook add-in, a check before sending), `post-send` for
 * a warning after the fact, `audit` for everything. The answer says which stage and threshold it applied.
 * Used by the Outlook add-in and by anything else that wants a check over HTTP.
 *
 * A Fastify plugin, encapsulated: its CORS (only the configured add-in origin), overload answer (503 +
 * Retry-After from @fastify/under-pressure), body limit (413) and error shapes (400 naming the field) apply to
 * this route only. Register it with `app.register(checkRoutes, { linter, auth, addinOrigin })`.
 *
 * Privacy: the message is linted in memory and never logged or stored; errors name fields, never values.
 */
import cors from '@fastify/cors';
import underPressure, { type FastifyUnderPressureOptions } from '@fastify/under-pressure';
import type { FastifyError, FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { ConfidenceStage } from '../directory/council.js';
import { atConfidence, thresholdFor } from '../lint/confidence.js';
import type { Linter } from '../lint/engine.js';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireRole, ROLES, type AuthOptions, type Role } from './auth.js';
import { checkBody, checkQuery, checkResponse, errorResponses, MAX_CHECK_TEXT, SECURITY, useZod } from './contract.js';

/** Enough for a long email body as text plus headers; attachments never come here. */
export const DEFAULT_CHECK_BODY_LIMIT = 256 * 1024;
export { MAX_CHECK_TEXT };

/**
 * Overload: when the event loop lags this much, new checks get 503 with Retry-After instead of queueing until the
 * client gives up (the Outlook add-in at ~3 s, Outlook itself at 5 s). Lint is synchronous, so the loop's lag is
 * roughly the wait a new request faces: half a second leaves the add-in room, while 200 busy clients (~100 ms of
 * lag on a 2-core box) are still served.
 */
export const DEFAULT_OVERLOAD: FastifyUnderPressureOptions = {
  maxEventLoopDelay: 500,
  retryAfter: 2,
  // The lag is averaged over this window: short enough to react within a burst, long enough to ride out one pause.
  sampleInterval: 250,
};

export interface CheckRoutesOptions {
  linter: Linter;
  auth: AuthOptions;
  /** Browser origin(s) of the Outlook add-in allowed to call cross-origin. None: no CORS headers at all. */
  addinOrigin?: string | string[];
  /** Token roles allowed to check (default: every role). */
  roles?: readonly Role[];
  bodyLimit?: number;
  /** under-pressure settings, or false when the app already installs an overload guard of its own. */
  overload?: FastifyUnderPressureOptions | false;
}

export const checkRoutes: FastifyPluginAsync<CheckRoutesOptions> = async (app, options) => {
  await app.register(async (scope) => registerCheck(scope, options), { prefix: '/v1' });
};

async function registerCheck(scope: FastifyInstance, options: CheckRoutesOptions): Promise<void> {
  useZod(scope);
  const bodyLimit = options.bodyLimit ?? DEFAULT_CHECK_BODY_LIMIT;
  const origins = options.addinOrigin === undefined ? [] : [options.addinOrigin].flat().filter(Boolean);

  await scope.register(cors, {
    // false: no Access-Control-* headers, so browsers refuse every cross-origin caller.
    // An array (even of one) makes the plugin compare each request's Origin and answer only a match.
    origin: origins.length === 0 ? false : origins,
    methods: ['POST'],
    allowedHeaders: ['authorization', 'content-type'],
    maxAge: 600,
  });
  if (options.overload !== false) {
    await scope.register(underPressure, { ...DEFAULT_OVERLOAD, ...options.overload });
  }

  scope.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) {
      // The first problem, by the field's path ("to.3", "stage"), in words: never the value sent.
      const first = error.validation[0];
      const path = (first?.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
      const field = path || '(body)';
      const params = (first?.params ?? {}) as { values?: unknown[]; input?: unknown };
      const what =
        params.input === undefined && /received undefined/.test(first?.message ?? '')
          ? 'is required'
          : Array.isArray(params.values) && params.values.length > 1
            ? `must be one of ${params.values.join(', ')}`
            : (first?.message ?? 'is invalid').replace(/^Invalid input: /, '');
      return reply.code(400).send({ error: 'bad_request', field, message: `${field}: ${what}` });
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) {
      return reply.code(413).send({
        error: 'payload_too_large',
        message: `The message is larger than ${Math.round(bodyLimit / 1024)} KiB; send its text without attachments or inline images.`,
      });
    }
    if (error.statusCode === 429) {
      // @fastify/rate-limit has set Retry-After.
      return reply
        .code(429)
        .send({ error: 'too_many_requests', message: 'Too many checks with this token; retry after the number of seconds in Retry-After.' });
    }
    if (error.statusCode === 503) {
      // under-pressure has set Retry-After.
      return reply.code(503).send({ error: 'overloaded', message: 'Probity is busy; retry after the number of seconds in Retry-After.' });
    }
    if (error.statusCode && error.statusCode < 500) {
      // Fixed wording: a JSON parser's message can quote the body back.
      const message =
        error.statusCode === 415 ? 'Send the message as application/json.' : error.statusCode === 400 ? 'The request body is not valid JSON.' : 'Bad request.';
      return reply.code(error.statusCode).send({ error: 'bad_request', message });
    }
    // Never echo internals (or anything of the message) to the caller or the log.
    request.log.error({ err: { name: error.name, code: error.code } }, 'check failed');
    return reply.code(500).send({ error: 'internal', message: 'The check failed; it has been logged. Try again.' });
  });

  const roles = [...(options.roles ?? ROLES)];
  scope.withTypeProvider<ZodTypeProvider>().post(
    '/check',
    {
      bodyLimit,
      schema: {
        summary: 'Check a message against the council protocol',
        description:
          "Findings at or above the council's confidence threshold for `stage`, each with its `confidence`; the answer names the stage and threshold applied.",
        tags: ['check'],
        security: SECURITY,
        querystring: checkQuery,
        body: checkBody,
        response: { 200: checkResponse, ...errorResponses(400, 401, 403, 413, 415, 429, 500, 503) },
      },
      preValidation: requireRole({ ...options.auth, audience: 'check' }, ...roles),
    },
    async (request) => {
      const { council } = options.linter;
      const stage: ConfidenceStage = request.query.stage;
      const result = options.linter.lint(request.body);
      return { ...result, findings: atConfidence(result.findings, council, stage), stage, minConfidence: thresholdFor(council, stage) };
    },
  );
}
