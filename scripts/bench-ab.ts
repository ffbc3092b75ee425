/**
 * Two builds of the linter, timed against each other in one process: the machine's noise (another process, a busy
 * core) falls on both alike, which a figure from `npm run bench` on a shared machine cannot promise.
 *
 *   npm run bench:ab -- /path/to/checkout-a /path/to/checkout-b [rounds]
 *
 * Each checkout's linter is loaded from its own src/ (tsx), warmed on the whole corpus once, then the two take turns
 * linting every top-level corpus file of checkout B, each pass timed in CPU time. Prints each side's fastest and median
 * pass and how many times less work B does per pass than A.
 */
import { join, resolve } from 'node:path';
import type { Message } from '../src/lint/types.js';
import { benchMessages } from './bench-corpus.js';

interface Linter {
  lint(message: Message): unknown;
}

const [a, b, roundsArg] = process.argv.slice(2);
if (!a || !b) {
  console.error('usage: npm run bench:ab -- CHECKOUT_A CHECKOUT_B [rounds]');
  process.exit(2);
}
const rounds = Number(roundsArg ?? 6);
const messages = benchMessages(join(resolve(b), 'test/corpus'));

const linters: Linter[] = [];
for (const root of [a, b]) {
  const { loadLinter } = (await import(join(resolve(root), 'src/lint/load.ts'))) as { loadLinter: () => Linter };
  linters.push(loadLinter());
}
for (const linter of linters) for (const m of messages) linter.lint(m);

const times: [number[], number[]] = [[], []];
for (let k = 0; k < rounds; k++)
  for (const i of k % 2 ? [1, 0] : [0, 1]) {
    const start = process.cpuUsage();
    for (const m of messages) linters[i]!.lint(m);
    const used = process.cpuUsage(start);
    times[i as 0 | 1].push((used.user + used.system) / 1000);
  }
const median = (x: number[]) => [...x].sort((p, q) => p - q)[Math.floor(x.length / 2)]!;
times.forEach((t, i) =>
  console.log(
    `${i ? 'B' : 'A'}  fastest ${Math.min(...t).toFixed(0)} ms  median ${median(t).toFixed(0)} ms per pass  ${(messages.length / (median(t) / 1000)).toFixed(0)} messages per CPU second`,
  ),
);
console.log(
  `${messages.length} messages, ${rounds} rounds; B does ${(median(times[0]) / median(times[1])).toFixed(2)}x less work per pass than A (median; fastest ${(Math.min(...times[0]) / Math.min(...times[1])).toFixed(2)}x)`,
);
console.log(`reproduce: npm run bench:ab -- ${a} ${b} ${rounds}`);
