/**
 * Offers and rounds:
 *   GET  /v1/offers                    a group's own offers
 *   GET  /v1/offers/:id                one offer (its group, or the office)
 *   POST /v1/offers/:id/response       accept or decline (the group, or the office recording a reply)
 *   GET  /v1/rounds?limit=&cursor=     rounds, newest first, a page at a time, with each group's offer and
 *                                      notice delivery state (office); `next` is the following page's cursor
 *   GET  /v1/rounds/:id                one round (office)
 *   POST /v1/rounds/:id/refresh        late offers to groups formed since the round opened (office)
 *   POST /v1/rounds/:id/follow-ups     a factual answer to every group that took the briefing up
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole } from './auth.js';
import { actorOf, OFFICE, security, type BriefingRoutesOptions } from './briefings.route.js';
import { AUTHED_ERRORS, errorResponses, followUpBody, followUpSchema, idParams, offerResponseBody, offerSchema, roundSchema, useZod } from './contract.js';
import { SHED } from './overload.js';

/** Rounds per page of GET /v1/rounds: each is a round with all its offers, so a page's work stays bounded. */
export const ROUNDS_PAGE = 50;
export const MAX_ROUNDS_PAGE = 200;

export const offerRoutes: FastifyPluginAsync<BriefingRoutesOptions> = async (plain, { service, auth }) => {
  useZod(plain);
  const app = plain.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/v1/offers',
    {
      schema: {
        tags: ['offers'],
        summary: "The calling group's own offers",
        security,
        response: { 200: z.object({ offers: z.array(offerSchema) }), ...errorResponses(...AUTHED_ERRORS) },
      },
      preValidation: requireRole(auth, 'group-leader'),
    },
    async (request) => ({ offers: await service.listOffers(actorOf(request)) }),
  );

  app.get(
    '/v1/offers/:id',
    {
      schema: {
        tags: ['offers'],
        summary: 'One offer',
        security,
        params: idParams('offer'),
        response: { 200: offerSchema, ...errorResponses(400, 404, ...AUTHED_ERRORS) },
      },
      preValidation: requireRole(auth, ...OFFICE, 'group-leader'),
    },
    async (request) => service.getOffer(actorOf(request), request.params.id),
  );

  app.post(
    '/v1/offers/:id/response',
    {
      schema: {
        tags: ['offers'],
        summary: 'Accept (optionally with times that would suit) or decline an offer',
        security,
        params: idParams('offer'),
        body: offerResponseBody,
        response: { 200: offerSchema, ...errorResponses(400, 404, 409, 413, 415, ...AUTHED_ERRORS) },
      },
      preValidation: requireRole(auth, 'group-leader', 'ce-office'),
    },
    async (request) => {
      const actor = actorOf(request);
      const { response, proposedTimes, note } = request.body;
      const offer = await service.respondToOffer(actor, request.params.id, response, {
        ...(proposedTimes ? { proposedTimes } : {}),
        ...(note ? { note } : {}),
      });
      return actor.role === 'group-leader' ? service.getOffer(actor, offer.id) : offer;
    },
  );

  app.get(
    '/v1/rounds',
    {
      schema: {
        tags: ['rounds'],
        summary: "Rounds, newest first, a page at a time, with each group's offer and notice delivery state",
        description: 'At most `limit` rounds (default 50); when there are more, `next` is the cursor for the following page.',
        security,
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(MAX_ROUNDS_PAGE).default(ROUNDS_PAGE),
          cursor: idParams('round').shape.id.optional(),
        }),
        response: {
          200: z.object({ rounds: z.array(roundSchema), next: z.string().optional().describe("The following page's cursor, when there is one") }),
          ...errorResponses(400, ...AUTHED_ERRORS),
        },
      },
      preValidation: requireRole(auth, ...OFFICE),
      config: SHED,
    },
    async (request) => {
      const { limit } = request.query;
      // One more than the page, to know whether there is a next one.
      const rounds = await service.officeRounds(actorOf(request), { limit: limit + 1, ...(request.query.cursor ? { cursor: request.query.cursor } : {}) });
      return rounds.length > limit ? { rounds: rounds.slice(0, limit), next: rounds[limit - 1]!.id } : { rounds };
    },
  );

  app.get(
    '/v1/rounds/:id',
    {
      schema: {
        tags: ['rounds'],
        summary: 'One round',
        security,
        params: idParams('round'),
        response: { 200: roundSchema, ...errorResponses(400, 404, ...AUTHED_ERRORS) },
      },
      preValidation: requireRole(auth, ...OFFICE),
    },
    async (request) => service.roundView(request.params.id),
  );

  app.post(
    '/v1/rounds/:id/refresh',
    {
      schema: {
        tags: ['rounds'],
        summary: 'Make late offers to groups formed since the round opened',
        security,
        params: idParams('round'),
        response: { 200: z.object({ lateOffers: z.array(offerSchema) }), ...errorResponses(400, 404, 409, ...AUTHED_ERRORS) },
      },
      preValidation: requireRole(auth, 'ce-office'),
    },
    async (request) => ({ lateOffers: await service.refreshRound(actorOf(request), request.params.id) }),
  );

  app.post(
    '/v1/rounds/:id/follow-ups',
    {
      schema: {
        tags: ['rounds'],
        summary: 'Send a factual follow-up answer to every group that took the briefing up',
        security,
        params: idParams('round'),
        body: followUpBody,
        response: { 201: followUpSchema, ...errorResponses(400, 404, 409, 413, 415, ...AUTHED_ERRORS) },
      },
      preValidation: requireRole(auth, 'ce-office', 'officer'),
    },
    async (request, reply) => reply.code(201).send(await service.followUp(actorOf(request), request.params.id, request.body)),
  );
};
