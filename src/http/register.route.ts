/**
 * The register and the audit trail (the office, the authoriser and the Monitoring Officer):
 *   GET /v1/register            every offer of every round: who was offered what, when, how they answered,
 *                               their sessions' material and hash, notice delivery. JSON, or CSV with
 *                               `Accept: text/csv` or `?format=csv`.
 *   GET /v1/audit               events (`?from=<seq>&limit=` or `?last=<n>`), with the chain head
 *   GET /v1/audit/verify        the whole ledger checked (chain, head signature, checkpoints, records against events);
 *                               `?from=&limit=` checks one page of the chain instead, with `next` for the following
 * The reads that grow with the ledger are shed under load (overload.ts).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { registerCsv } from '../briefings/views.js';
import { requireRole } from './auth.js';
import { actorOf, OFFICE, security, type BriefingRoutesOptions } from './briefings.route.js';
import { auditQuery, auditResponse, AUTHED_ERRORS, errorResponses, registerQuery, registerRow, verifyResponse, useZod } from './contract.js';
import { SHED } from './overload.js';

/** Events per page of GET /v1/audit/verify?from=. */
const VERIFY_PAGE = 5000;
const MAX_VERIFY_PAGE = 20_000;

export const registerRoutes: FastifyPluginAsync<BriefingRoutesOptions> = async (plain, { service, auth }) => {
  useZod(plain);
  const app = plain.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/v1/register',
    {
      schema: {
        tags: ['register'],
        summary: 'The register of offers (JSON or CSV)',
        security,
        querystring: registerQuery,
        response: {
          200: {
            description: 'The register: JSON rows, or CSV with `Accept: text/csv` or `?format=csv`',
            content: { 'application/json': { schema: z.object({ rows: z.array(registerRow) }) }, 'text/csv': { schema: z.string() } },
          },
          ...errorResponses(400, ...AUTHED_ERRORS),
        },
      },
      preValidation: requireRole(auth, ...OFFICE),
      config: SHED,
    },
    async (request, reply) => {
      const rows = await service.register(actorOf(request));
      const wantsCsv = request.query.format === 'csv' || (!request.query.format && /\btext\/csv\b/.test(request.headers.accept ?? ''));
      if (!wantsCsv) return { rows };
      const day = service.clock().toISOString().slice(0, 10);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="briefings-register-${day}.csv"`)
        .send(registerCsv(rows));
    },
  );

  app.get(
    '/v1/audit',
    {
      schema: {
        tags: ['register'],
        summary: 'Audit events and the chain head',
        security,
        querystring: auditQuery,
        response: { 200: auditResponse, ...errorResponses(400, ...AUTHED_ERRORS) },
      },
      preValidation: requireRole(auth, ...OFFICE),
      config: SHED,
    },
    async (request) => {
      const head = await service.store.head();
      const { last, limit } = request.query;
      const from = last ? Math.max(1, head.seq - last + 1) : (request.query.from ?? 1);
      // Each event with what it means in words (`text`), whether it is bookkeeping (`minor`), and who by name.
      const events = await service.auditInWords(actorOf(request), from, last ?? limit);
      return { head, events };
    },
  );

  app.get(
    '/v1/audit/verify',
    {
      schema: {
        tags: ['register'],
        summary: 'Verify the ledger: the whole of it, or one page of the hash chain',
        description:
          'Without `from`: the chain, the head signature, the checkpoints and every record against its events. With `from` (and `limit`, default 5000): events `from`… checked against the one before, the checkpoints among them and, on the last page, the signed head; `next` is where the following page starts.',
        security,
        querystring: z.object({
          from: z.coerce.number().int().min(1).optional(),
          limit: z.coerce.number().int().min(1).max(MAX_VERIFY_PAGE).default(VERIFY_PAGE),
        }),
        response: { 200: verifyResponse, ...errorResponses(400, ...AUTHED_ERRORS) },
      },
      preValidation: requireRole(auth, ...OFFICE),
      config: SHED,
    },
    async (request) => {
      const { from, limit } = request.query;
      return from === undefined ? service.verifyAudit(actorOf(request)) : service.verifyAuditPage(actorOf(request), from, limit);
    },
  );
};
