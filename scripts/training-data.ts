/**
 * What both learned models (scripts/train.ts, scripts/train-reader.ts) train on, read one way: the development sets,
 * the batches measured on arrival, and the training halves of the ordinary and real corpora (scripts/corpus-split.ts),
 * each message with its fold; and the Platt scaling both calibrate with.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Message } from '../src/lint/types.js';
import { isRealTrainingHalf, isTrainingHalf } from './corpus-split.js';

export const TRAINING_FILES = [
  'test/corpus/dev.jsonl',
  'test/corpus/dev2.jsonl',
  'test/corpus/dev3.jsonl',
  'test/corpus/dev4.jsonl',
  'test/corpus/batch5.jsonl',
  'test/corpus/batch6.jsonl',
  'test/corpus/batch8.jsonl',
  // Ordinary messages only, every one proper (session 14): councillors pressing hard but properly on officers' decisions,
  // measured once on arrival and then read in full (not split) to find what the rules mistake for pressure.
  'test/corpus/casework.jsonl',
];
/**
 * Four blind sets of proper messages (session 16), each measured once on arrival at the start-of-session engine and
 * then trained on without being read: residents' casework by email, officers and decisions, everyday Slack, hard
 * advocacy. No rule has been changed with them in view, so what the rules find in them is what the rules get wrong on
 * mail nobody tuned them to: the confidence model trains and calibrates on them like the rest of its data (`npm run
 * train`), and the reader fits on them but calibrates without them, like READER_FILES.
 */
export const PROPER_FILES = [
  'test/corpus/proper-b.jsonl',
  'test/corpus/proper-c.jsonl',
  'test/corpus/proper-d.jsonl',
  'test/corpus/proper-e.jsonl',
  // The second round of session 16, kept sealed as a blind test of that session's models and then (session 17) trained
  // on, still unread: casework, reports and papers, the day's short messages, politics done properly around officers.
  'test/corpus/proper-f.jsonl',
  'test/corpus/proper-g.jsonl',
  'test/corpus/proper-h.jsonl',
  'test/corpus/proper-i.jsonl',
  // Session 17, each measured once on arrival: (j) politics done properly around officers, then read for its false
  // alarms (the rules' group-confidentiality and derogatory changes); (l) people telling other people what to do,
  // properly (managers and their own staff, the chief executive, councillors to directors, democratic services on
  // deadlines), whose three false alarms were printed once while reading (j)'s.
  'test/corpus/proper-j.jsonl',
  'test/corpus/proper-l.jsonl',
  // (m) the hard edges of proper work: strong words about situations, officers' self-mockery, equality work, report
  // authors taking members' requests, evening messages that ask for nothing. Trained on unread.
  'test/corpus/proper-m.jsonl',
];
// Not the contempt sets (test/corpus/contempt-*.jsonl) as ordinary training messages: half of each is contempt, far
// from what a council sends, and trained on like the rest (session 11) they taught both models that an insult finding
// is usually right: recall on the unseen sets rose by two findings in holdout and holdout2, and derogatory false alarms
// on the ordinary corpus doubled. The reader may learn from them as ENRICHMENT (below), which never calibrates.
/**
 * Sets written to hold many examples of a few rules (half contempt, half near-misses). The reader learns its weights
 * from them, down-weighted, for ENRICHED_RULES only; its calibration and out-of-fold figures come from the natural
 * training messages alone, so a probability still means what it means on messages a council sends.
 */
export const ENRICHMENT_FILES = [
  'test/corpus/contempt-a.jsonl',
  'test/corpus/contempt-b.jsonl',
  'test/corpus/contempt-c.jsonl',
  // Everyday prejudice beside the proper running of people (session 13): its training half only, like the ordinary
  // corpus; the other half measures (npm run eval).
  'test/corpus/discrimination/everyday.jsonl',
];
export const ENRICHED_RULES = ['derogatory', 'discrimination'];
/**
 * Nine blind batches (session 16), each measured once on arrival at the start-of-session engine and then trained on
 * without being read: more writers' ways of breaching, so the reader learns the language rather than a few writers'.
 * The reader only, and it fits its weights on them in every fold but never calibrates on them, like the enrichment
 * sets: its probabilities stay those of the messages it was calibrated on before (calibrated on them too, the reader
 * found 15 more true and 7 more false findings on the unseen sets and one more false alarm on the ordinary measuring
 * half). Given to the confidence model as well, the first five (batch15–19) moved nothing on the unseen sets (+2 true,
 * +3 false findings at pre-send without the reader) and added 8 false alarms on the ordinary measuring half (30 → 38):
 * breaches fill about half of each batch, far more than of what a council sends, and a model that calibrates the rules'
 * own findings learns that base rate.
 */
