/**
 * The enquiry API and pages, as a Fastify plugin the API process registers (`plugins` in buildApp). Sign-in and
 * roles are the office page's (src/http/auth.ts): member services are `ce-office` or `monitoring-officer`; an
 * officer sees what is due from them; anyone signed in who is a councillor in council.yaml sees their own.
 * The one-click links in reminders need no sign-in: the signed link is the authority, for that enquiry, that
 * action and that officer.
 *
 *   GET  /enquiries/                     the page (member services, councillor, officer views)
 *   GET  /v1/enquiries/dashboard         member services: open and overdue by service, officer, ward; medians
 *   GET  /v1/enquiries/export.csv        member services: every enquiry received in the last `months` months
 *   GET  /v1/enquiries/mine              a councillor's own, with each step
 *   GET  /v1/enquiries/due               an officer's: unresolved, soonest due first
 *   GET  /v1/enquiries/:id               one, with its steps (its councillor, its officer, member services)
 *   POST /v1/enquiries                   record a telephone enquiry (member services, officers)
 *   POST /v1/enquiries/:id/acknowledge | answered | holding | close | assign
 *   POST /v1/enquiries/act               a reminder's one-click link
 */
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole, type AuthOptions } from '../http/auth.js';
import { pageFilesDir, servePage } from '../http/page-files.js';
import {
  assignBody,
  AUTHED_ERRORS,
  dashboardSchema,
  enquiryParams,
  enquirySchema,
  errorResponses,
  holdingBody,
  linkActionBody,
  monthsQuery,
  PUBLIC,
  recordEnquiryBody,
  SECURITY,
  useZod,
} from '../http/contract.js';
import { verifyLink } from './links.js';
import type { Enquiry } from './model.js';
import { EnquiryError, type EnquiryService } from './service.js';
import { serviceOf } from './settings.js';
import { csv, dashboard, view } from './views.js';

export interface EnquiryRoutesOptions {
  service: EnquiryService;
  auth: AuthOptions;
  /** Signs and verifies the one-click links (the API's token secret). */
  linkSecret: string;
  clock?: () => Date;
  pageDir?: string;
}

const MEMBER_SERVICES = ['ce-office', 'monitoring-officer'] as const;
const security = SECURITY;
const tags = ['enquiries'];
const enquiryOut = { 200: enquirySchema, ...errorResponses(400, 403, 404, 409, ...AUTHED_ERRORS) };

export function defaultEnquiryPageDir(): string {
  return pageFilesDir(import.meta.url, 'page');
}

/**
 * For buildApp's `plugins`: registers the routes in their own context (their error mapping stays theirs), signing
 * people in with the app's own auth unless `auth` is given.
 */
export function enquiryPlugin(
  opts: Omit<EnquiryRoutesOptions, 'auth'> & { auth?: AuthOptions },
): (app: FastifyInstance, context?: { auth: AuthOptions }) => Promise<void> {
  return async (app, context) => {
    const auth = opts.auth ?? context?.auth;
    if (!auth) throw new Error('enquiryPlugin: no auth (pass it, or register through buildApp)');
    await app.register(enquiryRoutes, { ...opts, auth });
  };
}

