/**
 * The build's cache of proved data files: a file whose text is the one the build proved is not parsed again; a file
 * edited since is parsed (and so proved) again; no cache file, or a broken one, means everything is parsed.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLexiconFile } from '../src/lexicon/lexicon.js';
import { createParseCache } from '../src/lint/parse-cache.js';

const LEXICON = `category: thing-target
description: test
source: "test"
entries:
  - phrases:
      - "the boiler"
      - "the radiator"
    note: "A thing."
    match: ["the boiler broke"]
    nomatch: "the kettle"
`;

describe('parse cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'probity-cache-'));
  const file = join(dir, 'parse-cache.json');

  it('keeps what the build proved and gives it back without parsing', () => {
    const build = createParseCache(undefined);
    let parsed = 0;
    const entries = build.get('lexicon', LEXICON, () => (parsed++, parseLexiconFile(LEXICON, 'test.yaml')));
    expect(parsed).toBe(1);
    expect(build.write(file)).toBe(1);
    expect(readFileSync(file, 'utf8')).not.toMatch(/boiler broke/); // examples are proved, not kept

    const run = createParseCache(file);
    const again = run.get('lexicon', LEXICON, () => {
      throw new Error('parsed again');
    });
    expect(again).toEqual(entries);
  });

  it('parses and proves a file edited since the build', () => {
    const run = createParseCache(file);
    const edited = LEXICON.replace('nomatch: "the kettle"', 'nomatch: "the boiler room"');
    expect(() => run.get('lexicon', edited, () => parseLexiconFile(edited, 'test.yaml'))).toThrow(/matches its counter-example "the boiler room"/);
  });

  it('parses everything when the cache is missing or unreadable', () => {
    writeFileSync(join(dir, 'broken.json'), '{not json');
    for (const f of [join(dir, 'absent.json'), join(dir, 'broken.json')]) {
      let parsed = 0;
      createParseCache(f).get('lexicon', LEXICON, () => (parsed++, parseLexiconFile(LEXICON, 'test.yaml')));
      expect(parsed).toBe(1);
    }
  });
});
