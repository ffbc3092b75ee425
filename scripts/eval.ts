/**
 * How right the linter is, on labelled messages (test/corpus). Sets it has never been tuned or trained on come first.
 *
 *   npm run eval                          # every set, unseen first: ordinary (false alarms), real, holdouts, batches, dev;
 *                                         # then enquiry detection (scripts/eval-enquiries.ts)
 *   npm run eval -- test/corpus/holdout.jsonl          # one file (or a folder of .jsonl files)
 *   npm run eval -- --show-errors FILE    # list false alarms and misses by message id (no text)
 *   npm run eval -- --all-ordinary        # the whole ordinary corpus (and discrimination/), not only the half never trained on
 *   npm run eval -- --all-real            # every real published message, not only the half (by source) never trained on
 *   npm run eval -- --no-reader           # the rules alone, without the learned reader (src/lint/reader.ts)
 *   npm run eval -- --reader-floor 0.7    # the reader speaking on its own only from this probability
 *
 * For each set: precision and recall per rule with Wilson 95% intervals, at three confidence stages (the audit shows
 * every finding; the pre-send checks and the post-send Slack warning use the example council's thresholds). For
 * the ordinary corpus (every message proper): messages that draw a warning or error per 100.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadLinter } from '../src/lint/load.js';
import { RULE_IDS } from '../src/directory/rule-ids.js';
import type { Finding, Message } from '../src/lint/types.js';
import { isRealTrainingHalf, isTrainingHalf } from './corpus-split.js';
import { wilson } from './wilson.js';

interface Labelled extends Message {
  id: string;
  expect: string[];
}

const args = process.argv.slice(2);
const showErrors = args.includes('--show-errors');
const allOrdinary = args.includes('--all-ordinary');
const allReal = args.includes('--all-real');
const perRule = !args.includes('--brief');
const valueOf = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const readerFloor = valueOf('--reader-floor');
const given = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--reader-floor');

/** Unseen first, dev last: the order the README and the issue ask figures to be read in. */
const DEFAULT_SETS = [
  'test/corpus/ordinary',
  'test/corpus/real',
  'test/corpus/holdout2.jsonl',
  'test/corpus/holdout.jsonl',
  'test/corpus/batch7.jsonl',
  'test/corpus/batch9.jsonl',
  'test/corpus/batch10.jsonl',
  'test/corpus/batch11.jsonl',
  'test/corpus/batch12.jsonl',
  'test/corpus/batch13.jsonl',
  'test/corpus/batch14.jsonl',
  'test/corpus/batch20.jsonl',
  'test/corpus/batch27.jsonl',
  'test/corpus/batch28.jsonl',
  'test/corpus/batch35.jsonl',
  'test/corpus/batch36.jsonl',
  'test/corpus/batch37.jsonl',
  'test/corpus/batch38.jsonl',
  'test/corpus/batch39.jsonl',
  'test/corpus/batch40.jsonl',
  'test/corpus/batch41.jsonl',
  'test/corpus/batch42.jsonl',
  'test/corpus/equalities-a.jsonl',
  'test/corpus/equalities-b.jsonl',
  'test/corpus/discrimination',
  'test/corpus/proper-a.jsonl',
  'test/corpus/proper-k.jsonl',
  'test/corpus/proper-n.jsonl',
  'test/corpus/proper-o.jsonl',
  'test/corpus/proper-p.jsonl',
  'test/corpus/proper-q.jsonl',
  'test/corpus/proper-r.jsonl',
  // Trained on: the proper sets read or fitted on, then the labelled batches, then dev.
  'test/corpus/proper-j.jsonl',
  'test/corpus/casework.jsonl',
  'test/corpus/pressing-a.jsonl',
  'test/corpus/pressing-b.jsonl',
  'test/corpus/proper-i.jsonl',
  'test/corpus/proper-l.jsonl',
  'test/corpus/proper-m.jsonl',
  'test/corpus/batch34.jsonl',
  'test/corpus/batch33.jsonl',
  'test/corpus/batch32.jsonl',
  'test/corpus/batch31.jsonl',
  'test/corpus/batch30.jsonl',
  'test/corpus/batch29.jsonl',
  'test/corpus/batch26.jsonl',
  'test/corpus/batch25.jsonl',
  'test/corpus/batch24.jsonl',
  'test/corpus/batch23.jsonl',
  'test/corpus/batch22.jsonl',
  'test/corpus/batch21.jsonl',
  'test/corpus/batch19.jsonl',
  'test/corpus/batch18.jsonl',
  'test/corpus/batch17.jsonl',
  'test/corpus/batch16.jsonl',
  'test/corpus/batch15.jsonl',
  'test/corpus/batch8.jsonl',
  'test/corpus/batch6.jsonl',
  'test/corpus/batch5.jsonl',
  'test/corpus/contempt-a.jsonl',
  'test/corpus/contempt-b.jsonl',
  'test/corpus/contempt-c.jsonl',
  'test/corpus/dev4.jsonl',
  'test/corpus/dev3.jsonl',
  'test/corpus/dev2.jsonl',
  'test/corpus/dev.jsonl',
];
const sets = (given.length > 0 ? given : DEFAULT_SETS.filter(existsSync)).map((path) => ({
  name: path,
  files: statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((f) => f.endsWith('.jsonl'))
        .sort()
        .map((f) => join(path, f))
    : [path],
}));

const linter = loadLinter({ withoutReader: args.includes('--no-reader'), ...(readerFloor === undefined ? {} : { readerFloor: Number(readerFloor) }) });
const stages = [
  { name: 'audit (all)', min: 0 },
  { name: `pre-send (≥${linter.council.confidence['pre-send']})`, min: linter.council.confidence['pre-send'] },
  { name: `post-send (≥${linter.council.confidence['post-send']})`, min: linter.council.confidence['post-send'] },
];

