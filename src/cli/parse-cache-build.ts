/**
 * Part of `npm run build`: parses and proves every lexicon and protocol pack once, then writes dist/parse-cache.json,
 * so that `probity check` on one message starts without doing it again (see src/lint/parse-cache.ts).
 */
import { rmSync } from 'node:fs';
import { loadEnquiryCues } from '../enquiries/load.js';
import { loadLexicon, loadProtocolPacks } from '../lint/load.js';
import { PARSE_CACHE_FILE, parseCache } from '../lint/parse-cache.js';

// The previous build's cache goes first: this build parses and proves every file with this build's code.
rmSync(PARSE_CACHE_FILE, { force: true });
loadLexicon();
loadProtocolPacks();
loadEnquiryCues();
const n = parseCache.write(PARSE_CACHE_FILE);
process.stdout.write(`parse cache: ${n} data files proved and kept in ${PARSE_CACHE_FILE}\n`);
