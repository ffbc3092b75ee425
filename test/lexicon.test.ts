/** Lexicons are data that prove themselves: a bad entry stops the lexicon from loading, with a reason. */
import { describe, expect, it } from 'vitest';
import { Lexicon, LexiconError, parseLexiconFile } from '../src/lexicon/lexicon.js';
import { loadLexicon } from '../src/lint/load.js';
import { tokenise } from '../src/lexicon/tokens.js';

const file = (entries: string) => `category: test\ndescription: a test category\nsource: "North East Derbyshire 5.7"\nentries:\n${entries}`;

describe('lexicon files', () => {
  it('every bundled lexicon loads, each entry with a note, a source and examples it matches', () => {
    const entries = loadLexicon();
    expect(entries.length).toBeGreaterThan(100);
    for (const e of entries) {
      expect(e.note.length).toBeGreaterThan(2);
      expect(e.source.length).toBeGreaterThan(2);
    }
  });

  it('refuses an entry whose example it does not match', () => {
    expect(() => parseLexiconFile(file('  - { pattern: "leaflet", note: "a note", match: "a poster", nomatch: "a flyer" }'), 't.yaml')).toThrow(
      /does not match its example "a poster"/,
    );
  });

  it('refuses an entry that matches its counter-example', () => {
    expect(() => parseLexiconFile(file('  - { pattern: "campaign", note: "a note", match: "our campaign", nomatch: "campaigning" }'), 't.yaml')).toThrow(
      LexiconError,
    );
  });

  it('refuses duplicates and malformed files, naming the place', () => {
    expect(() =>
      parseLexiconFile(
        file('  - { pattern: "a b", note: "a note", match: "a b", nomatch: "b a" }\n  - { pattern: "A  b", note: "a note", match: "a b", nomatch: "b a" }'),
        't.yaml',
      ),
    ).toThrow(/entries\.1 .*duplicate/);
    expect(() => parseLexiconFile('category: x\nentries: [', 't.yaml')).toThrow(/t\.yaml: line/);
    expect(() => parseLexiconFile(file('  - { pattern: "x", match: "x", nomatch: "y" }'), 't.yaml')).toThrow(/note/);
  });

  it('refuses an entry without a counter-example: a term is general only if it knows its limits', () => {
    expect(() => parseLexiconFile(file('  - { pattern: "leaflet", note: "a note", match: "a leaflet" }'), 't.yaml')).toThrow(/nomatch/);
  });

  it('matches by stem, exact word, prefix, alternatives, phrases and gaps', () => {
    const lex = new Lexicon();
    for (const e of parseLexiconFile(
      file(
        [
          '  - { pattern: "leaflet", note: "a note", match: "leafleting", nomatch: "a poster" }',
          '  - { pattern: "=us", note: "a note", match: "us", nomatch: "use" }',
          '  - { pattern: "incompet*", note: "a note", match: "incompetence", nomatch: "competent" }',
          '  - phrases:\n      - "let me/us know"\n      - "keep me posted"\n    note: "a note"\n    match: ["let us know", "keep me posted"]\n    nomatch: "let it go"',
          '  - { pattern: "take ...7 out", note: "a note", match: "take option 3 out", nomatch: "take it" }',
        ].join('\n'),
      ),
      't.yaml',
    ))
      lex.add(e);
    const hits = lex.match(tokenise('Please let us know; take Option 3 (the park site) out of the leaflets, incompetently.'));
    expect(hits.map((h) => h.entry.phrases.join('|')).sort()).toEqual(['=us', 'incompet*', 'leaflet', 'let me/us know|keep me posted', 'take ...7 out']);
  });

  it('reads phrases one per line, or joined by "|" on one line, as the same entry', () => {
    const listed = parseLexiconFile(
      file('  - phrases:\n      - "press office"\n      - "comms  team"\n    note: "a note"\n    match: ["the press office"]\n    nomatch: ["the office"]'),
      't.yaml',
    );
    const joined = parseLexiconFile(
      file('  - { pattern: "press office | comms  team", note: "a note", match: ["the press office"], nomatch: ["the office"] }'),
      't.yaml',
    );
    expect(listed).toEqual(joined);
    expect(listed[0]!.phrases).toEqual(['press office', 'comms  team']);
  });

  it('refuses an entry with both forms, with neither, or with "|" inside a listed phrase', () => {
    const both = '  - { phrases: ["leaflet"], pattern: "leaflet", note: "a note", match: "a leaflet", nomatch: "a poster" }';
    expect(() => parseLexiconFile(file(both), 't.yaml')).toThrow(/entries\.0: give the phrases once: as `phrases:`/);
    const neither = '  - { note: "a note", match: "a leaflet", nomatch: "a poster" }';
    expect(() => parseLexiconFile(file(neither), 't.yaml')).toThrow(/entries\.0: give the phrases once: as `phrases:`/);
    const joinedInList = '  - { phrases: ["leaflet|flyer"], note: "a note", match: "a leaflet", nomatch: "a poster" }';
    expect(() => parseLexiconFile(file(joinedInList), 't.yaml')).toThrow(/holds "\|": give each phrase its own line/);
  });
});

describe('the tokeniser', () => {
  it('reads a text with more distinct words than its table of written forms holds', () => {
    const words = Array.from({ length: 140_000 }, (_, i) => `w${i.toString(36)}`);
    const tokens = tokenise(words.join(' '));
    expect(tokens).toHaveLength(140_000);
    expect(tokens[139_999]!.word).toBe(words[139_999]);
    // Met again after the table is full, a word still reads the same.
    expect(tokenise(`${words[0]} ${words[139_999]}`).map((t) => t.word)).toEqual([words[0], words[139_999]]);
  });
});
