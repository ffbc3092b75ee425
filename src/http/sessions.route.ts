/**
 * Sessions and officers' invitations:
 *   POST  /v1/sessions                    schedule a group's session (officers, venue, time, material + SHA-256)
 *   PATCH /v1/sessions/:id                change or cancel it (re-sent with the same UID, next SEQUENCE)
 *   GET   /v1/invitations                 an officer's invitations (the office sees all)
 *   POST  /v1/invitations/:id/response    accept or decline; a decline that breaks the same-matter rule is 409
 */
import type { FastifyPluginAsync } from 'fastify';
import type { SessionChange, SessionInput } from '../briefings/sessions.js';
import { requireRole } from './auth.js';
import { actorOf, idParams, OFFICE, security, type BriefingRoutesOptions } from './briefings.route.js';
import { materialSchema } from './offers.route.js';

const officers = { type: 'array', minItems: 1, maxItems: 20, uniqueItems: true, items: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$' } } as const;
const venue = { type: 'string', minLength: 1, maxLength: 200 } as const;
const when = { type: 'string', format: 'date-time' } as const;

export const sessionRoutes: FastifyPluginAsync<BriefingRoutesOptions> = async (app, { service, auth }) => {
  app.post<{ Body: SessionInput }>(
    '/v1/sessions',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Schedule the session for an offer that was taken up',
        security,
        body: {
          type: 'object',
          required: ['offerId', 'officers', 'venue', 'startsAt', 'endsAt', 'material'],
          additionalProperties: false,
          properties: { offerId: idParams('offer').properties.id, officers, venue, startsAt: when, endsAt: when, material: materialSchema },
        },
      },
      preValidation: requireRole(auth, 'ce-office'),
    },
    async (request, reply) => reply.code(201).send(await service.scheduleSession(actorOf(request), request.body)),
  );

  app.patch<{ Params: { id: string }; Body: SessionChange }>(
    '/v1/sessions/:id',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Change or cancel a session',
        security,
        params: idParams('session'),
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: { venue, startsAt: when, endsAt: when, material: materialSchema, cancel: { type: 'boolean', const: true } },
        },
      },
      preValidation: requireRole(auth, 'ce-office'),
    },
    async (request) => service.changeSession(actorOf(request), request.params.id, request.body),
  );

  app.get(
    '/v1/invitations',
    { schema: { tags: ['sessions'], summary: "An officer's invitations", security }, preValidation: requireRole(auth, 'officer', ...OFFICE) },
    async (request) => ({ invitations: await service.listInvitations(actorOf(request)) }),
  );

  app.post<{ Params: { id: string }; Body: { response: 'accept' | 'decline'; reason?: string } }>(
    '/v1/invitations/:id/response',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Accept or decline an invitation to brief a group',
        security,
        params: idParams('invitation'),
        body: {
          type: 'object',
          required: ['response'],
          additionalProperties: false,
          properties: { response: { type: 'string', enum: ['accept', 'decline'] }, reason: { type: 'string', maxLength: 500 } },
        },
      },
      preValidation: requireRole(auth, 'officer', 'ce-office'),
    },
    async (request) => service.respondToInvitation(actorOf(request), request.params.id, request.body.response, request.body.reason),
  );
};
