/**
 * Sessions and officers' invitations:
 *   POST  /v1/sessions                    schedule a group's session (officers, venue, time, material + SHA-256)
 *   PATCH /v1/sessions/:id                change or cancel it (re-sent with the same UID, next SEQUENCE)
 *   GET   /v1/invitations                 an officer's invitations (the office sees all)
 *   POST  /v1/invitations/:id/response    accept or decline; a decline that breaks the same-matter rule is 409
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole } from './auth.js';
import { actorOf, OFFICE, security, type BriefingRoutesOptions } from './briefings.route.js';
import {
  AUTHED_ERRORS,
  errorResponses,
  idParams,
  invitationResponseBody,
  invitationSchema,
  sessionBody,
  sessionChangeBody,
  sessionSchema,
  useZod,
} from './contract.js';

export const sessionRoutes: FastifyPluginAsync<BriefingRoutesOptions> = async (plain, { service, auth }) => {
  useZod(plain);
  const app = plain.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/v1/sessions',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Schedule the session for an offer that was taken up',
        security,
        body: sessionBody,
        response: { 201: sessionSchema, ...errorResponses(400, 404, 409, 413, 415, ...AUTHED_ERRORS) },
      },
      preValidation: requireRole(auth, 'ce-office'),
    },
    async (request, reply) => reply.code(201).send(await service.scheduleSession(actorOf(request), request.body)),
  );

  app.patch(
    '/v1/sessions/:id',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Change or cancel a session',
        security,
        params: idParams('session'),
        body: sessionChangeBody,
        response: { 200: sessionSchema, ...errorResponses(400, 404, 409, 413, 415, ...AUTHED_ERRORS) },
      },
      preValidation: requireRole(auth, 'ce-office'),
    },
    async (request) => service.changeSession(actorOf(request), request.params.id, request.body),
  );

  app.get(
    '/v1/invitations',
    {
      schema: {
        tags: ['sessions'],
        summary: "An officer's invitations",
        security,
        response: { 200: z.object({ invitations: z.array(invitationSchema) }), ...errorResponses(...AUTHED_ERRORS) },
      },
      preValidation: requireRole(auth, 'officer', ...OFFICE),
    },
    async (request) => ({ invitations: await service.listInvitations(actorOf(request)) }),
  );

  app.post(
    '/v1/invitations/:id/response',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Accept or decline an invitation to brief a group',
        security,
        params: idParams('invitation'),
        body: invitationResponseBody,
        response: { 200: invitationSchema, ...errorResponses(400, 404, 409, 413, 415, ...AUTHED_ERRORS) },
      },
      preValidation: requireRole(auth, 'officer', 'ce-office'),
    },
    async (request) => service.respondToInvitation(actorOf(request), request.params.id, request.body.response, request.body.reason),
  );
};
