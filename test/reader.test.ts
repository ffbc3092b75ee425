/**
 * The reader (src/lint/reader.ts): what it sees of a sentence, which messages each rule reads, and how its findings
 * reach the engine's output. The engine tests use a hand-set model so they check the wiring, not the learned weights;
 * the last block checks the trained model on fresh messages written for this test (in no corpus).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCouncil } from '../src/directory/council.js';
import { createLinter } from '../src/lint/engine.js';
import { EXAMPLE_COUNCIL, loadLexicon, loadLinter, loadModel, loadProtocolPacks, loadResources } from '../src/lint/load.js';
import { sentenceFeatures, type ReaderModel } from '../src/lint/reader.js';
import type { Message } from '../src/lint/types.js';

const council = parseCouncil(readFileSync(EXAMPLE_COUNCIL, 'utf8'), EXAMPLE_COUNCIL);
const data = { council, packs: loadProtocolPacks(), lexicon: loadLexicon(), resources: loadResources(), model: loadModel() };
const msg = (from: string, to: string[], text: string): Message => ({ channel: 'email', from, to, cc: [], bcc: [], text });

const OKAFOR = 'daniel.okafor@ashcombe.gov.uk'; // councillor
const PATEL = 'amir.patel@ashcombe.gov.uk'; // junior officer
const HUGHES = 'lisa.hughes@ashcombe.gov.uk'; // senior officer

/** What the reader sees of a message's first sentence. */
const firstSentenceFeatures = (from: string, to: string[], text: string) => {
  const ctx = createLinter(data).context(msg(from, to, text))!;
  return sentenceFeatures(ctx.sentences[0]!, ctx);
};

/** A model that reads "rota" with "depot" as an instruction, and nothing else. */
const ROTA: ReaderModel = { rules: { 'direct-instruction': { weights: { 'w:rota': 4, 'w:depot': 4 }, bias: -3.5, platt: { a: 1, b: 0 } } } };

describe('what the reader sees of a sentence', () => {
  it('replaces people, wards and numbers by what they are, so no name is learned', () => {
    const f = firstSentenceFeatures(OKAFOR, [PATEL], 'Amir, the 3 bins on Northgate Road were missed again.');
    expect(f.has('w:<name>')).toBe(true);
    expect(f.has('w:amir')).toBe(false);
    expect(f.has('w:<num>')).toBe(true);
    expect(f.has('sender:councillor')).toBe(true);
    expect(f.has('to:junior')).toBe(true);
  });

  it('reads what a refused telling would have told as refused, to the end of its clause', () => {
    const f = firstSentenceFeatures(HUGHES, [OKAFOR], "Sorry, I won't pass on what the Conservative group decided about the depot, as you know.");
    expect(f.has('w:not_decid')).toBe(true);
    expect(f.has('w:not_depot')).toBe(true);
    expect(f.has('w:decid')).toBe(false);
    expect(f.has('cat:group-decision')).toBe(false);
    expect(f.has('w:know')).toBe(true); // the next clause is the writer's own again
  });

  it('reads no refusal in a question, past the next clause, or in the emphatic "can\'t tell you how"', () => {
    const features = (text: string) => firstSentenceFeatures(OKAFOR, [HUGHES], text);
    expect(features("Can't you just tell me what the Labour group discussed at their briefing?").has('w:discuss')).toBe(true);
    const then = features("I can't tell you what the Labour group discussed but Cllr Hale said they will vote against the closure.");
    expect(then.has('w:not_discuss')).toBe(true);
    expect(then.has('w:vote')).toBe(true);
    const emphatic = features("I can't tell you how lazy and useless the bins crew on that round are.");
    expect(emphatic.has('w:useless')).toBe(true);
    expect(emphatic.has('cat:thing-target') || emphatic.has('cat:person-target')).toBe(true);
  });

  it("gives each word its family from GloVe's vectors, so a word training never saw weighs like those it means alike", () => {
    const family = (word: string) => data.resources.families!.family(word)!;
    expect(family('inept')).toBe(family('incompetent'));
    expect(family('inept')).not.toBe(family('helpful'));
    const f = firstSentenceFeatures(OKAFOR, [PATEL], 'Frankly the team is inept.');
    expect(f.has(`k:${family('inept')}`)).toBe(true);
    expect(f.has(`kk:${data.resources.families!.coarse[family('inept')]}`)).toBe(true);
    const negated = firstSentenceFeatures(OKAFOR, [PATEL], 'The team is not inept at all.');
    expect(negated.has(`kn:${family('inept')}`)).toBe(true);
    expect(negated.has(`k:${family('inept')}`)).toBe(false);
    // Names stand for what they are and have no family of their own.
    expect([...firstSentenceFeatures(OKAFOR, [PATEL], 'Amir.').keys()].some((k) => k.startsWith('k:'))).toBe(false);
  });
});

