/**
 * Throughput and latency of the engine over the labelled corpus, with alex and write-good timed on the same texts
 * in the same run as reference points. Probity runs in this process; each reference runs after it in a child
 * process of its own (bench-reference.ts), with the same passes, so each process's RSS is its own tool's: alex's
 * retext trees are not counted in Probity's.
 *   npm run bench                  # default: 5 passes over test/corpus/*.jsonl
 *   npm run bench -- --passes 10
 * Run it alone on the machine; figures are wall-clock.
 */
import { fork } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLinter } from '../src/lint/load.js';
import { benchMessages } from './bench-corpus.js';
import { footprint, measure, type Figures, type Footprint, type ReferenceRun } from './bench-timing.js';

const SELF = fileURLToPath(import.meta.url);
/** The reference runner beside this file (.ts under tsx, .js if compiled). */
const REFERENCE = fileURLToPath(new URL(`./bench-reference${extname(SELF)}`, import.meta.url));

const args = process.argv.slice(2);
const passesArg = args.indexOf('--passes');
const passes = passesArg >= 0 ? Number(args[passesArg + 1]) : 5;
if (!(passes > 0)) {
  console.error('usage: npm run bench -- [--passes N]');
  process.exit(2);
}

const messages = benchMessages();

const linter = loadLinter();
const probity = measure('probity', messages, passes, (m) => linter.lint(m));
const probityRss = footprint().rss;

/** One reference tool's passes in a child process (inheriting tsx's loader from this one). */
function reference(tool: string): Promise<ReferenceRun> {
  return new Promise((resolve, reject) => {
    const child = fork(REFERENCE, [tool, String(passes)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: ReferenceRun | undefined;
    child.once('message', (m) => (result = m as ReferenceRun));
    child.once('error', reject);
    child.once('exit', (code) => (result && code === 0 ? resolve(result) : reject(new Error(`${REFERENCE} ${tool} exited with ${code}`))));
  });
}
// One after the other, never beside Probity's passes or each other: on two cores they would time each other's load.
const alex = await reference('alex');
const writeGood = await reference('write-good');

// This process's peak over the whole run; after Probity's passes it only waits for the references.
const probityFootprint: Footprint = { rss: probityRss, peakRss: footprint().peakRss };

const mib = (bytes: number) => (bytes / 1048576).toFixed(0);
const rows: [Figures, Footprint][] = [
  [probity, probityFootprint],
  [alex.figures, alex.footprint],
  [writeGood.figures, writeGood.footprint],
];
const words = messages.reduce((n, m) => n + m.text.split(/\s+/).length, 0);
console.log(
  `${messages.length} messages (${Math.round(words / messages.length)} words on average), ${passes} passes, node ${process.version}; ` +
    'probity in this process, then alex and then write-good each in a child process of its own',
);
console.log('tool         msgs/s     p50 ms   p99 ms   p99 email ms   rss MiB   peak MiB');
for (const [r, f] of rows) {
  console.log(
    `${r.name.padEnd(12)} ${r.perSecond.toFixed(0).padStart(7)} ${r.p50.toFixed(3).padStart(9)} ${r.p99.toFixed(3).padStart(8)} ${r.p99Email.toFixed(3).padStart(13)} ${mib(f.rss).padStart(9)} ${mib(f.peakRss).padStart(10)}`,
  );
}
console.log("rss: the tool's own process after its passes; peak: that process's maxRSS. Each includes Node, tsx's loader and the corpus.");
console.log(`probity / alex throughput: ${(probity.perSecond / alex.figures.perSecond).toFixed(1)}x`);
console.log(`\nreproduce: npm run bench -- --passes ${passes}`);
