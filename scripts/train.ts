/**
 * Trains the confidence model (lexicons/models/confidence.json) and writes its manifest (lexicons/models/MANIFEST.md).
 *
 *   npm run train
 *   npm run train -- --oof-errors /tmp/oof.jsonl   # also list, by id and rule (no text), each finding the model
 *                                                  # would get wrong at 0.5 on messages its weights did not see
 *
 * Every finding the engine makes on the training messages is an example: right (its rule is in the message's
 * `expect`) or a false alarm. One L2-regularised logistic regression over the finding's features
 * (src/lint/confidence-model.ts), fitted by deterministic full-batch gradient descent; then Platt scaling fitted
 * on out-of-fold scores (5 folds by a SHA-256 of the message id), so the probabilities are calibrated on messages
 * the weights did not see. Nothing is random: the same files give the same model, byte for byte.
 *
 * Training data: the development sets (dev, dev2, dev3, dev4), batches that have had their on-arrival measurement
 * (batch5, batch6, batch8), the casework set (every message proper, read in full), the blind proper sets never read
 * (PROPER_FILES), the training half of the ordinary corpus (ids whose hash is even; the other half is kept for the
 * false-alarm figure), and the training half of the real published messages (split by source). Never what
 * NEVER_TRAINED (scripts/training-data.ts) names: those are for measuring.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Features, ConfidenceModel } from '../src/lint/confidence-model.js';
import { createLinter } from '../src/lint/engine.js';
import { EXAMPLE_COUNCIL, loadLexicon, loadProtocolPacks, loadResources } from '../src/lint/load.js';
import { parseCouncil } from '../src/directory/council.js';
import { FOLDS, NEVER_TRAINED, PROPER_FILES, flag, platt, trainingFiles, trainingMessages, writeJsonLines } from './training-data.js';

/**
 * L2 strength, chosen by out-of-fold log loss (2026-12-06: 0.02 → 0.340, 0.005 → 0.324, 0.001 → 0.322,
 * 0.0003 → 0.326): enough to keep a feature seen a handful of times from deciding alone.
 */
const LAMBDA = 0.001;
const STEPS = 3000;
const RATE = 0.5;

interface Example {
  x: Features;
  y: 0 | 1;
  fold: number;
  rule: string;
  id: string;
}
const args = process.argv.slice(2);
const OOF_ERRORS = flag(args, '--oof-errors');

const council = parseCouncil(readFileSync(EXAMPLE_COUNCIL, 'utf8'), EXAMPLE_COUNCIL);
const neutral: ConfidenceModel = { weights: {}, platt: { a: 1, b: 0 } };
const linter = createLinter({ council, packs: loadProtocolPacks(), lexicon: loadLexicon(), resources: loadResources(), model: neutral });

