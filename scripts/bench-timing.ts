/** How `npm run bench` times one tool over the corpus, the same way in its own process and in each reference's. */
import { performance } from 'node:perf_hooks';
import type { Message } from '../src/lint/types.js';

export interface Figures {
  name: string;
  perSecond: number;
  p50: number;
  p99: number;
  p99Email: number;
}

/** A process's memory when its tool's passes are done: resident now, and the most it has been (maxRSS), in bytes. */
export interface Footprint {
  rss: number;
  peakRss: number;
}

/** What a reference tool's process (bench-reference.ts) sends back to the bench. */
export interface ReferenceRun {
  figures: Figures;
  footprint: Footprint;
}

/** One warm-up pass (JIT, caches), then `passes` timed passes over every message. */
export function measure(name: string, messages: Message[], passes: number, run: (m: Message) => unknown): Figures {
  for (const m of messages) run(m);
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

export function footprint(): Footprint {
  // resourceUsage() gives maxRSS in KiB.
  return { rss: process.memoryUsage().rss, peakRss: process.resourceUsage().maxRSS * 1024 };
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
