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
import type { FollowUpInput } from '../briefings/sessions.js';
import { requireRole } from './auth.js';
import { actorOf, idParams, OFFICE, security, type BriefingRoutesOptions } from './briefings.route.js';
import { SHED } from './overload.js';

/** Rounds per page of GET /v1/rounds: each is a round with all its offers, so a page's work stays bounded. */
export const ROUNDS_PAGE = 50;
export const MAX_ROUNDS_PAGE = 200;

export const materialSchema = {
  type: 'object',
  required: ['version', 'sha256'],
  additionalProperties: false,
  properties: {
    version: { type: 'string', minLength: 1, maxLength: 50 },
    sha256: { type: 'string', pattern: '^[0-9a-fA-F]{64}$', description: 'SHA-256 of the briefing material, hex' },
  },
} as const;

export const offerRoutes: FastifyPluginAsync<BriefingRoutesOptions> = async (app, { service, auth }) => {
  app.get(
    '/v1/offers',
    { schema: { tags: ['offers'], summary: "The calling group's own offers", security }, preValidation: requireRole(auth, 'group-leader') },
    async (request) => ({ offers: await service.listOffers(actorOf(request)) }),
  );

  app.get<{ Params: { id: string } }>(
    '/v1/offers/:id',
    { schema: { tags: ['offers'], summary: 'One offer', security, params: idParams('offer') }, preValidation: requireRole(auth, ...OFFICE, 'group-leader') },
    async (request) => service.getOffer(actorOf(request), request.params.id),
  );

  app.post<{ Params: { id: string }; Body: { response: 'accept' | 'decline'; proposedTimes?: string[]; note?: string } }>(
    '/v1/offers/:id/response',
    {
      schema: {
        tags: ['offers'],
        summary: 'Accept (optionally with times that would suit) or decline an offer',
        security,
        params: idParams('offer'),
        body: {
          type: 'object',
          required: ['response'],
          additionalProperties: false,
          properties: {
            response: { type: 'string', enum: ['accept', 'decline'] },
            proposedTimes: { type: 'array', maxItems: 3, items: { type: 'string', format: 'date-time' }, description: 'Times that would suit, when accepting' },
            note: { type: 'string', maxLength: 300 },
          },
        },
      },
      preValidation: requireRole(auth, 'group-leader', 'ce-office'),
    },
    async (request) => {
      const actor = actorOf(request);
      const { response, proposedTimes, note } = request.body;
      const offer = await service.respondToOffer(actor, request.params.id, response, { ...(proposedTimes ? { proposedTimes } : {}), ...(note ? { note } : {}) });
      return actor.role === 'group-leader' ? service.getOffer(actor, offer.id) : offer;
    },
  );

  app.get<{ Querystring: { limit?: number; cursor?: string } }>(
    '/v1/rounds',
    {
      schema: {
        tags: ['rounds'],
        summary: "Rounds, newest first, a page at a time, with each group's offer and notice delivery state",
        description: 'At most `limit` rounds (default 50); when there are more, `next` is the cursor for the following page.',
        security,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: MAX_ROUNDS_PAGE, default: ROUNDS_PAGE }, cursor: idParams('round').properties.id },
        },
      },
      preValidation: requireRole(auth, ...OFFICE),
      config: SHED,
    },
    async (request) => {
      const limit = request.query.limit ?? ROUNDS_PAGE;
      // One more than the page, to know whether there is a next one.
      const rounds = await service.officeRounds(actorOf(request), { limit: limit + 1, ...(request.query.cursor ? { cursor: request.query.cursor } : {}) });
      return rounds.length > limit ? { rounds: rounds.slice(0, limit), next: rounds[limit - 1]!.id } : { rounds };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/rounds/:id',
    { schema: { tags: ['rounds'], summary: 'One round', security, params: idParams('round') }, preValidation: requireRole(auth, ...OFFICE) },
    async (request) => service.roundView(request.params.id),
  );

  app.post<{ Params: { id: string } }>(
    '/v1/rounds/:id/refresh',
    {
      schema: { tags: ['rounds'], summary: 'Make late offers to groups formed since the round opened', security, params: idParams('round') },
      preValidation: requireRole(auth, 'ce-office'),
    },
    async (request) => ({ lateOffers: await service.refreshRound(actorOf(request), request.params.id) }),
  );

  app.post<{ Params: { id: string }; Body: FollowUpInput }>(
    '/v1/rounds/:id/follow-ups',
    {
      schema: {
        tags: ['rounds'],
        summary: 'Send a factual follow-up answer to every group that took the briefing up',
        security,
        params: idParams('round'),
        body: {
          type: 'object',
          required: ['answer'],
          additionalProperties: false,
          properties: { answer: { type: 'string', minLength: 1, maxLength: 10_000 }, material: materialSchema },
        },
      },
      preValidation: requireRole(auth, 'ce-office', 'officer'),
    },
    async (request, reply) => reply.code(201).send(await service.followUp(actorOf(request), request.params.id, request.body)),
  );
};
