/**
 * The protocol packs (lexicons/protocols/*.yaml): they parse, they point at the right source, every quote is
 * proven verbatim against that source, every ref looks like (and, where numbered, occurs in) the protocol's own
 * numbering, and the model pack covers every rule with clauses drawn from the council packs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { missingQuotes, normaliseForQuote, parseProtocolPack, type ProtocolPack } from '../src/directory/protocol-pack.js';
import { RULE_IDS } from '../src/directory/rule-ids.js';

const PACK_DIR = new URL('../lexicons/protocols/', import.meta.url);
/** The shared protocols folder is a sibling of the repository. */
const SOURCE_DIR = new URL('../../shared/protocols/', import.meta.url);

const EXPECTED_SOURCES: Record<string, string | null> = {
  kirklees: '000_9433a5cb417ae80c.txt',
  'part-5': '001_49c77ebd533333aa.txt',
  'north-east-derbyshire': '002_327a25df84f6bcf5.txt',
  'north-northamptonshire': '003_bd4657045e15c54f.txt',
  wiltshire: '004_67fc1837b1c940a4.txt',
  model: null,
};

const files = readdirSync(PACK_DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const packs = new Map<string, ProtocolPack>(
  files.map((f) => {
    const pack = parseProtocolPack(readFileSync(new URL(f, PACK_DIR), 'utf8'), `lexicons/protocols/${f}`);
    return [pack.id, pack];
  }),
);

const sourceCache = new Map<string, string>();
function sourceText(file: string): string {
  let text = sourceCache.get(file);
  if (text === undefined) {
    text = readFileSync(fileURLToPath(new URL(file, SOURCE_DIR)), 'utf8');
    sourceCache.set(file, text);
  }
  return text;
}
const sourceOf = (packId: string): string | null => packs.get(packId)?.source ?? null;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Letters and digits only, lower-cased: titles survive PDF extraction in this form. */
const skeleton = (s: string) =>
  normaliseForQuote(s)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

/** How each protocol numbers its clauses (PRODUCT.md, ../shared/protocols/README.md). */
const REF_SHAPE: Record<string, RegExp> = {
  kirklees: /^\d{1,2}(\.\d{1,2})?$/,
  'part-5': /^\d{1,2}\.\d{1,2}(\.\d{1,2})?$/,
  'north-east-derbyshire': /^(\d{1,2}(\.\d{1,2})?(\(\d\)(-\(\d\))?)?(\([ivx]+\))?|Appendix \((Officers|Members) (Do|Don't)\))$/,
  'north-northamptonshire': /^"[^"]+", (paragraphs? \d{1,2}(-\d{1,2})?|list "[^"]+")$/,
  wiltshire: /^(\d{1,2}\.\d{1,2}|Appendix 1, (Principles|[A-H])|Appendix 2, section [1-3])$/,
};

/** The ref is not just well-shaped: the clause number, heading or table it names is in the source text. */
function refOccursInSource(packId: string, ref: string, text: string): boolean {
  const flat = normaliseForQuote(text);
  const numbered = /^(\d+(?:\.\d+)*)((?:\([0-9ivx]+\)|-)*)$/.exec(ref);
  if (numbered) {
    const [, base, subs] = numbered as unknown as [string, string, string];
    const baseAtLineStart = new RegExp(`^\\s*${escape(base)}(?:\\.?[ \\t]|\\.?$)`, 'm').test(text);
    const subsPresent = [...subs.matchAll(/\([0-9ivx]+\)/g)].every((m) => flat.includes(m[0]));
    return baseAtLineStart && subsPresent;
  }
  if (packId === 'north-east-derbyshire') {
    const who = /^Appendix \((Officers|Members) Do/.exec(ref)?.[1];
    return !!who && flat.includes(`Appendix to the Protocol`) && flat.includes(`${who} Do ${who} Don't`);
  }
  if (packId === 'north-northamptonshire') {
    const [heading, list] = [...ref.matchAll(/"([^"]+)"/g)].map((m) => normaliseForQuote(m[1] ?? ''));
    // The heading is a line of its own (or opens one); a list's lead-in is in the text.
    const isHeading = text.split('\n').some((line) => heading !== undefined && heading.length > 0 && normaliseForQuote(line).startsWith(heading));
    return isHeading && (!list || flat.includes(list));
  }
  if (packId === 'wiltshire') {
    const m = /^Appendix (\d), (?:section (\d)|([A-H])|(Principles))$/.exec(ref);
    if (!m) return false;
    const appendix = new RegExp(`Appendix\\s+${m[1]}`, 'i').test(text);
    if (m[2]) return appendix && new RegExp(`^\\s*${m[2]}\\.\\s+\\S`, 'm').test(text);
    if (m[3]) return appendix && new RegExp(`^\\s*${m[3]}\\.\\s+\\S`, 'm').test(text);
    return appendix && /^\s*Principles\s*$/m.test(text);
  }
  return false;
}

describe('protocol packs', () => {
  it('are exactly the six packs, each in a file named after its id', () => {
    expect([...packs.keys()].sort()).toEqual(Object.keys(EXPECTED_SOURCES).sort());
    expect(files).toEqual([...packs.keys()].map((id) => `${id}.yaml`).sort());
  });

  it('each names the right source file, and that file exists in ../shared/protocols', () => {
    for (const [id, source] of Object.entries(EXPECTED_SOURCES)) {
      const pack = packs.get(id)!;
      expect(pack.source, id).toBe(source);
      if (source) expect(sourceText(source).length, source).toBeGreaterThan(10_000);
    }
  });

  it("each council pack's title is the protocol's own title, as it appears in the text", () => {
    for (const pack of packs.values()) {
      if (!pack.source) continue;
      expect(skeleton(sourceText(pack.source)), pack.id).toContain(skeleton(pack.title));
    }
  });

  it('every quote in every pack is verbatim in its source (missingQuotes is empty)', () => {
    for (const pack of packs.values()) {
      expect(missingQuotes(pack, sourceText, sourceOf), pack.id).toEqual([]);
    }
  });

  it('uses at most three clauses per rule, and only the model pack names a protocol per clause', () => {
    for (const pack of packs.values()) {
      for (const [rule, clauses] of Object.entries(pack.rules)) {
        expect(clauses.length, `${pack.id} ${rule}`).toBeLessThanOrEqual(3);
        for (const c of clauses) {
          if (pack.id === 'model') expect(c.protocol, `${rule} ${c.ref}`).toBeDefined();
          else expect(c.protocol, `${pack.id} ${rule} ${c.ref}`).toBeUndefined();
        }
      }
    }
  });

  it("each council pack's refs look like that protocol's numbering and name clauses that exist in its text", () => {
    for (const pack of packs.values()) {
      if (pack.id === 'model') continue;
      const shape = REF_SHAPE[pack.id]!;
      for (const [rule, clauses] of Object.entries(pack.rules)) {
        for (const c of clauses) {
          expect(c.ref, `${pack.id} ${rule}`).toMatch(shape);
          expect(refOccursInSource(pack.id, c.ref, sourceText(pack.source!)), `${pack.id} ${rule} ${c.ref}`).toBe(true);
        }
      }
    }
  });

  it('the model pack covers all 13 rules', () => {
    const model = packs.get('model')!;
    expect(Object.keys(model.rules).sort()).toEqual([...RULE_IDS].sort());
    expect(RULE_IDS).toHaveLength(13);
  });

  it('every model clause is a clause of the pack it names (same ref, same quote)', () => {
    const model = packs.get('model')!;
    for (const [rule, clauses] of Object.entries(model.rules)) {
      for (const c of clauses) {
        const from = packs.get(c.protocol!);
        expect(from, `${rule}: unknown protocol ${c.protocol}`).toBeDefined();
        expect(from!.id).not.toBe('model');
        const all = Object.values(from!.rules).flat();
        expect(
          all.some((o) => o.ref === c.ref && o.quote === c.quote),
          `${rule} ${c.protocol} ${c.ref}`,
        ).toBe(true);
        expect(c.ref).toMatch(REF_SHAPE[from!.id]!);
      }
    }
  });

  it("follows each council's own text where the protocols disagree", () => {
    // 001 10.1: correspondence is open to other councillors on a need-to-know basis; only 002 9.1 bans silent copies.
    expect(packs.get('part-5')!.rules['silent-copy']).toBeUndefined();
    expect(normaliseForQuote(sourceText('001_49c77ebd533333aa.txt'))).toContain('is not confidential and shall be open for inspection by other councillors');
    expect(packs.get('north-east-derbyshire')!.rules['silent-copy']?.[0]?.ref).toBe('9.1');
    for (const id of ['kirklees', 'north-northamptonshire', 'wiltshire']) expect(packs.get(id)!.rules['silent-copy'], id).toBeUndefined();
    // The model cites 002 for silent copies, and for each rule a clause a council pack also uses.
    expect(packs.get('model')!.rules['silent-copy']?.[0]).toMatchObject({ protocol: 'north-east-derbyshire', ref: '9.1' });
  });

  it('the strongest sources named in PRODUCT.md are cited first', () => {
    const first = (id: string, rule: (typeof RULE_IDS)[number]) => packs.get(id)!.rules[rule]?.[0]?.ref;
    expect(first('part-5', 'direct-instruction')).toBe('2.4');
    expect(first('north-east-derbyshire', 'undue-pressure')).toBe('4.1(4)(vi)');
    expect(first('north-east-derbyshire', 'personal-matter')).toBe('4.1(4)(vii)');
    expect(first('north-east-derbyshire', 'group-decision')).toBe('5.2');
    expect(first('wiltshire', 'group-decision')).toBe('9.4');
    expect(first('kirklees', 'group-confidentiality')).toBe('6.6');
    expect(first('north-northamptonshire', 'group-confidentiality')).toBe('"Party Groups and Officers", paragraph 6');
  });
});

describe('missingQuotes (the check can fail)', () => {
  const ned = packs.get('north-east-derbyshire')!;
  const withQuote = (quote: string): ProtocolPack => ({ ...ned, rules: { 'silent-copy': [{ ref: '9.1', quote }] } });

  it('catches a paraphrased quote', () => {
    const paraphrase = 'Correspondence between a Member and an officer should not usually be copied by the officer to another Member.';
    const missing = missingQuotes(withQuote(paraphrase), sourceText, sourceOf);
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatch(/^silent-copy 9\.1: .* is not in 002_327a25df84f6bcf5\.txt$/);
  });

  it('catches fragments that are each verbatim but out of order', () => {
    const reordered = 'a system of "silent copies" should not be employed. … Correspondence between an individual Member and an officer';
    expect(missingQuotes(withQuote(reordered), sourceText, sourceOf)).toHaveLength(1);
  });

  it('accepts the same words across the PDF line breaks, with straight quotes for curly ones', () => {
    const verbatim =
      "Members must not ask employees to implement a party group decision unless and until that decision has been properly taken in accordance with the Council's Constitution.";
    expect(missingQuotes(withQuote(verbatim), sourceText, sourceOf)).toEqual([]);
  });

  it('reports a model clause whose protocol is unknown', () => {
    const model = packs.get('model')!;
    const broken: ProtocolPack = { ...model, rules: { 'silent-copy': [{ ref: '9.1', quote: 'whatever it says here', protocol: 'nowhere' }] } };
    expect(missingQuotes(broken, sourceText, sourceOf)).toEqual(['silent-copy 9.1: no source for protocol "nowhere"']);
  });
});
