/** Loads everything the engine needs from disk (lexicons, protocol packs, the council file) once. */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCouncil, type Council } from '../directory/council.js';
import { parseProtocolPack, type ProtocolPack } from '../directory/protocol-pack.js';
import { WordFamilies, type WordFamiliesFile } from '../nlp/families.js';
import { parseLexiconFile, type Entry } from '../lexicon/lexicon.js';
import type { Resources } from '../nlp/judgement.js';
import type { ConfidenceModel } from './confidence-model.js';
import { createLinter, type ExplainingLinter } from './engine.js';
import { parseCache } from './parse-cache.js';
import type { ReaderModel } from './reader.js';

/** The repository root (works from src/ under tsx and from dist/src/ when built). */
export const PACKAGE_ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      readFileSync(join(dir, 'package.json'));
      return dir;
    } catch {
      dir = dirname(dir);
    }
  }
  throw new Error('probity: cannot find the package root');
})();

export const LEXICON_DIR = join(PACKAGE_ROOT, 'lexicons');
export const EXAMPLE_COUNCIL = join(PACKAGE_ROOT, 'examples', 'council.yaml');

export function loadProtocolPacks(dir = join(LEXICON_DIR, 'protocols')): Map<string, ProtocolPack> {
  const packs = new Map<string, ProtocolPack>();
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const text = readFileSync(join(dir, name), 'utf8');
    const pack = parseCache.get('protocol', text, () => parseProtocolPack(text, join('lexicons/protocols', name)));
    packs.set(pack.id, pack);
  }
  return packs;
}

export function loadLexicon(dir = join(LEXICON_DIR, 'terms')): Entry[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((name) => {
      const text = readFileSync(join(dir, name), 'utf8');
      return parseCache.get('lexicon', text, () => parseLexiconFile(text, join('lexicons/terms', name)));
    });
}

/** Kept lexical resources, built by `npm run build:resources` (see lexicons/resources/MANIFEST.md). */
export function loadResources(dir = join(LEXICON_DIR, 'resources')): Resources {
  const valence = JSON.parse(readFileSync(join(dir, 'valence.json'), 'utf8')) as Record<string, number>;
  const abuse = JSON.parse(readFileSync(join(LEXICON_DIR, 'models', 'abuse.json'), 'utf8')) as { bias: number; weights: Record<string, number> };
  const adjectives = new Set(JSON.parse(readFileSync(join(dir, 'adjectives.json'), 'utf8')) as string[]);
  const verbs = new Set(JSON.parse(readFileSync(join(dir, 'verbs.json'), 'utf8')) as string[]);
  const profanity = new Map(Object.entries(JSON.parse(readFileSync(join(dir, 'profanity.json'), 'utf8')) as Record<string, 1 | 2>));
  const families = new WordFamilies(JSON.parse(readFileSync(join(dir, 'word-clusters.json'), 'utf8')) as WordFamiliesFile);
  // 72,000 words take a few tens of milliseconds to load: read only when a lower-case sentence names someone.
  let common: Set<string> | undefined;
  return {
    valence: new Map(Object.entries(valence)),
    adjectives,
    verbs,
    profanity,
    abuse: { bias: abuse.bias, weights: new Map(Object.entries(abuse.weights)) },
    families,
    get common() {
      common ??= new Set(JSON.parse(readFileSync(join(dir, 'common-words.json'), 'utf8')) as string[]);
      return common;
    },
  };
}

/** The learned confidence model, trained by `npm run train` (see lexicons/models/MANIFEST.md). */
export function loadModel(file = join(LEXICON_DIR, 'models', 'confidence.json')): ConfidenceModel {
  const { weights, platt } = JSON.parse(readFileSync(file, 'utf8')) as ConfidenceModel;
  return { weights, platt };
}

/** The learned reader, trained by `npm run train:reader` (see lexicons/models/READER.md). */
export function loadReader(file = join(LEXICON_DIR, 'models', 'reader.json')): ReaderModel {
  return JSON.parse(readFileSync(file, 'utf8')) as ReaderModel;
}

export interface LoadOptions {
  /** Path to council.yaml (default: the bundled example council). */
  councilFile?: string;
  /** A council already read and validated (instead of `councilFile`). */
  council?: Council;
  /** Leave the reader out (only the rules speak), for measuring what it adds. */
  withoutReader?: boolean;
  readerFloor?: number;
}

export function loadLinter(options: LoadOptions = {}): ExplainingLinter {
  const file = options.councilFile ?? EXAMPLE_COUNCIL;
  const council = options.council ?? parseCouncil(readFileSync(file, 'utf8'), file);
  return createLinter({
    council,
    packs: loadProtocolPacks(),
    lexicon: loadLexicon(),
    resources: loadResources(),
    model: loadModel(),
    ...(options.withoutReader ? {} : { reader: loadReader() }),
    ...(options.readerFloor === undefined ? {} : { readerFloor: options.readerFloor }),
  });
}
