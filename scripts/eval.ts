/**
 * Precision and recall per rule over a labelled corpus (test/corpus/*.jsonl).
 *   npm run eval                      # the development set
 *   npm run eval -- test/corpus/holdout.jsonl
 *   npm run eval -- --show-errors     # list false positives and negatives by message id (no text)
 */
import { readFileSync } from 'node:fs';
import { loadLinter } from '../src/lint/load.js';
import { RULE_IDS } from '../src/lint/rule-ids.js';
import type { Message } from '../src/lint/types.js';

interface Labelled extends Message {
  id: string;
  expect: string[];
}

const args = process.argv.slice(2);
const showErrors = args.includes('--show-errors');
const files = args.filter((a) => !a.startsWith('--'));
if (files.length === 0) files.push('test/corpus/dev.jsonl');

const linter = loadLinter();
const counts = new Map(RULE_IDS.map((id) => [id as string, { tp: 0, fp: 0, fn: 0 }]));
const errors: string[] = [];
let messages = 0;

for (const file of files) {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const m = JSON.parse(line) as Labelled;
    messages++;
    const found = new Set(linter.lint({ ...m, cc: m.cc ?? [], bcc: m.bcc ?? [], to: m.to ?? [] }).findings.map((f) => f.rule));
    for (const id of RULE_IDS) {
      const c = counts.get(id)!;
      const expected = m.expect.includes(id);
      const got = found.has(id);
      if (expected && got) c.tp++;
      else if (got) {
        c.fp++;
        errors.push(`FP ${id} ${m.id}`);
      } else if (expected) {
        c.fn++;
        errors.push(`FN ${id} ${m.id}`);
      }
    }
  }
}

const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);
const fmt = (x: number) => x.toFixed(2);
console.log(`${files.join(', ')}: ${messages} messages`);
console.log('rule                   precision  recall  tp  fp  fn');
let tp = 0;
let fp = 0;
let fn = 0;
for (const [id, c] of counts) {
  tp += c.tp;
  fp += c.fp;
  fn += c.fn;
  console.log(`${id.padEnd(22)} ${fmt(ratio(c.tp, c.tp + c.fp)).padStart(9)} ${fmt(ratio(c.tp, c.tp + c.fn)).padStart(7)} ${String(c.tp).padStart(3)} ${String(c.fp).padStart(3)} ${String(c.fn).padStart(3)}`);
}
console.log(`${'overall (micro)'.padEnd(22)} ${fmt(ratio(tp, tp + fp)).padStart(9)} ${fmt(ratio(tp, tp + fn)).padStart(7)} ${String(tp).padStart(3)} ${String(fp).padStart(3)} ${String(fn).padStart(3)}`);
if (showErrors) console.log(errors.join('\n'));
console.log(`\nreproduce: npm run eval -- ${files.join(' ')}`);
