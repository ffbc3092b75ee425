/**
 * The OpenAPI document held against the running routes of the API as the API process builds it (briefings, the
 * check API, sign-in, member enquiries over a real Redis):
 * - every route registered is documented with its methods, and every documented operation is a route; the only
 *   routes left out are the pages, files and browser redirects listed here, each with why;
 * - the security each operation declares is what it does: asked without credentials, a route that needs them
 *   answers 401, and one that does not, does not;
 * - every answer a real exchange gets (201 for a new briefing request, 200s, 400, 401, 403, 404, 409) has its status
 *   code documented, and its JSON body validates against the documented schema (JSON Schema 2020-12, Ajv).
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { Redis } from 'ioredis';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessOf } from '../../src/briefings/access.js';
import { MemoryStore } from '../../src/briefings/memory-store.js';
import { BriefingService } from '../../src/briefings/service.js';
import { briefingSettings } from '../../src/briefings/settings.js';
import { enquiryPlugin } from '../../src/enquiries/routes.js';
import { buildApp } from '../../src/http/app.js';
import { issueToken, type Role } from '../../src/http/auth.js';
import { cookieNames } from '../../src/http/sign-in.route.js';
import { LinkAnswers } from '../../src/http/link-answers.js';
import { LinkKeys, redisNonceStore, signLink } from '../../src/http/offer-links.js';
import { LINK_KEYS } from '../briefings/world.js';
import { deletePrefix, sharedRedis, uniquePrefix } from '../briefings/redis-helpers.js';
import { ids, LABOUR_REQUEST, SHA } from '../briefings/fixtures.js';
import { email, world } from '../enquiries/world.js';
import { testSignIn } from '../helpers/sign-in.js';
import { scriptedLinter } from '../helpers/scripted-linter.js';

const SECRET = 'openapi-contract-test-secret-0123456789abcdef';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Routes that are not API operations, so not in the document: pages, their files, and the browser's sign-in. */
const NOT_API: Record<string, string> = {
  'GET /openapi.json': 'the document itself',
  'GET /healthz': "the container's health check",
  'GET /office': 'a redirect to the office page',
  'GET /office/*': "the office page's files",
  'GET /enquiries': 'a redirect to the enquiry page',
  'GET /enquiries/*': "the enquiry page's files",
  'GET /shell/shell.js': "the pages' shared shell",
  'GET /shell/shell.css': "the pages' shared shell",
  'GET /auth/login': "the browser's redirect to the identity provider",
  'GET /auth/callback': "the identity provider's redirect back",
  'GET /docs': 'the document, in a browser',
  'GET /docs/*': "the document viewer's files",
  'GET /docs/json': 'the document, for the viewer',
  'GET /docs/yaml': 'the document, for the viewer',
  'GET /docs/static/*': "the document viewer's files",
  'GET /docs/initOAuth': "the document viewer's settings",
  'GET /docs/uiConfig': "the document viewer's settings",
  'GET /docs/static/index.html': "the document viewer's files",
  'GET /docs/static/swagger-initializer.js': "the document viewer's files",
  'GET /docs/': 'the document, in a browser',
  'GET /answer/*': "an answer link's page",
  'GET /answer/style.css': "the answer page's stylesheet",
  'OPTIONS /v1*': "the browser's CORS preflight for the Outlook add-in's calls to /v1/check",
};

/** The JSON body of an answer, or its text (CSV, HTML), or undefined when it has none. */
function bodyOf(res: { body: string; headers: Record<string, unknown> }): unknown {
  if (res.body === '') return undefined;
  return String(res.headers['content-type'] ?? '').includes('json') ? JSON.parse(res.body) : res.body;
}

interface Operation {
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
  parameters?: { name: string; in: string }[];
}
interface Document {
  openapi: string;
  paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
}

const routes: { method: string; url: string; hidden: boolean }[] = [];
let redis: Redis;
let app: FastifyInstance;
let doc: Document;
let enquiryId: string;
const prefix = uniquePrefix('openapi');

