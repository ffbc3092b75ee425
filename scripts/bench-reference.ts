/**
 * One reference tool (alex or write-good) timed over the bench corpus in a process of its own, so that its memory
 * (alex's retext syntax trees above all) is neither counted in Probity's process nor left there to slow it.
 * `npm run bench` forks this once per tool, straight after Probity's passes, with the same passes; it sends its
 * figures and its own RSS back over IPC (printed as JSON when run by hand):
 *   npx tsx scripts/bench-reference.ts alex 3
 */
import { text as alex } from 'alex';
import writeGood from 'write-good';
import type { Message } from '../src/lint/types.js';
import { benchMessages } from './bench-corpus.js';
import { footprint, measure, type ReferenceRun } from './bench-timing.js';

const REFERENCES: Record<string, (m: Message) => unknown> = {
  alex: (m) => alex(m.text),
  'write-good': (m) => writeGood(m.text),
};

const [tool, passesArg] = process.argv.slice(2);
const run = tool ? REFERENCES[tool] : undefined;
const passes = Number(passesArg);
if (!run || !(passes > 0)) {
  console.error(`usage: npx tsx scripts/bench-reference.ts ${Object.keys(REFERENCES).join('|')} PASSES`);
  process.exit(2);
}

const figures = measure(tool!, benchMessages(), passes, run);
const result: ReferenceRun = { figures, footprint: footprint() };
if (process.send) process.send(result, () => process.disconnect());
else console.log(JSON.stringify(result));
