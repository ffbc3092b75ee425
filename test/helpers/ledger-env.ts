/**
 * What the API and the notice worker need to run the briefing ledger in a test: a ledger key (a fixed seed: no
 * secret in a test), a checkpoint file of the test's own, and, on the shared Redis (which runs without AOF), the
 * explicit word that this is a test.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TEST_LEDGER_KEY = '5e'.repeat(32);

export function ledgerEnv(opts: { aof?: boolean } = {}): Record<string, string> {
  return {
    PROBITY_LEDGER_KEY: TEST_LEDGER_KEY,
    PROBITY_LEDGER_CHECKPOINTS: join(mkdtempSync(join(tmpdir(), 'probity-ledger-')), 'ledger.checkpoints'),
    ...(opts.aof ? {} : { PROBITY_LEDGER_ALLOW_NO_AOF: 'test' }),
  };
}