const token = (sub: string, role: Role, group?: string) =>
  `Bearer ${issueToken(SECRET, { sub, role, ...(group ? { group } : {}), exp: Math.floor(Date.now() / 1000) + 3600, aud: ['briefings', 'check'] })}`;
const T = {
  office: () => token('o-bell', 'ce-office'),
  authoriser: () => token('o-murray', 'authoriser'),
  labour: () => token('cllr-hale', 'group-leader', 'labour'),
  tory: () => token('cllr-webb', 'group-leader', 'conservative'),
  officer: () => token('o-nowak', 'officer'),
  hughes: () => token('o-hughes', 'officer'),
  checker: () => token('cllr-price', 'checker'),
};

beforeAll(async () => {
  redis = sharedRedis();
  const w = world(redis, `${prefix}:enq`, { now: new Date('2026-04-09T10:00:00+01:00') });
  const clock = () => w.clock.now;
  const briefings = new BriefingService({ council: w.council, store: new MemoryStore(), clock, newId: ids('oa') });
  const signIn = testSignIn();
  const access = (id: string) => accessOf(w.council, briefingSettings(w.council), id);
  const answers = new LinkAnswers({ service: briefings, keys: LinkKeys.parse(LINK_KEYS), nonces: redisNonceStore(redis, `${prefix}:links`), clock });
  app = await buildApp({
    service: briefings,
    answers,
    auth: { secret: SECRET },
    signIn,
    linter: scriptedLinter(),
    // The check route's overload guard answers 503 on a busy machine before it looks at credentials.
    checkOverload: false,
    plugins: [
      enquiryPlugin({
        service: w.service,
        auth: { secret: SECRET, access, sessions: signIn.sessions, cookieName: cookieNames(signIn.publicUrl).session },
        linkSecret: SECRET,
        clock,
      }),
    ],
    onRoute: (route: RouteOptions) => {
      for (const method of [route.method].flat()) {
        if (method !== 'HEAD') routes.push({ method, url: route.url, hidden: (route.schema as { hide?: boolean } | undefined)?.hide === true });
      }
    },
  });
  await app.ready();
  doc = (await app.inject({ url: '/openapi.json' })).json() as Document;
  enquiryId = (await w.service.intake(email({ text: 'Kasia, could you find out when the surveyor can visit?' }))).enquiry!.id;
});
afterAll(async () => {
  await app?.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

/** `/v1/briefings/:id` → `/v1/briefings/{id}` and `/answer/*` → `/answer/{*}`, as OpenAPI writes a path. */
const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}').replace(/\*$/, '{*}');

/** A validator over the document: each response schema by its JSON pointer, components resolved. */
function validatorFor(document: Document) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormatsModule as unknown as (a: Ajv2020) => void)(ajv);
  ajv.addSchema({ ...document.components, $id: 'openapi.json', components: document.components, paths: document.paths } as object);
  const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
  return (path: string, method: string, status: number, body: unknown): string[] => {
    const operation = document.paths[path]?.[method.toLowerCase() as (typeof METHODS)[number]];
    const response = operation?.responses[String(status)];
    if (!response) return [`${method} ${path}: ${status} is not documented (documented: ${Object.keys(operation?.responses ?? {}).join(', ')})`];
    if (!response.content?.['application/json']) return [];
    // An answer in another type (an HTML page, CSV) must be documented with a type of its own.
    if (typeof body === 'string')
      return Object.keys(response.content).some((type) => type !== 'application/json')
        ? []
        : [`${method} ${path} ${status}: answered text, documented only as JSON`];
    const ref = `openapi.json#/${pointer('paths', path, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema')}`;
    const ok = ajv.validate({ $ref: ref }, body);
    return ok ? [] : (ajv.errors ?? []).map((e) => `${method} ${path} ${status}: ${e.instancePath || '(body)'} ${e.message}`);
  };
}

