/**
 * A phrase is written once. Within a list (one category file, one `kind`), a phrase that matches what another
 * already matches ("idiots" beside "idiot": the same stem) is dead weight that hides what the list holds; across the
 * lists one rule reads, it usually means one of them is wrong. A word that plays two parts on purpose is named below
 * with the reason. Phrases are compared by what they match (stems, exact words, prefixes, gaps), not as written.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnquiryCues } from '../src/enquiries/load.js';
import { phraseForms, type Entry } from '../src/lexicon/lexicon.js';
import { loadLexicon } from '../src/lint/load.js';

/** Words in two lists on purpose: the rule reads each list for a different part of the sentence. */
const TWO_PARTS: Record<string, string> = {
  'attendance/ + political-work/weak: sai a few word':
    'speaking at an event is taking part in it (an invitation to the party meeting named just before), and party work when a party is named',
  'decision-pressure/decision + decision-pressure/outcome: prosecut':
    'a prosecution is the case a member writes about; "prosecute" is also the outcome a member may demand',
  'decision-pressure/outcome + group-decision/verb: reject':
    'undue-pressure reads "reject" as an outcome demanded of an officer, and as what a party group decided',
  'disclosure/ + group-discussion/content: discuss':
    'what a group discussed is the content an officer must keep; "can\'t discuss" is the officer declining to pass it on',
  'party-meeting/ + political-work/strong: parti fundrais': 'a party fundraiser is both a party meeting and party work',
  'party-meeting/event + political-work/weak: fundrais': 'a fundraiser is a party event when a party holds it, and party work when an officer is asked to help',
  'person-target/ + staff-allegation/staff: team leader': 'a team leader is a person a remark can be aimed at, and a colleague an allegation can name',
  'reported-speech/ + thing-target/: messag':
    'a message is a thing a remark may be aimed at ("what a useless message"), and, before an open quotation, what brings in another\'s words',
  'report-context/ + report-part/part: appendix': 'an appendix tells that a report is in view, and is a part of the report a member may ask to change',
  'report-context/ + report-part/part: appendic': 'appendices tell that a report is in view, and are a part of the report a member may ask to change',
};

interface Phrase {
  list: string;
  form: string;
  entry: Entry;
}

function phrases(entries: Entry[]): Phrase[] {
  return entries.flatMap((entry) => phraseForms(entry.phrases).map((form) => ({ list: `${entry.category}/${entry.kind ?? ''}`, form, entry })));
}

/** Each rule's lists: the categories its file names. */
function rulesLists(): Map<string, Set<string>> {
  const dir = 'src/lint/rules';
  const categories = new Set(loadLexicon().map((e) => e.category));
  const lists = new Map<string, Set<string>>();
  for (const file of readdirSync(dir).filter((f) => f !== 'index.ts')) {
    const source = readFileSync(join(dir, file), 'utf8');
    lists.set(file.replace(/\.ts$/, ''), new Set([...source.matchAll(/'([a-z][a-z-]*)'/g)].map((m) => m[1]!).filter((c) => categories.has(c))));
  }
  return lists;
}

/** Every phrase repeated, as `list + list: form` (lists sorted), for the lists `inScope` says to compare. */
function repeats(all: Phrase[], inScope: (a: Phrase, b: Phrase) => boolean): string[] {
  const byForm = new Map<string, Phrase[]>();
  for (const p of all) byForm.set(p.form, [...(byForm.get(p.form) ?? []), p]);
  const found = new Set<string>();
  for (const [form, same] of byForm) {
    same.forEach((a, i) =>
      same.slice(i + 1).forEach((b) => {
        if (inScope(a, b)) found.add(`${[a.list, b.list].sort().join(' + ')}: ${form}`);
      }),
    );
  }
  return [...found].sort();
}

const categoryOf = (list: string) => list.split('/')[0]!;

describe('lexicon phrases are written once', () => {
  const terms = phrases(loadLexicon());

  it('within a list of the term lexicons (one category and kind)', () => {
    expect(repeats(terms, (a, b) => a.list === b.list)).toEqual([]);
  });

  it('within a category file, across its kinds, except a word that plays two parts on purpose', () => {
    const found = repeats(terms, (a, b) => a.list !== b.list && categoryOf(a.list) === categoryOf(b.list));
    expect(found.filter((r) => !(r in TWO_PARTS))).toEqual([]);
  });

  it('across the lists one rule reads, except a word that plays two parts on purpose', () => {
    const lists = rulesLists();
    const sameRule = (a: Phrase, b: Phrase) =>
      categoryOf(a.list) !== categoryOf(b.list) && [...lists.values()].some((read) => read.has(categoryOf(a.list)) && read.has(categoryOf(b.list)));
    expect(repeats(terms, sameRule).filter((r) => !(r in TWO_PARTS))).toEqual([]);
  });

  it('names no two-part word that is no longer there', () => {
    const lists = rulesLists();
    const anyPair = repeats(
      terms,
      (a, b) =>
        a.list !== b.list &&
        (categoryOf(a.list) === categoryOf(b.list) || [...lists.values()].some((read) => read.has(categoryOf(a.list)) && read.has(categoryOf(b.list)))),
    );
    expect(Object.keys(TWO_PARTS).filter((k) => !anyPair.includes(k))).toEqual([]);
  });

  it('within a list of the enquiry cues', () => {
    expect(repeats(phrases(loadEnquiryCues()), (a, b) => a.list === b.list)).toEqual([]);
  });

  it('finds a phrase written twice in other words', () => {
    const entry = (...phrases: string[]): Entry => ({ category: 'test', phrases, note: 'a note', source: 's' });
    expect(repeats(phrases([entry('idiot', 'idiots'), entry('go to the press', 'going to the press')]), (a, b) => a.list === b.list)).toEqual([
      'test/ + test/: go to the press',
      'test/ + test/: idiot',
    ]);
  });
});
