/**
 * Single-process throughput and latency of the engine over the labelled corpus, with alex and write-good run on
 * the same texts in the same run as reference points.
 *   npm run bench                  # default: 5 passes over test/corpus/*.jsonl
 *   npm run bench -- --passes 10
 * Run it alone on the machine; figures are wall-clock.
 */
import { performance } from 'node:perf_hooks';
import { text as alex } from 'alex';
import writeGood from 'write-good';
import { loadLinter } from '../src/lint/load.js';
import type { Message } from '../src/lint/types.js';
import { benchMessages } from './bench-corpus.js';

const args = process.argv.slice(2);
const passesArg = args.indexOf('--passes');
const passes = passesArg >= 0 ? Number(args[passesArg + 1]) : 5;

const messages = benchMessages();

const linter = loadLinter();

interface Figures {
  name: string;
  perSecond: number;
  p50: number;
  p99: number;
  p99Email: number;
}

function measure(name: string, run: (m: Message) => unknown): Figures {
  for (const m of messages) run(m); // warm up (JIT, caches)
  const all: number[] = [];
  const email: number[] = [];
  const started = performance.now();
  for (let p = 0; p < passes; p++) {
    for (const m of messages) {
      const t = performance.now();
      run(m);
      const d = performance.now() - t;
      all.push(d);
      if (m.channel === 'email') email.push(d);
    }
  }
  const elapsed = (performance.now() - started) / 1000;
  return { name, perSecond: all.length / elapsed, p50: pct(all, 50), p99: pct(all, 99), p99Email: pct(email, 99) };
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const probityRow = measure('probity', (m) => linter.lint(m));
// Probity's own footprint, before alex (retext and its syntax trees) runs in the same process.
const probityRss = process.memoryUsage().rss;
const rows = [probityRow, measure('alex', (m) => alex(m.text)), measure('write-good', (m) => writeGood(m.text))];

const words = messages.reduce((n, m) => n + m.text.split(/\s+/).length, 0);
console.log(`${messages.length} messages (${Math.round(words / messages.length)} words on average), ${passes} passes, node ${process.version}, one process`);
console.log('tool         msgs/s     p50 ms   p99 ms   p99 email ms');
for (const r of rows) {
  console.log(
    `${r.name.padEnd(12)} ${r.perSecond.toFixed(0).padStart(7)} ${r.p50.toFixed(3).padStart(9)} ${r.p99.toFixed(3).padStart(8)} ${r.p99Email.toFixed(3).padStart(13)}`,
  );
}
const [probity, alexRow] = rows;
console.log(`probity / alex throughput: ${(probity!.perSecond / alexRow!.perSecond).toFixed(1)}x`);
console.log(
  `memory: rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB (after probity's passes, before alex's: ${(probityRss / 1048576).toFixed(0)} MiB)`,
);
console.log(`\nreproduce: npm run bench -- --passes ${passes}`);
