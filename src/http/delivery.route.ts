/**
 * Delivery, for the office (the office, the authoriser and the Monitoring Officer):
 *   GET /v1/delivery        whether a notice can reach each party now: its working channels and, in words, why
 *                           not the others; approval is refused while any party has none (409 no-working-channel)
 *   GET /v1/action-items    every notice that could not be sent (failed, or not deliverable), with who it was
 *                           for and why: never a silent skip; and every officer's decline that was refused
 *                           (same matter as another group's invitation they accepted), with their reason
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireRole } from './auth.js';
import { actorOf, OFFICE, security, type BriefingRoutesOptions } from './briefings.route.js';
import { actionItemsResponse, AUTHED_ERRORS, deliveryResponse, errorResponses, useZod } from './contract.js';

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
};
