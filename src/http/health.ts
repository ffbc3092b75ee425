/**
 * What /healthz checks, for the API (app.ts) and the Slack app (src/slack/app.ts) alike: each thing the process
 * depends on, named, so a 503 says in one line what is down ("the ledger's Redis is unreachable"), never where.
 */

/** One thing /healthz depends on: `check` rejects (or throws) when it is not there. */
export interface HealthCheck {
  /** Names it in the answer: "the ledger's Redis". */
  name: string;
  check: () => Promise<unknown> | unknown;
}

const HEALTH_TIMEOUT_MS = 2000;

/** The first check that fails, with why in a word or two (never the error's own text: it can name hosts). */
export async function unhealthy(checks: HealthCheck[]): Promise<{ name: string; reason: string } | undefined> {
  const results = await Promise.all(
    checks.map(async (c) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), HEALTH_TIMEOUT_MS)));
      try {
        const outcome = await Promise.race([Promise.resolve().then(c.check), timeout]);
        return outcome === 'timeout' ? { name: c.name, reason: `not answering (no reply within ${HEALTH_TIMEOUT_MS / 1000} s)` } : undefined;
      } catch {
        return { name: c.name, reason: 'unreachable' };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return results.find((r) => r !== undefined);
}

/** A connection that waits Redis out (a queue's) says by its state whether Redis is there: not ready is down. */
export function connectionReady(connection: { status: string }): void {
  if (connection.status !== 'ready') throw new Error(connection.status);
}
