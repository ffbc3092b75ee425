/**
 * Delivery, for the office (the office, the authoriser and the Monitoring Officer):
 *   GET /v1/delivery        whether a notice can reach each party now: its working channels and, in words, why
 *                           not the others; approval is refused while any party has none (409 no-working-channel)
 *   GET /v1/action-items    every notice that could not be sent (failed, or not deliverable), with who it was
 *                           for and why: never a silent skip; and every officer's decline that was refused
 *                           (same matter as another group's invitation they accepted), with their reason
 *   POST /v1/action-items/refusals/:id/dealt-with
 *                           the office (or the authoriser) has taken a refused decline up with the officer: it
 *                           leaves the list, and the audit trail keeps who, when and the one-line note
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireRole } from './auth.js';
import { actorOf, OFFICE, security, type BriefingRoutesOptions } from './briefings.route.js';
import {
  actionItemsResponse,
  AUTHED_ERRORS,
  deliveryResponse,
  errorResponses,
  idParams,
  refusalDealtWithBody,
  refusalDealtWithResponse,
  useZod,
} from './contract.js';

export const deliveryRoutes: FastifyPluginAsync<BriefingRoutesOptions> = async (plain, { service, auth }) => {
  useZod(plain);
  const app = plain.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/v1/delivery',
    {
      schema: {
        tags: ['rounds'],
        summary: 'Whether a notice can reach each party now, and why not',
        security,
        response: { 200: deliveryResponse, ...errorResponses(...AUTHED_ERRORS) },
      },
      preValidation: requireRole(auth, ...OFFICE),
    },
    async (request) => {
      const parties = await service.reach(actorOf(request));
      return { ready: parties.every((p) => p.reachable), parties };
    },
  );

  app.get(
    '/v1/action-items',
    {
      schema: {
        tags: ['rounds'],
        summary: 'Notices that could not be sent, with who they were for and why',
        security,
        response: { 200: actionItemsResponse, ...errorResponses(...AUTHED_ERRORS) },
      },
      preValidation: requireRole(auth, ...OFFICE),
    },
    async (request) => ({ notices: await service.undelivered(actorOf(request)), refusals: await service.refusals(actorOf(request)) }),
  );

  app.post(
    '/v1/action-items/refusals/:id/dealt-with',
    {
      schema: {
        tags: ['rounds'],
        summary: "Mark an officer's refused same-matter decline as dealt with, with a one-line note",
        description:
          "The id is the invitation's. 404 when there is no such invitation or it has no refused decline; 409 when it was already marked (`already-dealt-with`), the officer has answered since (`no-longer-needs-action`) or declined again since (`refusal-changed`).",
        security,
        params: idParams('invitation'),
        body: refusalDealtWithBody,
        response: { 200: refusalDealtWithResponse, ...errorResponses(400, 404, 409, 413, 415, ...AUTHED_ERRORS) },
      },
      preValidation: requireRole(auth, 'ce-office', 'authoriser'),
    },
    async (request) => service.markRefusalDealtWith(actorOf(request), request.params.id, request.body.note, request.body.refusedDeclines),
  );
};
