/**
 * Trains the abuse score (lexicons/models/abuse.json): how much a sentence reads like abuse, learned from 24,783
 * tweets labelled hate speech, offensive or neither by CrowdFlower workers (Davidson et al., ICWSM 2017; MIT licence).
 *
 *   npm run train:abuse -- [path/to/labeled_data.csv]
 *
 * The data is not kept in this repository (it is someone else's data set; fetch
 * github:t-davidson/hate-speech-and-offensive-language and pass data/labeled_data.csv, commit cb50f7e). The manifest
 * records the file's SHA-256, so anyone can check they trained on the same thing. The learned weights are what we
 * keep and review.
 *
 * A bag of words over the engine's own tokeniser (so the words are the words the engine sees at run time), words
 * seen in at least MIN_DOCS tweets; L2-regularised logistic regression, classes balanced, deterministic full-batch
 * gradient descent; 20% of tweets (by a SHA-256 of their row number) held out for the figures in the manifest.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { tokenise } from '../src/lexicon/tokens.js';

const DEFAULT = '/tmp/davidson/labeled_data.csv';
const file = process.argv[2] ?? DEFAULT;
if (!existsSync(file)) {
  console.error(`train:abuse: no data at ${file}; fetch github:t-davidson/hate-speech-and-offensive-language and pass data/labeled_data.csv`);
  process.exit(2);
}
const MIN_DOCS = 5;
const LAMBDA = 1e-4;
const STEPS = 400;
const RATE = 2;
/** Weights smaller than this change no decision and are left out of the file. */
const KEEP = 0.05;

const raw = readFileSync(file);
const rows = parse(raw, { columns: true, skip_empty_lines: true }) as { class: string; tweet: string; '': string }[];

/** Twitter's furniture is not language: mentions, links, retweet marks, HTML entities. */
function clean(tweet: string): string {
  return tweet
    .replace(/&amp;/g, '&')
    .replace(/&[a-z#0-9]+;/gi, ' ')
    .replace(/@\w+:?/g, ' ')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/\bRT\b/g, ' ')
    .replace(/#/g, ' ');
}

interface Doc {
  words: string[];
  y: 0 | 1;
  test: boolean;
}
const docs: Doc[] = rows.map((r, i) => ({
  words: [...new Set(tokenise(clean(r.tweet)).map((t) => t.word))],
  y: r.class === '2' ? 0 : 1,
  test: createHash('sha256').update(String(i)).digest()[0]! < 51, // ~20%
}));
const df = new Map<string, number>();
for (const d of docs) if (!d.test) for (const w of d.words) df.set(w, (df.get(w) ?? 0) + 1);
const vocab = [...df]
  .filter(([, n]) => n >= MIN_DOCS)
  .map(([w]) => w)
  .sort();
const index = new Map(vocab.map((w, i) => [w, i]));
const train = docs.filter((d) => !d.test).map((d) => ({ x: d.words.map((w) => index.get(w)).filter((i): i is number => i !== undefined), y: d.y }));
const test = docs.filter((d) => d.test).map((d) => ({ x: d.words.map((w) => index.get(w)).filter((i): i is number => i !== undefined), y: d.y }));

const pos = train.filter((d) => d.y === 1).length;
const weightOf = (y: number) => (y === 1 ? train.length / (2 * pos) : train.length / (2 * (train.length - pos)));
const w = new Float64Array(vocab.length);
let bias = 0;
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const score = (x: number[]) => x.reduce((z, i) => z + w[i]!, bias);
for (let step = 0; step < STEPS; step++) {
  const g = new Float64Array(vocab.length);
  let gb = 0;
  for (const d of train) {
    const err = (sigmoid(score(d.x)) - d.y) * weightOf(d.y);
    for (const i of d.x) g[i]! += err;
    gb += err;
  }
  for (let i = 0; i < vocab.length; i++) w[i]! -= RATE * (g[i]! / train.length + LAMBDA * w[i]!);
  bias -= RATE * (gb / train.length);
}

// Held-out figures: AUC, and precision/recall at 0.5.
const scored = test.map((d) => ({ p: sigmoid(score(d.x)), y: d.y })).sort((a, b) => b.p - a.p);
let tp = 0;
let fp = 0;
let auc = 0;
const totalPos = scored.filter((s) => s.y === 1).length;
const totalNeg = scored.length - totalPos;
for (const s of scored) {
  if (s.y === 1) tp++;
  else {
    fp++;
    auc += tp;
  }
}
auc /= totalPos * totalNeg;
const at = (t: number) => {
  const sel = scored.filter((s) => s.p >= t);
  const right = sel.filter((s) => s.y === 1).length;
  return { precision: right / Math.max(1, sel.length), recall: right / totalPos };
};
const half = at(0.5);
void fp;

const weights: Record<string, number> = {};
vocab.forEach((word, i) => {
  if (Math.abs(w[i]!) >= KEEP) weights[word] = Math.round(w[i]! * 1000) / 1000;
});
const sha = createHash('sha256').update(raw).digest('hex');
const model = {
  source: {
    repository: 'github.com/t-davidson/hate-speech-and-offensive-language',
    commit: 'cb50f7e9eb855a99abc51423bf40df0e26d6fe30',
    path: 'data/labeled_data.csv',
    sha256: sha,
    licence: 'MIT',
  },
  bias: Math.round(bias * 1000) / 1000,
  weights,
};
writeFileSync('lexicons/models/abuse.json', `${JSON.stringify(model, null, 1)}\n`);
const top = Object.entries(weights).sort((a, b) => b[1] - a[1]);
const manifest = `# The abuse score

\`abuse.json\` is written by \`npm run train:abuse -- labeled_data.csv\` (scripts/train-abuse.ts): a logistic regression
over the words of a sentence, learned from the 24,783 tweets of Davidson et al. (2017), "Automated Hate Speech
Detection and the Problem of Offensive Language" (github.com/t-davidson/hate-speech-and-offensive-language, commit
cb50f7e, \`data/labeled_data.csv\`, MIT licence, SHA-256 \`${sha}\`), labelled hate speech or offensive (1) against
neither (0). The data set is not kept here; the weights are.

- Vocabulary: words in at least ${MIN_DOCS} training tweets, through the engine's own tokeniser (${vocab.length} words; ${Object.keys(weights).length} kept with |weight| ≥ ${KEEP}).
- Training: L2 (λ = ${LAMBDA}), classes balanced, ${STEPS} steps of full-batch gradient descent at rate ${RATE}; deterministic.
- Held out (${test.length} tweets, by SHA-256 of the row number): AUC ${auc.toFixed(3)}; at 0.5, precision ${half.precision.toFixed(2)}, recall ${half.recall.toFixed(2)}.

What it is for: tweets are not council mail, so the engine never acts on this score alone. It is one piece of
evidence for the derogatory rule — a sentence aimed at a person (second person, a name, a role) that reads like
abuse — and a feature the confidence model weighs.

Strongest words towards abuse: ${top
  .slice(0, 25)
  .map(([k]) => k)
  .join(', ')}.
Strongest words away from it: ${top
  .slice(-15)
  .map(([k]) => k)
  .join(', ')}.
`;
writeFileSync('lexicons/models/ABUSE.md', manifest);
console.log(
  `abuse score: ${Object.keys(weights).length} weights; held-out AUC ${auc.toFixed(3)}, P ${half.precision.toFixed(2)} R ${half.recall.toFixed(2)} at 0.5`,
);
console.log(`reproduce: npm run train:abuse -- ${file}`);
