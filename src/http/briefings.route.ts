/**
 * Briefing requests and decisions:
 *   POST /v1/briefings                 a group (or the office recording a written request) asks
 *   GET  /v1/briefings?status=…        the office's list (a group sees its own)
 *   GET  /v1/briefings/:id             one request (the office sees its round; a group only its own request)
 *   POST /v1/briefings/:id/decision    the authoriser approves, declines (reason code) or defers
 *   POST /v1/briefings/:id/withdraw    the requesting group withdraws (other groups keep their offers)
 *   GET  /v1/office                    names for the office page (council, groups, people), office roles only
 * Also the small helpers the other briefing route plugins share (actor from token, id params, roles).
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Actor } from '../briefings/context.js';
import type { BriefingService } from '../briefings/service.js';
import type { RequestStatus } from '../briefings/types.js';
import { requireRole, type AuthOptions } from './auth.js';
import {
  AUTHED_ERRORS,
  briefingRequest,
  decisionBody,
  decisionResponse,
  errorResponses,
  idParams,
  listRequestsQuery,
  officeNames,
  requestBody,
  SECURITY,
  useZod,
} from './contract.js';

export interface BriefingRoutesOptions {
  service: BriefingService;
  auth: AuthOptions;
}

export const OFFICE = ['ce-office', 'authoriser', 'monitoring-officer'] as const;

/** The token's holder as the domain sees them (set by requireRole). */
export function actorOf(request: FastifyRequest): Actor {
  const p = request.principal!;
  return { id: p.sub, role: p.role, ...(p.group ? { group: p.group } : {}) };
}

export { idParams };
export const security = SECURITY;

export const briefingRoutes: FastifyPluginAsync<BriefingRoutesOptions> = async (plain, { service, auth }) => {
  useZod(plain);
  const app = plain.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/v1/briefings',
    {
      schema: {
        tags: ['briefings'],
        summary: 'Request a party-group briefing',
        security,
        body: requestBody,
        response: { 201: briefingRequest, ...errorResponses(400, 409, 413, 415, ...AUTHED_ERRORS) },
      },
      preValidation: requireRole(auth, 'group-leader', 'ce-office'),
    },
    async (request, reply) => reply.code(201).send(await service.request(actorOf(request), request.body)),
  );

  app.get(
    '/v1/briefings',
    {
      schema: {
        tags: ['briefings'],
        summary: 'List requests (the office sees all; a group its own)',
        security,
        querystring: listRequestsQuery,
        response: { 200: z.object({ requests: z.array(briefingRequest) }), ...errorResponses(400, ...AUTHED_ERRORS) },
      },
      preValidation: requireRole(auth, ...OFFICE, 'group-leader'),
    },
    async (request) => {
      const statuses = request.query.status?.split(',') as RequestStatus[] | undefined;
      return { requests: await service.listRequests(actorOf(request), statuses) };
    },
  );

  app.get(
    '/v1/briefings/:id',
    {
      schema: {
        tags: ['briefings'],
        summary: 'One request, as the caller may see it',
        security,
        params: idParams('request'),
        response: { 200: briefingRequest, ...errorResponses(400, 404, ...AUTHED_ERRORS) },
      },
      preValidation: requireRole(auth, ...OFFICE, 'group-leader'),
    },
    async (request) => service.getRequest(actorOf(request), request.params.id),
  );

  app.post(
    '/v1/briefings/:id/decision',
    {
      schema: {
        tags: ['briefings'],
        summary: 'Approve, decline (with a reason code) or defer',
        security,
        params: idParams('request'),
        body: decisionBody,
        response: { 200: decisionResponse, ...errorResponses(400, 404, 409, 413, 415, ...AUTHED_ERRORS) },
      },
      preValidation: requireRole(auth, 'authoriser'),
    },
    async (request) => service.decide(actorOf(request), request.params.id, request.body),
  );

  app.get(
    '/v1/office',
    {
      schema: {
        tags: ['briefings'],
        summary: "Names for the office page: the council's groups and people",
        security,
        response: { 200: officeNames, ...errorResponses(...AUTHED_ERRORS) },
      },
      preValidation: requireRole(auth, ...OFFICE),
    },
    async () => {
      const c = service.council;
      return {
        council: c.council,
        groups: c.groups.map((g) => ({ id: g.id, name: g.name })),
        people: c.people.map((p) => ({
          id: p.id,
          name: p.name,
          role: p.role,
          ...(p.group ? { group: p.group } : {}),
          ...(p.groupRole ? { groupRole: p.groupRole } : {}),
          ...(p.title ? { title: p.title } : {}),
        })),
        authorisers: service.settings.authorisers,
        timezone: service.settings.timezone,
        // Who may make a request for a group: its leader, deputy or a named spokesperson.
        requesters: c.people
          .filter((p) => p.role === 'councillor' && p.group && ['leader', 'deputy', 'spokesperson'].includes(p.groupRole ?? ''))
          .map((p) => ({ id: p.id, name: p.name, group: p.group, groupName: c.groups.find((g) => g.id === p.group)?.name ?? p.group })),
        officers: c.people.filter((p) => p.role === 'officer').map((p) => ({ id: p.id, name: p.name, ...(p.title ? { title: p.title } : {}) })),
      };
    },
  );

  app.post(
    '/v1/briefings/:id/withdraw',
    {
      schema: {
        tags: ['briefings'],
        summary: 'Withdraw a request (other groups keep their offers)',
        security,
        params: idParams('request'),
        response: { 200: briefingRequest, ...errorResponses(400, 404, 409, ...AUTHED_ERRORS) },
      },
      preValidation: requireRole(auth, 'group-leader', 'ce-office'),
    },
    async (request) => service.withdraw(actorOf(request), request.params.id),
  );
};
