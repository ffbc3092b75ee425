/**
 * Validated data files (lexicons, protocol packs), kept by the build under the SHA-256 of each file's text, so that a
 * command started for one message does not parse the YAML again and prove again every `match`/`nomatch` example that
 * the build already proved. A file whose text has changed since the build misses the cache and is parsed and proved
 * as it always was; so does everything run from source (tsx, the tests), where no cache is read. The cache holds only
 * what is in the files, never message text.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** dist/src/lint/parse-cache.js → dist/parse-cache.json, written by `npm run build`. */
export const PARSE_CACHE_FILE = fileURLToPath(new URL('../../parse-cache.json', import.meta.url));

export interface ParseCache {
  /** The parsed value of a data file: the stored one when the text is the one that was proved, else `parse()`. */
  get<T>(kind: string, text: string, parse: () => T): T;
  /** Writes every value parsed or found so far to `file`; returns how many. */
  write(file: string): number;
}

/** A cache over `file` (undefined: none stored, everything parsed; values are still collected for `write`). */
export function createParseCache(file: string | undefined): ParseCache {
  let stored: Map<string, unknown> | undefined;
  const seen = new Map<string, unknown>();
  const storedValues = () => {
    if (!stored) {
      stored = new Map();
      if (file) {
        try {
          stored = new Map(Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>));
        } catch {
          // No cache, or an unreadable one: parse everything, as from source.
        }
      }
    }
    return stored;
  };
  return {
    get<T>(kind: string, text: string, parse: () => T): T {
      const key = `${kind}:${createHash('sha256').update(text).digest('hex')}`;
      const hit = storedValues().get(key);
      const value = hit === undefined ? parse() : (hit as T);
      seen.set(key, value);
      return value;
    },
    write(to: string): number {
      writeFileSync(to, `${JSON.stringify(Object.fromEntries(seen))}\n`);
      return seen.size;
    },
  };
}

/** Only a built copy (dist/src/lint/) reads the build's cache. */
const BUILT = /[\\/]dist[\\/]src[\\/]lint[\\/]/.test(fileURLToPath(import.meta.url));

/** The process's cache: the build's file when running built, none from source. */
export const parseCache = createParseCache(BUILT ? PARSE_CACHE_FILE : undefined);
