/**
 * The engine and the briefing domain are pure: no network, filesystem, clocks or process state. Only the
 * loaders (`load.ts`) and the entry points touch the outside world. The layers and the imports between them are
 * dependency-cruiser's (`.dependency-cruiser.cjs`, `npm run check:boundaries`); this adds what an import graph
 * cannot see: clocks, `process.env` and `Math.random`.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const PURE = ['src/lint', 'src/nlp', 'src/lexicon', 'src/directory', 'src/briefings'];
const ALLOWED = new Set(['src/lint/load.ts', 'src/lint/parse-cache.ts']);
const FORBIDDEN =
  /from ['"](node:)?(fs|fs\/promises|net|http|https|child_process|dgram|dns|tls|worker_threads|ioredis|bullmq|nodemailer|fastify|@slack\/[a-z-]+|imapflow)['"]|Date\.now\(|new Date\(\)|process\.env|Math\.random\(/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('import boundary', () => {
  for (const dir of PURE) {
    it(`${dir} does no I/O and reads no clock`, () => {
      const offenders = files(dir)
        .filter((f) => !ALLOWED.has(f) && !/redis-store|store\.ts$/.test(f))
        .filter((f) => FORBIDDEN.test(readFileSync(f, 'utf8')));
      expect(offenders).toEqual([]);
    });
  }
});
