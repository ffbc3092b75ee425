/** Reads the enquiry data files once: the cues the detector reads and the protocols' response times. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseLexiconFile, type Entry } from '../lexicon/lexicon.js';
import { LEXICON_DIR, loadLexicon } from '../lint/load.js';
import { parseCache } from '../lint/parse-cache.js';
import type { Council } from '../directory/council.js';
import { createDetector, type Detector } from './detect.js';
import type { ResponseTimes } from './settings.js';

const DIR = join(LEXICON_DIR, 'enquiries');

export function loadEnquiryCues(dir = DIR): Entry[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'response-times.yaml')
    .sort()
    .flatMap((name) => {
      const text = readFileSync(join(dir, name), 'utf8');
      return parseCache.get('lexicon', text, () => parseLexiconFile(text, join('lexicons/enquiries', name)));
    });
}

export function loadResponseTimes(file = join(DIR, 'response-times.yaml')): ResponseTimes {
  return parse(readFileSync(file, 'utf8')) as ResponseTimes;
}

export function loadDetector(council: Council): Detector {
  return createDetector(council, loadLexicon(), loadEnquiryCues());
}