export const enquiryRoutes: FastifyPluginAsync<EnquiryRoutesOptions> = async (plain, opts) => {
  useZod(plain);
  const app = plain.withTypeProvider<ZodTypeProvider>();
  const { service, auth } = opts;
  const clock = opts.clock ?? (() => new Date());
  const council = () => service.council;
  const memberServices = requireRole(auth, ...MEMBER_SERVICES);
  const anyone = requireRole(auth);
  const officer = requireRole(auth, 'officer');

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const code = (error as { code?: string }).code;
    const status =
      code === 'invalid'
        ? 400
        : code === 'forbidden'
          ? 403
          : code === 'not-found'
            ? 404
            : code === 'conflict'
              ? 409
              : error.validation
                ? 400
                : (error.statusCode ?? 500);
    if (status >= 500) {
      request.log.error({ err: error }, 'enquiries: unhandled error');
      return reply.code(status).send({ error: 'internal', message: `something went wrong on our side (request ${request.id})` });
    }
    return reply
      .code(status)
      .send({ error: status === 404 ? 'not_found' : status === 403 ? 'forbidden' : status === 409 ? 'conflict' : 'bad_request', message: error.message });
  });

  const who = (request: FastifyRequest) => request.principal!;
  const isMemberServices = (request: FastifyRequest) => who(request).roles.some((r) => (MEMBER_SERVICES as readonly string[]).includes(r));
  /** The enquiry's officer, the officer standing in for them, their service manager, or member services. */
  const mayAct = (request: FastifyRequest, e: Enquiry) => {
    const sub = who(request).sub;
    if (isMemberServices(request)) return true;
    if (council().byId.get(sub)?.role !== 'officer') return false;
    if (!e.officer || e.officer === sub) return true;
    const s = service.settings;
    if (s.alternates[e.officer] === sub || s.away.some((a) => a.officer === e.officer && a.alternate === sub)) return true;
    return serviceOf(s, e.officer)?.manager === sub;
  };
  const load = async (id: string) => {
    const e = await service.get(id);
    if (!e) throw new EnquiryError('not-found', `no enquiry ${id}`);
    return e;
  };
  const show = async (e: Enquiry, steps = false) =>
    view(e, council(), service.settings, service.calendar, clock(), steps ? await service.store.events(e.id) : undefined);

  await servePage(app, { prefix: '/enquiries/', root: opts.pageDir ?? defaultEnquiryPageDir(), index: 'index.html' });

  const whoami = z.object({
    id: z.string(),
    name: z.string(),
    councillor: z.boolean(),
    officer: z.boolean(),
    memberServices: z.boolean(),
    council: z.string(),
    councillors: z.array(z.object({ id: z.string(), name: z.string() })),
    officers: z.array(z.object({ id: z.string(), name: z.string() })),
  });
  app.get(
    '/v1/enquiries/whoami',
    {
      preValidation: anyone,
      schema: { tags, security, summary: 'Who the caller is to the enquiry pages', response: { 200: whoami, ...errorResponses(...AUTHED_ERRORS) } },
    },
    async (request) => {
      const p = who(request);
      const person = council().byId.get(p.sub);
      return {
        id: p.sub,
        name: person?.name ?? p.sub,
        councillor: person?.role === 'councillor',
        officer: person?.role === 'officer',
        memberServices: isMemberServices(request),
        council: council().council,
        councillors:
          isMemberServices(request) || person?.role === 'officer'
            ? council()
                .people.filter((x) => x.role === 'councillor')
                .map((x) => ({ id: x.id, name: x.name }))
            : [],
        officers:
          isMemberServices(request) || person?.role === 'officer'
            ? council()
                .people.filter((x) => x.role === 'officer')
                .map((x) => ({ id: x.id, name: x.name }))
            : [],
      };
    },
  );

  app.get(
    '/v1/enquiries/dashboard',
    {
      preValidation: memberServices,
      schema: {
        tags,
        security,
        summary: "Member services' figures: open and overdue by service, officer and ward; medians",
        querystring: monthsQuery(24),
        response: { 200: dashboardSchema, ...errorResponses(400, ...AUTHED_ERRORS) },
      },
    },
    async (request) => dashboard(service.store, council(), service.settings, service.calendar, clock(), request.query.months ?? 12),
  );

  app.get(
    '/v1/enquiries/export.csv',
    {
      preValidation: memberServices,
      schema: {
        tags,
        security,
        summary: 'Every enquiry received in the last `months` months, as CSV',
        querystring: monthsQuery(120),
        response: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses(400, ...AUTHED_ERRORS) },
      },
    },
    async (request, reply) => {
      const now = clock().getTime();
      const ids = await service.store.receivedBetween(now - (request.query.months ?? 12) * 31 * 86_400_000, now + 1);
      const body = csv(await service.store.many(ids), council(), service.settings);
      return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="enquiries.csv"').send(body);
    },
  );

  const list = { 200: z.object({ enquiries: z.array(enquirySchema) }), ...errorResponses(...AUTHED_ERRORS) };
  app.get(
    '/v1/enquiries/mine',
    { preValidation: anyone, schema: { tags, security, summary: "A councillor's own enquiries, with each step", response: list } },
    async (request) => {
      const sub = who(request).sub;
      if (council().byId.get(sub)?.role !== 'councillor') throw new EnquiryError('forbidden', 'only a councillor has enquiries of their own');
      const list = await service.store.many(await service.store.ofCouncillor(sub));
      return { enquiries: await Promise.all(list.map((e) => show(e, true))) };
    },
  );

  app.get(
    '/v1/enquiries/due',
    { preValidation: officer, schema: { tags, security, summary: "An officer's unresolved enquiries, soonest due first", response: list } },
    async (request) => {
      const sub = who(request).sub;
      const list = await service.store.many(await service.store.ofOfficer(sub));
      return { enquiries: await Promise.all(list.map((e) => show(e))) };
    },
  );

  app.get(
    '/v1/enquiries/:id',
    { preValidation: anyone, schema: { tags, security, summary: 'One enquiry, with its steps', params: enquiryParams, response: enquiryOut } },
    async (request) => {
      const e = await load(request.params.id);
      if (e.councillor !== who(request).sub && !mayAct(request, e)) throw new EnquiryError('not-found', `no enquiry ${e.id}`);
      return show(e, true);
    },
  );

  app.post(
    '/v1/enquiries',
    {
      preValidation: requireRole(auth, ...MEMBER_SERVICES, 'officer'),
      schema: {
        tags,
        security,
        summary: 'Record an enquiry that came by telephone or in person',
        body: recordEnquiryBody,
        response: { 201: enquirySchema, ...errorResponses(400, 404, 413, 415, ...AUTHED_ERRORS) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const at = b.receivedAt ? new Date(b.receivedAt) : clock();
      if (at.getTime() > clock().getTime() + 60_000) throw new EnquiryError('invalid', 'receivedAt is in the future');
      const e = await service.record({
        councillor: b.councillor,
        ...(b.officer ? { officer: b.officer } : {}),
        subject: b.subject,
        receivedAt: at,
        by: who(request).sub,
      });
      return reply.code(201).send(await show(e, true));
    },
  );

  const act = (path: string, summary: string, run: (e: Enquiry, request: FastifyRequest) => Promise<Enquiry>, allowCouncillor = false, body?: z.ZodType) =>
    app.post(
      `/v1/enquiries/:id/${path}`,
      { preValidation: anyone, schema: { tags, security, summary, params: enquiryParams, ...(body ? { body } : {}), response: enquiryOut } },
      async (request) => {
        const e = await load(request.params.id);
        const own = allowCouncillor && e.councillor === who(request).sub;
        if (!own && !mayAct(request, e))
          throw new EnquiryError('forbidden', 'only the officer it is with (or their stand-in, their manager or member services) may do this');
        return show(await run(e, request), true);
      },
    );
  act('acknowledge', 'Acknowledge it (stops the acknowledgement clock)', (e, r) => service.acknowledge(e.id, who(r).sub));
  act('answered', 'Mark it answered', (e, r) => service.markAnswered(e.id, who(r).sub));
  act(
    'holding',
    'Send a holding reply: a new day, with the reason and the action',
    (e, r) => {
      const b = r.body as { newDay: string; reason: boolean; action: boolean };
      return service.holding(e.id, who(r).sub, b.newDay, { reason: b.reason, action: b.action });
    },
    false,
    holdingBody,
  );
  act('close', 'Close it as not an enquiry (its councillor may, too)', (e, r) => service.close(e.id, who(r).sub, 'not-an-enquiry'), true);
  act(
    'assign',
    'Assign it to an officer (member services)',
    (e, r) => {
      if (!isMemberServices(r)) throw new EnquiryError('forbidden', 'member services assign enquiries');
      return service.assign(e.id, who(r).sub, (r.body as { officer: string }).officer);
    },
    false,
    assignBody,
  );

  app.post(
    '/v1/enquiries/act',
    {
      schema: {
        tags,
        security: PUBLIC,
        summary: "A reminder's one-click link (the signed link is the authority)",
        body: linkActionBody,
        response: {
          200: z.object({ done: z.enum(['acknowledge', 'answered']), enquiry: enquirySchema }),
          ...errorResponses(400, 403, 404, 409, 413, 415, 429, 500, 503),
        },
      },
    },
    async (request) => {
      const checked = verifyLink(opts.linkSecret, request.body.t, Math.floor(clock().getTime() / 1000));
      if (!checked.ok) throw new EnquiryError('forbidden', checked.reason);
      const { enquiry, action, by } = checked.claims;
      const e = action === 'acknowledge' ? await service.acknowledge(enquiry, by) : await service.markAnswered(enquiry, by);
      return { done: action, enquiry: await show(e) };
    },
  );
};