describe('reader findings in the engine', () => {
  const linter = createLinter({ ...data, reader: ROTA });

  it('speaks where the rule found nothing, with its own calibrated confidence and the words that weighed', () => {
    const [f] = linter.lint(msg(OKAFOR, [HUGHES], 'The rota for the depot looks odd to me.')).findings.filter((x) => x.rule === 'direct-instruction');
    expect(f).toBeDefined();
    expect(f!.confidence).toBe(0.99);
    expect(f!.message).toContain('"rota"');
    expect(f!.message).toContain('"depot"');
    expect(f!.excerpt).toBe('The rota for the depot looks odd to me.');
  });

  it('reads only the messages its rule concerns: an officer writing to an officer is not a councillor instructing', () => {
    expect(linter.lint(msg(HUGHES, [PATEL], 'The rota for the depot looks odd to me.')).findings.filter((x) => x.rule === 'direct-instruction')).toEqual([]);
  });

  it('stays silent below an even chance, and for a council that allows the phrase', () => {
    const weak = createLinter({
      ...data,
      reader: { rules: { 'direct-instruction': { weights: { 'w:rota': 1, 'w:depot': 1 }, bias: -2, platt: { a: 1, b: 0 } } } },
    });
    expect(weak.lint(msg(OKAFOR, [HUGHES], 'The rota for the depot looks odd to me.')).findings).toEqual([]);
    const allowing = createLinter({
      ...data,
      council: parseCouncil(readFileSync(EXAMPLE_COUNCIL, 'utf8').replace('allow:\n', 'allow:\n  - "rota for the depot"\n')),
      reader: ROTA,
    });
    expect(allowing.lint(msg(OKAFOR, [HUGHES], 'The rota for the depot looks odd to me.')).findings).toEqual([]);
  });

  it('never lets one word decide: without its strongest feature the sentence must still be an even chance', () => {
    const oneWord = createLinter({ ...data, reader: { rules: { 'direct-instruction': { weights: { 'w:rota': 10 }, bias: -5, platt: { a: 1, b: 0 } } } } });
    expect(oneWord.lint(msg(OKAFOR, [HUGHES], 'The rota for the depot looks odd to me.')).findings).toEqual([]);
  });

  it('weighs a word by its family: a word the weights never named speaks through the words it means alike', () => {
    const family = data.resources.families!.family('incompetent')!;
    const byFamily = createLinter({
      ...data,
      reader: { rules: { derogatory: { weights: { [`k:${family}`]: 4, 'w:team': 4 }, bias: -3.5, platt: { a: 1, b: 0 } } } },
    });
    const found = (text: string) => byFamily.lint(msg(OKAFOR, [HUGHES], text)).findings.filter((x) => x.rule === 'derogatory');
    expect(found('Your team is inept.')).toHaveLength(1);
    expect(found('Your team is inept.')[0]!.message).toContain('"inept"');
    expect(found('Your team is not inept.')).toEqual([]);
    // The words that weighed are the ones whose family counted: "lazy", not the negated "inept" of the same family.
    const [lazy] = found('Your team is not inept, just lazy.');
    expect(lazy!.message).toContain('"lazy"');
    expect(lazy!.message).not.toContain('"inept"');
  });

  it('does not read a cabinet member passing a decision to their chief officers as an instruction', () => {
    const murray = 'claire.murray@ashcombe.gov.uk';
    expect(linter.lint(msg(OKAFOR, [murray], 'The rota for the depot looks odd to me.')).findings).toEqual([]);
  });

  /** The linter with a confidence model that gives every rule finding `confidence` (Platt b only) and the ROTA reader. */
  const sureOf = (b: number, council = data.council) => createLinter({ ...data, council, model: { weights: {}, platt: { a: 1, b } }, reader: ROTA });
  const instructions = (l: ReturnType<typeof createLinter>, text: string) =>
    l.lint(msg(OKAFOR, [PATEL], text)).findings.filter((x) => x.rule === 'direct-instruction');

  it('is a second opinion on a rule finding it doubts in the same sentence: one finding, as sure as the surer', () => {
    const text = 'Change the rota at the depot so the crews start at six.';
    const doubted = instructions(sureOf(-3), text);
    expect(doubted.map((f) => f.confidence)).toEqual([0.99]);
    expect(doubted[0]!.message).not.toContain('Read as a whole');
    expect(instructions(sureOf(3), text).map((f) => f.confidence)).toEqual([0.95]);
  });

  it('speaks in another sentence than a rule finding the confidence model doubts', () => {
    const found = instructions(sureOf(-3), 'Change the crews so they start at six. The rota for the depot looks odd to me.');
    expect(found.map((f) => f.confidence).sort((a, b) => a - b)).toEqual([0.05, 0.99]);
    expect(found.find((f) => f.confidence === 0.99)!.excerpt).toBe('The rota for the depot looks odd to me.');
  });

  it('stays silent for a rule that found something as sure as the reader must be, or that the council allows', () => {
    const text = 'Change the crews so they start at six. The rota for the depot looks odd to me.';
    expect(instructions(sureOf(3), text).map((f) => f.confidence)).toEqual([0.95]);
    const allowing = parseCouncil(readFileSync(EXAMPLE_COUNCIL, 'utf8').replace('allow:\n', 'allow:\n  - "start at six"\n'));
    expect(instructions(sureOf(-3, allowing), text)).toEqual([]);
  });

  it('does not repeat what a rule already found in the message', () => {
    const found = instructions(sureOf(3), 'Change the rota at the depot so the crews start at six.');
    expect(found).toHaveLength(1);
    expect(found[0]!.message).not.toContain('Read as a whole');
  });
});

