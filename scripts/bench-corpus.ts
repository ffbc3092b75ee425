/** The messages both benchmarks time: every top-level corpus file's lines, with cc and bcc defaulted. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Message } from '../src/lint/types.js';

export function benchMessages(dir = 'test/corpus'): Message[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) =>
      readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .filter((l) => l.trim()),
    )
    .map((l) => {
      const m = JSON.parse(l) as Message;
      return { ...m, cc: m.cc ?? [], bcc: m.bcc ?? [] };
    });
}
