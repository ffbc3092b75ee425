/**
 * Load shedding for the reads whose work grows with the ledger (the office's rounds, the audit trail and its
 * verification, the register): while the process is under pressure (@fastify/under-pressure: event-loop lag,
 * memory, or a failing health check) they answer 503 with Retry-After at once, rather than every client waiting
 * seconds for its turn. Everything else (answers, decisions, sign-in, /healthz) is still served. A route opts in
 * with `config: { shed: true }`; the server turns the guard on (buildApp's `overload`), tests leave it off.
 */
import underPressure, { type FastifyUnderPressureOptions } from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Shed this route (503 + Retry-After) while the process is under pressure. */
    shed?: boolean;
  }
}

/** The same thresholds as the check route's guard (check.route.ts), for the same reason: answer before clients give up. */
export const DEFAULT_SHEDDING: FastifyUnderPressureOptions = { maxEventLoopDelay: 500, retryAfter: 2, sampleInterval: 250 };

export const SHED = { shed: true } as const;

export async function shedUnderLoad(app: FastifyInstance, options: FastifyUnderPressureOptions): Promise<void> {
  const settings = { ...DEFAULT_SHEDDING, ...options };
  const retryAfter = settings.retryAfter ?? 2;
  await app.register(underPressure, {
    ...settings,
    pressureHandler: (request, reply) => {
      // Not sending lets the request through (the plugin's documented contract).
      if (!request.routeOptions.config.shed) return;
      void reply
        .code(503)
        .header('retry-after', String(retryAfter))
        .send({ error: 'unavailable', message: `Probity is busy; retry after ${retryAfter} seconds (Retry-After)` });
    },
  });
}
