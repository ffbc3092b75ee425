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
import type { Actor } from '../briefings/context.js';
import type { DecisionInput, RequestInput } from '../briefings/requests.js';
import type { BriefingService } from '../briefings/service.js';
import { DECLINE_REASONS, RECEIVED_VIA, type RequestStatus } from '../briefings/types.js';
import { requireRole, type AuthOptions } from './auth.js';

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

export const idParams = (name: string) =>
  ({
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string', pattern: '^[a-z]{2}-[A-Za-z0-9-]{1,60}$', description: `${name} id` } },
  }) as const;

export const security: { [scheme: string]: string[] }[] = [{ bearer: [] }, { session: [] }];

const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max }) as const;
const personId = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 80 } as const;

const requestBody = {
  type: 'object',
  required: ['matter', 'details'],
  additionalProperties: false,
  properties: {
    matter: { ...text(200), description: 'The matter, as a neutral title other groups may see' },
    details: { ...text(5000), description: 'What the group wants covered; confidential to the group and the office' },
    requestedBy: { ...personId, description: 'The member who asked (office only; a group token speaks for itself)' },
    to: { ...personId, description: 'The recipient the request was addressed to (must be the designated one)' },
    officers: { type: 'array', items: personId, maxItems: 20, uniqueItems: true },
    premises: {
      type: 'object',
      required: ['councilControlled'],
      additionalProperties: false,
      properties: { councilControlled: { type: 'boolean' }, description: text(200) },
    },
    nonMembersPresent: { type: 'boolean' },
    preferredDate: { type: 'string', format: 'date' },
    received: {
      type: 'object',
      required: ['at', 'via'],
      additionalProperties: false,
      description: 'A written request the office records: when it reached the council and how (office only)',
      properties: { at: { type: 'string', format: 'date-time' }, via: { type: 'string', enum: [...RECEIVED_VIA] } },
    },
  },
} as const;

const decisionBody = {
  type: 'object',
  required: ['decision'],
  additionalProperties: false,
  properties: {
    decision: { type: 'string', enum: ['approve', 'decline', 'defer'] },
    reason: { type: 'string', enum: [...DECLINE_REASONS] },
    note: text(1000),
    until: { type: 'string', format: 'date' },
    offerTitle: { ...text(200), description: 'Neutral title for the offer to other groups (defaults to the matter)' },
    overridePreElection: { type: 'boolean' },
  },
} as const;

const STATUSES: RequestStatus[] = ['pending', 'deferred', 'approved', 'declined', 'withdrawn'];

export const briefingRoutes: FastifyPluginAsync<BriefingRoutesOptions> = async (app, { service, auth }) => {
  app.post<{ Body: RequestInput }>(
    '/v1/briefings',
    {
      schema: { tags: ['briefings'], summary: 'Request a party-group briefing', security, body: requestBody },
      preValidation: requireRole(auth, 'group-leader', 'ce-office'),
    },
    async (request, reply) => reply.code(201).send(await service.request(actorOf(request), request.body)),
  );

  app.get<{ Querystring: { status?: string } }>(
    '/v1/briefings',
    {
      schema: {
        tags: ['briefings'],
        summary: 'List requests (the office sees all; a group its own)',
        security,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { status: { type: 'string', pattern: `^(${STATUSES.join('|')})(,(${STATUSES.join('|')}))*$`, description: 'comma-separated statuses' } },
        },
      },
      preValidation: requireRole(auth, ...OFFICE, 'group-leader'),
    },
    async (request) => {
      const statuses = request.query.status?.split(',') as RequestStatus[] | undefined;
      return { requests: await service.listRequests(actorOf(request), statuses) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/briefings/:id',
    {
      schema: { tags: ['briefings'], summary: 'One request, as the caller may see it', security, params: idParams('request') },
      preValidation: requireRole(auth, ...OFFICE, 'group-leader'),
    },
    async (request) => service.getRequest(actorOf(request), request.params.id),
  );

  app.post<{ Params: { id: string }; Body: DecisionInput }>(
    '/v1/briefings/:id/decision',
    {
      schema: { tags: ['briefings'], summary: 'Approve, decline (with a reason code) or defer', security, params: idParams('request'), body: decisionBody },
      preValidation: requireRole(auth, 'authoriser'),
    },
    async (request) => service.decide(actorOf(request), request.params.id, request.body),
  );

  app.get(
    '/v1/office',
    { schema: { tags: ['briefings'], summary: "Names for the office page: the council's groups and people", security }, preValidation: requireRole(auth, ...OFFICE) },
    async () => {
      const c = service.council;
      return {
        council: c.council,
        groups: c.groups.map((g) => ({ id: g.id, name: g.name })),
        people: c.people.map((p) => ({ id: p.id, name: p.name, role: p.role, ...(p.group ? { group: p.group } : {}), ...(p.groupRole ? { groupRole: p.groupRole } : {}), ...(p.title ? { title: p.title } : {}) })),
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

  app.post<{ Params: { id: string } }>(
    '/v1/briefings/:id/withdraw',
    {
      schema: { tags: ['briefings'], summary: 'Withdraw a request (other groups keep their offers)', security, params: idParams('request') },
      preValidation: requireRole(auth, 'group-leader', 'ce-office'),
    },
    async (request) => service.withdraw(actorOf(request), request.params.id),
  );
};