const { messages, sources } = trainingMessages(trainingFiles(PROPER_FILES));
const examples: Example[] = [];
for (const { m, fold } of messages) {
  const { findings, features } = linter.explain(m);
  findings.forEach((f, i) => {
    if (f.rule === 'input-truncated') return;
    examples.push({ x: features[i]!, y: m.expect.includes(f.rule) ? 1 : 0, fold, rule: f.rule, id: m.id });
  });
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const dot = (w: Map<string, number>, x: Features) => {
  let z = 0;
  for (const [k, v] of x) z += (w.get(k) ?? 0) * v;
  return z;
};

/** Deterministic full-batch gradient descent on the regularised log loss (the bias is not regularised). */
function fit(data: Example[]): Map<string, number> {
  const w = new Map<string, number>();
  for (const e of data) for (const k of e.x.keys()) w.set(k, 0);
  const n = data.length;
  for (let step = 0; step < STEPS; step++) {
    const grad = new Map<string, number>();
    for (const e of data) {
      const err = sigmoid(dot(w, e.x)) - e.y;
      for (const [k, v] of e.x) grad.set(k, (grad.get(k) ?? 0) + err * v);
    }
    for (const [k, g] of grad) {
      const reg = k === 'bias' ? 0 : LAMBDA * w.get(k)!;
      w.set(k, w.get(k)! - RATE * (g / n + reg));
    }
  }
  return w;
}

const oof: number[] = new Array(examples.length).fill(0);
for (let k = 0; k < FOLDS; k++) {
  const w = fit(examples.filter((e) => e.fold !== k));
  examples.forEach((e, i) => {
    if (e.fold === k) oof[i] = dot(w, e.x);
  });
}
const labels = examples.map((e) => e.y);
const calibration = platt(oof, labels);
const weights = fit(examples);

// Out-of-fold quality of the calibrated probabilities.
const probs = oof.map((s) => sigmoid(calibration.a * s + calibration.b));
const logLoss = -probs.reduce((sum, p, i) => sum + (labels[i] ? Math.log(Math.max(p, 1e-9)) : Math.log(Math.max(1 - p, 1e-9))), 0) / probs.length;
if (OOF_ERRORS) {
  const wrong = examples.flatMap((e, i) =>
    (e.y === 1) !== probs[i]! >= 0.5 ? [{ id: e.id, rule: e.rule, expected: e.y === 1, probability: Math.round(probs[i]! * 1000) / 1000 }] : [],
  );
  writeJsonLines(OOF_ERRORS, wrong);
}
const brier = probs.reduce((sum, p, i) => sum + (p - labels[i]!) ** 2, 0) / probs.length;
const bins = Array.from({ length: 5 }, (_, b) => {
  const idx = probs.map((p, i) => [p, i] as const).filter(([p]) => p >= b / 5 && (p < (b + 1) / 5 || (b === 4 && p <= 1)));
  const mean = idx.reduce((s, [p]) => s + p, 0) / Math.max(1, idx.length);
  const rate = idx.reduce((s, [, i]) => s + labels[i]!, 0) / Math.max(1, idx.length);
  return { range: `${(b / 5).toFixed(1)}–${((b + 1) / 5).toFixed(1)}`, n: idx.length, predicted: mean, observed: rate };
});

const rounded: Record<string, number> = {};
for (const [k, v] of [...weights].sort(([a], [b]) => a.localeCompare(b))) if (Math.abs(v) >= 1e-4) rounded[k] = Math.round(v * 10_000) / 10_000;
const model = { weights: rounded, platt: { a: Math.round(calibration.a * 10_000) / 10_000, b: Math.round(calibration.b * 10_000) / 10_000 } };
writeFileSync('lexicons/models/confidence.json', `${JSON.stringify(model, null, 1)}\n`);

const positives = labels.filter((y) => y === 1).length;
const perRule = new Map<string, [number, number]>();
for (const e of examples) {
  const c = perRule.get(e.rule) ?? [0, 0];
  c[e.y === 1 ? 0 : 1]++;
  perRule.set(e.rule, c);
}
const manifest = `# The confidence model

\`confidence.json\` is written by \`npm run train\` (scripts/train.ts) and reviewed like any other data. Do not edit it
by hand: change the training data or the features (src/lint/confidence-model.ts) and train again.

- **What it is:** one L2-regularised logistic regression (λ = ${LAMBDA}, ${STEPS} steps of full-batch gradient descent
  at rate ${RATE}) over each finding's features, then Platt scaling (a = ${model.platt.a}, b = ${model.platt.b}) fitted on
  out-of-fold scores from ${FOLDS} folds split by SHA-256 of the message id. Deterministic: no random seed is needed,
  and the same data gives the same file.
- **Examples:** ${examples.length} findings the engine made on the training messages: ${positives} right, ${examples.length - positives} false alarms.
- **Features:** ${Object.keys(rounded).length} with a weight.
- **Out-of-fold quality** (calibrated, on messages each fold's weights did not see): log loss ${logLoss.toFixed(3)},
  Brier score ${brier.toFixed(3)}.

| confidence band | findings | mean confidence | share right |
|---|---:|---:|---:|
${bins.map((b) => `| ${b.range} | ${b.n} | ${b.n ? b.predicted.toFixed(2) : '–'} | ${b.n ? b.observed.toFixed(2) : '–'} |`).join('\n')}

## Trained on

| file | messages | sha256 |
|---|---:|---|
${sources.map((s) => `| \`${s.file}\` | ${s.messages} | \`${s.sha256.slice(0, 16)}…\` |`).join('\n')}

Never trained on: ${NEVER_TRAINED}. Those are what \`npm run eval\` reports first.

## Findings per rule in the training data

| rule | right | false alarms |
|---|---:|---:|
${[...perRule]
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([r, [p, n]]) => `| \`${r}\` | ${p} | ${n} |`)
  .join('\n')}
`;
writeFileSync('lexicons/models/MANIFEST.md', manifest);
console.log(
  `trained on ${examples.length} findings (${positives} right) from ${sources.reduce((s, x) => s + x.messages, 0)} messages; out-of-fold log loss ${logLoss.toFixed(3)}, Brier ${brier.toFixed(3)}`,
);
for (const b of bins) console.log(`  ${b.range}: ${String(b.n).padStart(4)} findings, predicted ${b.predicted.toFixed(2)}, observed ${b.observed.toFixed(2)}`);
console.log('reproduce: npm run train');