export const READER_FILES = [
  'test/corpus/batch15.jsonl',
  'test/corpus/batch16.jsonl',
  'test/corpus/batch17.jsonl',
  'test/corpus/batch18.jsonl',
  'test/corpus/batch19.jsonl',
  'test/corpus/batch21.jsonl',
  'test/corpus/batch22.jsonl',
  'test/corpus/batch23.jsonl',
  'test/corpus/batch24.jsonl',
  // Session 16's second round, a blind test of that session's models, then (session 17) fitted on, still unread.
  'test/corpus/batch25.jsonl',
  'test/corpus/batch26.jsonl',
  // Session 17, measured once on arrival and fitted on unread: the night-time economy; waste and street scene.
  'test/corpus/batch29.jsonl',
  'test/corpus/batch30.jsonl',
  // Session 17's second round, each weighted to a few rules: (31) social care and housing (undue-pressure,
  // personal-matter, discrimination, derogatory); (32) a planning committee (derogatory, report-interference,
  // direct-instruction, discrimination); (33) a seaside district's winter (political-request, group-confidentiality,
  // group-decision, familiarity, silent-copy); (34) a restructure (discrimination, personal-matter, direct-instruction,
  // derogatory).
  'test/corpus/batch31.jsonl',
  'test/corpus/batch32.jsonl',
  'test/corpus/batch33.jsonl',
  'test/corpus/batch34.jsonl',
];
const ORDINARY_DIR = 'test/corpus/ordinary';
const REAL_DIR = 'test/corpus/real';
/** Split by id like the ordinary corpus: the training half may be read and trained on, the other half measures. */
export const HALVED_BY_ID_DIRS = [ORDINARY_DIR, 'test/corpus/discrimination'];
export const FOLDS = 5;
/** What neither model is ever trained on, as both manifests say it: what `npm run eval` reports first. */
export const NEVER_TRAINED =
  '`holdout.jsonl`, `holdout2.jsonl`, `batch7.jsonl`, `batch9.jsonl`, `batch10.jsonl`, `batch11.jsonl`, `batch12.jsonl`, `batch13.jsonl`, `batch14.jsonl`, `batch20.jsonl`, `batch27.jsonl`, `batch28.jsonl`, `batch35.jsonl`, `batch36.jsonl`, `batch37.jsonl`, `batch38.jsonl`, `batch39.jsonl`, `batch40.jsonl`, `batch41.jsonl`, `batch42.jsonl`, `equalities-a.jsonl`, `equalities-b.jsonl`, `proper-a.jsonl`, `proper-k.jsonl`, `proper-n.jsonl`, `proper-o.jsonl`, `proper-p.jsonl`, `proper-q.jsonl`, `proper-r.jsonl`, the measuring half of `real/` (split by source) and the measuring halves of `ordinary/` and `discrimination/` (ids whose SHA-256 starts with an odd byte)';

/** A command-line option's value (`--lambda 0.003` → "0.003"), or undefined when it is not given. */
export function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Writes records as JSON lines (the out-of-fold error lists: ids, rules and numbers, never message text). */
export function writeJsonLines(file: string, rows: object[]): void {
  writeFileSync(file, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
}
const jsonl = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => join(dir, f));

export interface Labelled extends Message {
  id: string;
  expect: string[];
  source?: string;
}
export interface Source {
  file: string;
  sha256: string;
  messages: number;
}

/** The files a model trains on: the labelled sets (with `extra` after them), the ordinary corpus and the real messages. */
export function trainingFiles(extra: string[] = []): string[] {
  return [...TRAINING_FILES.filter(existsSync), ...extra, ...jsonl(ORDINARY_DIR), ...jsonl(REAL_DIR)];
}

/** Every training message (cc, bcc and to defaulted), its fold by a SHA-256 of its id, and the files it came from. */
export function trainingMessages(files: string[]): {
  messages: { m: Labelled; fold: number }[];
  sources: Source[];
} {
  const messages: { m: Labelled; fold: number }[] = [];
  const sources: Source[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const byId = HALVED_BY_ID_DIRS.some((dir) => file.startsWith(dir));
    const halved = byId || file.startsWith(REAL_DIR);
    let count = 0;
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      const m = JSON.parse(line) as Labelled;
      if (byId && !isTrainingHalf(m.id)) continue;
      if (file.startsWith(REAL_DIR) && !isRealTrainingHalf(m)) continue;
      count++;
      messages.push({ m: { ...m, cc: m.cc ?? [], bcc: m.bcc ?? [], to: m.to ?? [] }, fold: createHash('sha256').update(m.id).digest()[0]! % FOLDS });
    }
    sources.push({ file: halved ? `${file} (training half)` : file, sha256: createHash('sha256').update(text).digest('hex'), messages: count });
  }
  return { messages, sources };
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Platt scaling: a one-feature logistic regression on the raw scores, with Platt's smoothed targets. */
export function platt(scores: number[], labels: (0 | 1)[]): { a: number; b: number } {
  const pos = labels.filter((y) => y === 1).length;
  const neg = labels.length - pos;
  const hi = (pos + 1) / (pos + 2);
  const lo = 1 / (neg + 2);
  let a = 1;
  let b = 0;
  for (let step = 0; step < 5000; step++) {
    let ga = 0;
    let gb = 0;
    scores.forEach((s, i) => {
      const t = labels[i] === 1 ? hi : lo;
      const err = sigmoid(a * s + b) - t;
      ga += err * s;
      gb += err;
    });
    a -= (0.5 * ga) / scores.length;
    b -= (0.5 * gb) / scores.length;
  }
  return { a, b };
}