describe('the OpenAPI document and the running routes', () => {
  it('is OpenAPI 3.1 with the bearer and cookie schemes, and names the shared shapes as components', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['bearer', 'session']);
    for (const name of ['Error', 'Finding', 'CheckResult', 'BriefingRequest', 'Offer', 'Round', 'Session', 'Enquiry'])
      expect(doc.components.schemas, name).toHaveProperty(name);
  });

  it('the validator refuses an answer that is not as documented (so passing it means something)', () => {
    const validate = validatorFor(doc);
    expect(validate('/v1/briefings', 'POST', 201, { id: 'br-1' }).length).toBeGreaterThan(0);
    expect(validate('/v1/briefings', 'POST', 200, {})).toEqual([
      'POST /v1/briefings: 200 is not documented (documented: 201, 400, 401, 403, 409, 413, 415, 429, 500, 503)',
    ]);
    expect(validate('/v1/check', 'POST', 400, { error: 'bad_request' })).toEqual(["POST /v1/check 400: (body) must have required property 'message'"]);
  });

  it('documents every route registered, with its methods, and nothing that is not a route', () => {
    expect(routes.length).toBeGreaterThan(40);
    const registered = new Set<string>();
    const undocumented: string[] = [];
    for (const route of routes) {
      const key = `${route.method} ${route.url}`;
      if (route.hidden || NOT_API[key] !== undefined) {
        // Hidden only if it is one of the pages and files listed, an answer link's page or the add-in's files.
        if (NOT_API[key] === undefined && !route.url.startsWith('/addin/')) undocumented.push(`${key} is hidden but not a page`);
        continue;
      }
      registered.add(`${route.method} ${openApiPath(route.url)}`);
      if (!doc.paths[openApiPath(route.url)]?.[route.method.toLowerCase() as (typeof METHODS)[number]]) undocumented.push(key);
    }
    expect(undocumented).toEqual([]);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => METHODS.filter((m) => ops[m]).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.filter((op) => !registered.has(op))).toEqual([]);
    expect(documented.sort()).toEqual([...registered].sort());
  });

  it('declares the security each operation applies: without credentials, 401 exactly where bearer or cookie is required', async () => {
    const validate = validatorFor(doc);
    const problems: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of METHODS) {
        const operation = ops[method];
        if (!operation) continue;
        const url = path.replace('{id}', path.includes('enquiries') ? 'enq-0000' : 'br-0000').replace('{*}', 'not.a.real.link.token');
        const res = await app.inject({ method: method.toUpperCase() as 'GET', url, ...(method === 'get' ? {} : { payload: {} }) });
        const security = operation.security ?? [];
        const required = security.length > 0 && !security.some((s) => Object.keys(s).length === 0);
        if (required) {
          for (const scheme of security)
            expect(
              Object.keys(scheme).every((name) => name in doc.components.securitySchemes),
              `${method} ${path}`,
            ).toBe(true);
          expect(security.map((s) => Object.keys(s)[0]).sort(), `${method} ${path}`).toEqual(['bearer', 'session']);
        }
        if (required !== (res.statusCode === 401))
          problems.push(`${method.toUpperCase()} ${path}: security ${JSON.stringify(security)} but answered ${res.statusCode} without credentials`);
        problems.push(...validate(path, method, res.statusCode, bodyOf(res)));
      }
    }
    expect(problems).toEqual([]);
  });

  it('documents the status code and the body of every answer in a real exchange (201 for a new request)', async () => {
    const validate = validatorFor(doc);
    const problems: string[] = [];
    const call = async (method: 'GET' | 'POST' | 'PATCH', url: string, auth: string | undefined, body?: unknown, expected?: number) => {
      const res = await app.inject({
        method,
        url,
        ...(auth ? { headers: { authorization: auth } } : {}),
        ...(body !== undefined ? { payload: body as object } : {}),
      });
      if (expected !== undefined && res.statusCode !== expected)
        problems.push(`${method} ${url}: expected ${expected}, got ${res.statusCode} ${res.body.slice(0, 200)}`);
      const route = routes.find((r) => r.method === method && new RegExp(`^${r.url.replace(/:\w+/g, '[^/]+')}$`).test(url.split('?')[0]!));
      problems.push(...validate(openApiPath(route?.url ?? url.split('?')[0]!), method, res.statusCode, bodyOf(res)));
      return res;
    };

    // Briefings: a request (201), its decision (200), the round, the offers, a session (201), the register.
    const created = await call('POST', '/v1/briefings', T.labour(), LABOUR_REQUEST, 201);
    expect(doc.paths['/v1/briefings']!.post!.responses).toHaveProperty('201');
    expect(doc.paths['/v1/briefings']!.post!.responses).not.toHaveProperty('200');
    const id = created.json().id as string;
    await call('GET', '/v1/briefings', T.office(), undefined, 200);
    await call('GET', '/v1/briefings?status=pending,approved', T.office(), undefined, 200);
    await call('GET', `/v1/briefings/${id}`, T.labour(), undefined, 200);
    const decided = await call('POST', `/v1/briefings/${id}/decision`, T.authoriser(), { decision: 'approve' }, 200);
    await call('POST', `/v1/briefings/${id}/decision`, T.authoriser(), { decision: 'approve' }, 409);
    expect(decided.json(), JSON.stringify(problems)).toHaveProperty('round');
    const roundId = decided.json().round.id as string;
    await call('GET', '/v1/rounds', T.office(), undefined, 200);
    const round = await call('GET', `/v1/rounds/${roundId}`, T.office(), undefined, 200);
    const toryOffer = (round.json().offers as { id: string; party: { id: string } }[]).find((o) => o.party.id === 'conservative')!.id;
    await call('GET', '/v1/offers', T.tory(), undefined, 200);
    await call('GET', `/v1/offers/${toryOffer}`, T.tory(), undefined, 200);
    await call('POST', `/v1/offers/${toryOffer}/response`, T.tory(), { response: 'accept', proposedTimes: ['2026-12-01T17:00:00Z'] }, 200);
    await call(
      'POST',
      '/v1/sessions',
      T.office(),
      {
        offerId: toryOffer,
        officers: ['o-hughes'],
        venue: 'Room 1',
        startsAt: '2026-04-20T10:00:00Z',
        endsAt: '2026-04-20T11:00:00Z',
        material: { version: 'v1', sha256: SHA },
      },
      201,
    );
    // The Lib Dems answer through their notice's link, as the Slack app does (JSON); the link gives one answer (409 after).
    const libdemOffer = (round.json().offers as { id: string; party: { id: string } }[]).find((o) => o.party.id === 'libdem')!.id;
    const link = signLink(LinkKeys.parse(LINK_KEYS), {
      k: 'o',
      id: libdemOffer,
      p: 'libdem',
      u: 'cllr-doyle',
      exp: Math.floor(Date.now() / 1000) + 3600,
      n: 'openapi-test-nonce',
    });
    const viaLink = async (expected: number) => {
      const res = await app.inject({
        method: 'POST',
        url: `/answer/${link}`,
        headers: { accept: 'application/json' },
        payload: { response: 'decline', via: 'slack' },
      });
      if (res.statusCode !== expected) problems.push(`POST /answer/…: expected ${expected}, got ${res.statusCode} ${res.body.slice(0, 200)}`);
      problems.push(...validate('/answer/{*}', 'POST', res.statusCode, bodyOf(res)));
    };
    await viaLink(200);
    await viaLink(409);
    await call('GET', '/v1/invitations', T.office(), undefined, 200);
    // An officer's refused same-matter decline, marked as dealt with: 400, 403, 404, then 200, then 409.
    const labourOffer = (round.json().offers as { id: string; party: { id: string } }[]).find((o) => o.party.id === 'labour')!.id;
    const labourSession = {
      offerId: labourOffer,
      officers: ['o-hughes'],
      venue: 'Room 1',
      startsAt: '2026-04-21T10:00:00Z',
      endsAt: '2026-04-21T11:00:00Z',
      material: { version: 'v1', sha256: SHA },
    };
    await call('POST', '/v1/sessions', T.office(), labourSession, 201);
    const invitations = (await call('GET', '/v1/invitations', T.office(), undefined, 200)).json().invitations as { id: string; party: string }[];
    const invitation = (party: string) => invitations.find((i) => i.party === party)!.id;
    await call('POST', `/v1/invitations/${invitation('labour')}/response`, T.hughes(), { response: 'accept' }, 200);
    await call('POST', `/v1/invitations/${invitation('conservative')}/response`, T.hughes(), { response: 'decline', reason: 'on leave' }, 409);
    const items = await call('GET', '/v1/action-items', T.office(), undefined, 200);
    expect(items.json().refusals).toHaveLength(1);
    const dealtWith = `/v1/action-items/refusals/${invitation('conservative')}/dealt-with`;
    await call('POST', dealtWith, T.office(), { note: 'Spoke to her.\nDone' }, 400);
    await call('POST', dealtWith, T.tory(), { note: 'Spoke to her' }, 403);
    await call('POST', '/v1/action-items/refusals/iv-nonesuch/dealt-with', T.office(), { note: 'Spoke to her' }, 404);
    await call('POST', dealtWith, T.office(), { note: 'Spoke to her', refusedDeclines: 1 }, 200);
    await call('POST', dealtWith, T.authoriser(), { note: 'Spoke to her' }, 409);
    await call('GET', '/v1/office', T.office(), undefined, 200);
    await call('GET', '/v1/register', T.office(), undefined, 200);
    await call('GET', '/v1/audit?last=5', T.office(), undefined, 200);
    await call('GET', '/v1/audit/verify', T.office(), undefined, 200);
    await call('GET', '/v1/delivery', T.office(), undefined, 200);
    await call('GET', '/v1/action-items', T.office(), undefined, 200);
    // Refusals: a field missing (400), a role that may not (403), an unknown id (404).
    const missing = await call('POST', '/v1/briefings', T.labour(), { details: 'x' }, 400);
    expect(missing.json().message).toContain('matter');
    await call('GET', '/v1/rounds', T.labour(), undefined, 403);
    await call('GET', '/v1/briefings/br-nope', T.office(), undefined, 404);

    // The check API: findings (200), a wrong field (400, naming it), no credentials (401).
    const message = { channel: 'email', from: 'cllr-hale@ashcombe.gov.uk', to: ['amir.patel@ashcombe.gov.uk'], text: 'Please print our leaflets.' };
    await call('POST', '/v1/check?stage=audit', T.checker(), message, 200);
    const bad = await call('POST', '/v1/check', T.checker(), { ...message, channel: 'fax' }, 400);
    expect(bad.json()).toMatchObject({ field: 'channel' });
    await call('POST', '/v1/check', undefined, message, 401);

    // Sign-in and member enquiries.
    await call('GET', '/auth/session', undefined, undefined, 200);
    await call('GET', '/v1/enquiries/whoami', T.officer(), undefined, 200);
    await call('GET', '/v1/enquiries/due', T.officer(), undefined, 200);
    await call('GET', `/v1/enquiries/${enquiryId}`, T.officer(), undefined, 200);
    await call('GET', '/v1/enquiries/dashboard?months=6', T.office(), undefined, 200);
    await call('GET', '/v1/enquiries/dashboard?months=99', T.office(), undefined, 400);
    await call('POST', `/v1/enquiries/${enquiryId}/acknowledge`, T.officer(), undefined, 200);
    await call('POST', '/v1/enquiries', T.office(), { councillor: 'cllr-price', subject: 'Bins in Riverside' }, 201);
    await call('POST', '/v1/enquiries/act', undefined, { t: 'not-a-link' }, 403);

    expect(problems).toEqual([]);
  });
});