const f2 = (x: number) => x.toFixed(2);
const ratio = (k: number, n: number) => (n === 0 ? '  – ' : f2(k / n));
const interval = (k: number, n: number) => {
  if (n === 0) return '           ';
  const [lo, hi] = wilson(k, n);
  return `[${f2(lo)}–${f2(hi)}]`;
};

const errors: string[] = [];
for (const set of sets) {
  const messages: { m: Labelled; findings: Finding[] }[] = [];
  let skipped = 0;
  for (const file of set.files) {
    // Split by id (scripts/corpus-split.ts): the ordinary corpus and the everyday-discrimination set.
    const halvedById = file.includes('/ordinary/') || file.includes('/discrimination/');
    const real = file.includes('/real/');
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const m = JSON.parse(line) as Labelled;
      if ((halvedById && !allOrdinary && isTrainingHalf(m.id)) || (real && !allReal && isRealTrainingHalf(m as Labelled & { source?: string }))) {
        skipped++;
        continue;
      }
      messages.push({ m, findings: linter.lint({ ...m, cc: m.cc ?? [], bcc: m.bcc ?? [], to: m.to ?? [] }).findings });
    }
  }
  const allClean = messages.every(({ m }) => m.expect.length === 0);
  console.log(
    `\n== ${set.name}: ${messages.length} messages${skipped ? ` (the half the model was never trained on; ${skipped} training-half messages left out)` : ''}`,
  );
  if (allClean) {
    // Ordinary, proper messages: how many draw something a writer would see as a warning.
    for (const stage of stages) {
      const flagged = messages.filter(({ findings }) =>
        findings.some((f) => f.severity !== 'info' && f.confidence >= stage.min && f.rule !== 'input-truncated'),
      ).length;
      const [lo, hi] = wilson(flagged, messages.length);
      console.log(
        `  ${stage.name.padEnd(20)} false alarms per 100 ordinary messages: ${((100 * flagged) / messages.length).toFixed(1)} [${(100 * lo).toFixed(1)}–${(100 * hi).toFixed(1)}] (${flagged} of ${messages.length})`,
      );
    }
    const byRule = new Map<string, number>();
    for (const { findings } of messages)
      for (const r of new Set(findings.filter((f) => f.severity !== 'info' && f.confidence >= stages[1]!.min).map((f) => f.rule)))
        byRule.set(r, (byRule.get(r) ?? 0) + 1);
    if (byRule.size)
      console.log(
        `  pre-send false alarms by rule: ${[...byRule]
          .sort((a, b) => b[1] - a[1])
          .map(([r, n]) => `${r} ${n}`)
          .join(', ')}`,
      );
    if (showErrors)
      for (const { m, findings } of messages) for (const f of findings) if (f.severity !== 'info') errors.push(`FP ${f.rule} ${m.id} conf=${f.confidence}`);
    continue;
  }
  for (const stage of stages) {
    const counts = new Map(RULE_IDS.map((id) => [id as string, { tp: 0, fp: 0, fn: 0 }]));
    for (const { m, findings } of messages) {
      const found = new Set(findings.filter((f) => f.confidence >= stage.min).map((f) => f.rule));
      for (const id of RULE_IDS) {
        const c = counts.get(id)!;
        const expected = m.expect.includes(id);
        const got = found.has(id);
        if (expected && got) c.tp++;
        else if (got) c.fp++;
        else if (expected) c.fn++;
        if (showErrors && stage.min === stages[1]!.min && expected !== got) {
          const conf = findings
            .filter((f) => f.rule === id)
            .map((f) => f.confidence)
            .join(',');
          errors.push(`${got ? 'FP' : 'FN'} ${id} ${m.id}${conf ? ` conf=${conf}` : ''}`);
        }
      }
    }
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const c of counts.values()) {
      tp += c.tp;
      fp += c.fp;
      fn += c.fn;
    }
    const clean = messages.filter(({ m }) => m.expect.length === 0);
    const cleanFlagged = clean.filter(({ findings }) => findings.some((f) => f.severity !== 'info' && f.confidence >= stage.min)).length;
    console.log(
      `  ${stage.name.padEnd(20)} overall (micro) precision ${ratio(tp, tp + fp)} ${interval(tp, tp + fp)}  recall ${ratio(tp, tp + fn)} ${interval(tp, tp + fn)}  tp ${tp} fp ${fp} fn ${fn}; clean messages warned: ${cleanFlagged} of ${clean.length}`,
    );
    if (perRule && stage.min === stages[1]!.min) {
      console.log('    rule                   precision             recall                 tp  fp  fn');
      for (const [id, c] of counts) {
        if (c.tp + c.fp + c.fn === 0) continue;
        console.log(
          `    ${id.padEnd(22)} ${ratio(c.tp, c.tp + c.fp)} ${interval(c.tp, c.tp + c.fp)}  ${ratio(c.tp, c.tp + c.fn)} ${interval(c.tp, c.tp + c.fn)}  ${String(c.tp).padStart(3)} ${String(c.fp).padStart(3)} ${String(c.fn).padStart(3)}`,
        );
      }
    }
  }
}
if (showErrors) console.log(`\n${errors.join('\n')}`);
console.log(`\nreproduce: npm run eval${given.length ? ` -- ${args.join(' ')}` : args.length ? ` -- ${args.join(' ')}` : ''}`);

// Beside the rules: how well Probity tells a member's enquiry from other mail (issue 12; its own script has the detail).
if (given.length === 0) {
  console.log('\n== enquiry detection (test/corpus/enquiries; npm run eval:enquiries)');
  await import('./eval-enquiries.js');
}
