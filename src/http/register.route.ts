/**
 * The register and the audit trail (the office, the authoriser and the Monitoring Officer):
 *   GET /v1/register            every offer of every round: who was offered what, when, how they answered,
 *                               their sessions' material and hash, notice delivery. JSON, or CSV with
 *                               `Accept: text/csv` or `?format=csv`.
 *   GET /v1/audit               events (`?from=<seq>&limit=` or `?last=<n>`), with the chain head
 *   GET /v1/audit/verify        recompute the hash chain and say whether it is intact
 */
import type { FastifyPluginAsync } from 'fastify';
import { registerCsv } from '../briefings/views.js';
import { requireRole } from './auth.js';
import { actorOf, OFFICE, security, type BriefingRoutesOptions } from './briefings.route.js';

export const registerRoutes: FastifyPluginAsync<BriefingRoutesOptions> = async (app, { service, auth }) => {
  app.get<{ Querystring: { format?: 'json' | 'csv' } }>(
    '/v1/register',
    {
      schema: {
        tags: ['register'],
        summary: 'The register of offers (JSON or CSV)',
        security,
        querystring: { type: 'object', additionalProperties: false, properties: { format: { type: 'string', enum: ['json', 'csv'] } } },
      },
      preValidation: requireRole(auth, ...OFFICE),
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

  app.get<{ Querystring: { from?: number; limit?: number; last?: number } }>(
    '/v1/audit',
    {
      schema: {
        tags: ['register'],
        summary: 'Audit events and the chain head',
        security,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            from: { type: 'integer', minimum: 1 },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200 },
            last: { type: 'integer', minimum: 1, maximum: 1000 },
          },
        },
      },
      preValidation: requireRole(auth, ...OFFICE),
    },
    async (request) => {
      const head = await service.store.head();
      const { last, limit = 200 } = request.query;
      const from = last ? Math.max(1, head.seq - last + 1) : (request.query.from ?? 1);
      // Each event with what it means in words (`text`), whether it is bookkeeping (`minor`), and who by name.
      const events = await service.auditInWords(actorOf(request), from, last ?? limit);
      return { head, events };
    },
  );

  app.get(
    '/v1/audit/verify',
    { schema: { tags: ['register'], summary: 'Verify the hash chain of the audit trail', security }, preValidation: requireRole(auth, ...OFFICE) },
    async (request) => service.verifyAudit(actorOf(request)),
  );
};