describe('the trained reader on fresh messages', () => {
  const linter = loadLinter();
  const rulesOf = (m: Message) =>
    linter
      .lint(m)
      .findings.filter((f) => f.confidence >= 0.5)
      .map((f) => f.rule);

  it('reads negation: words a negator governs are other words', () => {
    const f = firstSentenceFeatures(HUGHES, ['tom.webb@ashcombe.gov.uk'], "I can't tell you what was discussed, sorry.");
    expect(f.has('w:not_tell')).toBe(true);
    expect(f.has('w:tell')).toBe(false);
    expect(f.has('w:sorri')).toBe(true);
  });

  it('leaves ordinary casework alone', () => {
    for (const text of [
      'Lisa, a resident on Mill Lane says the streetlight outside number 14 has been out for a fortnight. Could someone take a look?',
      'Thanks Amir, that answers it. I will let Mrs Evans know the inspection is booked for Tuesday.',
      "Could you check Google Street View for the site access before Thursday's visit?",
    ])
      expect(rulesOf(msg(OKAFOR, [PATEL], text))).toEqual([]);
  });

  it("does not read an officer's refusal to relay another group's discussion as relaying it", () => {
    for (const text of [
      "I can't tell you what the Labour group discussed at their briefing.", // read as a relay (0.92) before session 12
      "I'm afraid I can't share what the Labour group talked about at their budget briefing yesterday.",
      'Sorry Tom, I am not able to pass on what the Independent group said at their session with the director.',
    ])
      expect(rulesOf(msg(HUGHES, ['tom.webb@ashcombe.gov.uk'], text))).toEqual([]);
  });
});
