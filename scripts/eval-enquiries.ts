/**
 * Enquiry detection measured on the labelled set (test/corpus/enquiries/labels.jsonl): the ordinary corpus files,
 * read-only, and the new messages in test/corpus/enquiries/messages.jsonl. Prints precision and recall with Wilson
 * 95% intervals, for every message and for the councillor→officer messages alone (where the sentence reading
 * decides), each on the development half (whose errors were read while the cues were written) and on the measuring
 * half (never read), split by a hash of the id as the linter's ordinary set is.
 *
 *   npm run eval:enquiries                 # the figures
 *   npm run eval:enquiries -- --errors     # also list the development half's errors (never the measuring half's)
 *   npm run eval:enquiries -- FILE         # one labelled file alone (a new set, measured once on arrival)
 */
import { readFileSync } from 'node:fs';
import { parseCouncil } from '../src/directory/council.js';
import { loadDetector, loadResponseTimes } from '../src/enquiries/load.js';
import { enquirySettings } from '../src/enquiries/settings.js';
import { EXAMPLE_COUNCIL } from '../src/lint/load.js';
import type { Message } from '../src/lint/types.js';
import { isTrainingHalf } from './corpus-split.js';
import { wilson } from './wilson.js';

const DEFAULT_FILES = [
  'test/corpus/ordinary/email-casework.jsonl',
  'test/corpus/ordinary/officers-and-firm.jsonl',
  'test/corpus/ordinary/real-published.jsonl',
  'test/corpus/ordinary/slack-terse.jsonl',
  'test/corpus/ordinary/mixed-voices.jsonl',
  'test/corpus/enquiries/messages.jsonl',
];
/** `npm run eval:enquiries -- FILE…` measures those files alone (a new set on arrival); by default, every labelled file. */
const given = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const FILES = given.length > 0 ? given : DEFAULT_FILES;
const showErrors = process.argv.includes('--errors');

const council = parseCouncil(readFileSync(EXAMPLE_COUNCIL, 'utf8'), EXAMPLE_COUNCIL);
const settings = enquirySettings(council, loadResponseTimes());
const detector = loadDetector(council);
const labels = new Map<string, { enquiry: boolean; why: string }>();
for (const line of readFileSync('test/corpus/enquiries/labels.jsonl', 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const l = JSON.parse(line) as { id: string; enquiry: boolean; why: string };
  if (labels.has(l.id)) throw new Error(`labels.jsonl: ${l.id} is labelled twice`);
  labels.set(l.id, l);
}

interface Tally {
  tp: number;
  fp: number;
  fn: number;
  n: number;
}
const blank = (): Tally => ({ tp: 0, fp: 0, fn: 0, n: 0 });
const tallies = { all: { dev: blank(), measure: blank() }, c2o: { dev: blank(), measure: blank() } };
const errors: string[] = [];
let unlabelled = 0;
const started = performance.now();
let count = 0;
for (const file of FILES) {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const m = JSON.parse(line) as Message & { id: string };
    const label = labels.get(m.id);
    if (!label) {
      unlabelled++;
      continue;
    }
    count++;
    const d = detector.detect(m, { mailboxes: settings.mailboxSet });
    const half = isTrainingHalf(m.id) ? 'dev' : 'measure';
    const decided = d.verdict !== 'not-from-councillor' && d.verdict !== 'not-to-officer';
    for (const t of decided ? [tallies.all[half], tallies.c2o[half]] : [tallies.all[half]]) {
      t.n++;
      if (d.enquiry && label.enquiry) t.tp++;
      else if (d.enquiry) t.fp++;
      else if (label.enquiry) t.fn++;
    }
    if (showErrors && half === 'dev' && d.enquiry !== label.enquiry) {
      const text = m.text.replace(/\s+/g, ' ').slice(0, 220);
      errors.push(`${d.enquiry ? 'FP' : 'FN'} ${m.id} [${d.verdict}] (${label.why}) ${m.subject ? `S:${m.subject} | ` : ''}${text}`);
    }
  }
}
const ms = performance.now() - started;

const f2 = (x: number) => x.toFixed(2);
const figure = (k: number, n: number) => (n === 0 ? '  –               ' : `${f2(k / n)} [${f2(wilson(k, n)[0])}–${f2(wilson(k, n)[1])}]`);
const sum = (a: Tally, b: Tally): Tally => ({ tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn, n: a.n + b.n });
function row(name: string, t: Tally): string {
  return `${name.padEnd(46)} ${String(t.n).padStart(5)} ${String(t.tp + t.fn).padStart(9)}   ${figure(t.tp, t.tp + t.fp)}   ${figure(t.tp, t.tp + t.fn)}`;
}

console.log(`Enquiry detection on ${count} labelled messages (${unlabelled} unlabelled skipped), ${Math.round(ms)} ms`);
console.log(`${'set'.padEnd(46)} ${'msgs'.padStart(5)} ${'enquiries'.padStart(9)}   precision [95% CI]   recall [95% CI]`);
console.log(row('all messages: measuring half (never read)', tallies.all.measure));
console.log(row('all messages: development half', tallies.all.dev));
console.log(row('all messages: both halves', sum(tallies.all.dev, tallies.all.measure)));
console.log(row('councillor→officer only: measuring half', tallies.c2o.measure));
console.log(row('councillor→officer only: development half', tallies.c2o.dev));
console.log(row('councillor→officer only: both halves', sum(tallies.c2o.dev, tallies.c2o.measure)));
console.log('\nReproduce: npm run eval:enquiries');
if (showErrors) console.log(`\nDevelopment-half errors (${errors.length}):\n${errors.join('\n')}`);
