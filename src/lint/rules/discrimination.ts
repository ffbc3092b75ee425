import { contemptBefore } from '../../nlp/judgement.js';
import { laughs } from '../../nlp/laughter.js';
import type { Hit } from '../../lexicon/lexicon.js';
import type { SentenceView } from '../context.js';
import type { Rule } from '../rule.js';

/** Remarks that demean people for a protected characteristic (Equality Act 2010). */
export const rule: Rule = {
  meta: {
    id: 'discrimination',
    severity: 'error',
    description:
      'Remarks that demean people for a protected characteristic (race, religion, sex, sexual orientation, disability, age, pregnancy, gender reassignment).',
    messages: {
      slur: 'This uses a slur ("{{word}}") that demeans people for a protected characteristic.',
      demeaning: 'This demeans people for a protected characteristic ({{group}}).',
      self: 'This demeans people for who they are ("{{word}}"); race, religion, sex, sexuality, disability, age and pregnancy are protected characteristics.',
    },
    suggestion:
      "Remove the remark. Describe the issue itself, not people's race, religion, sex, sexuality, disability or age; the council must comply with the equality laws prohibiting discrimination, harassment and victimisation.",
  },
  examples: {
    valid: [
      { from: 'cllr-price', to: ['o-nowak'], text: "Could the women's refuge be included in the housing strategy?" },
      { from: 'o-hughes', to: ['cllr-okafor'], text: 'The accessibility audit found two disabled parking bays were missing.' },
      { from: 'cllr-lowe', to: ['o-reid'], text: 'The over-65s vaccination clinic at the Abbey centre went well.' },
      { from: 'o-reid', to: ['o-patel'], text: 'The Eid lunch in the atrium was amazing lol, thanks for organising.' },
    ],
    invalid: [
      { from: 'cllr-khan', to: ['cllr-webb'], text: "Typical of those travellers, they can't be trusted.", messageId: 'demeaning' },
      { from: 'cllr-ashworth', to: ['o-hughes'], text: 'She is too old to be running that team.', messageId: 'self' },
      { from: 'cllr-webb', to: ['cllr-khan'], text: 'The site is full of pikeys again.', messageId: 'slur' },
      { from: 'o-reid', to: ['o-patel'], text: 'Apparently the new clerk is bipolar, so expect the minutes in crayon 😂', messageId: 'demeaning' },
    ],
  },
  check(ctx) {
    ctx.sentences.forEach((s, i) => {
      const slur = s.of('slur')[0];
      if (slur) {
        ctx.report({ messageId: 'slur', at: slur, data: { word: slur.text } });
        return;
      }
      const self = s.of('demeaning', 'self')[0];
      const group = s.of('protected-group')[0];
      if (self) {
        if (group) ctx.report({ messageId: 'demeaning', at: self, data: { group: describe(group.entry.note) } });
        else ctx.report({ messageId: 'self', at: self, data: { word: self.text } });
        return;
      }
      // Laughter at people for who they are ("turned up in his turban, where does the hard hat go 😂"), which needs no
      // contemptuous word: the person named by the characteristic here or in the sentence before, and a sentence that
      // laughs without praising ("Eid lunch was amazing lol" is joy) and quotes nobody.
      const laughedAt =
        laughs(s.text) && !s.has('reported-speech') && !praises(s, ctx.resources?.valence) ? (person(s) ?? person(ctx.sentences[i - 1])) : undefined;
      if (laughedAt) {
        ctx.report({ messageId: 'demeaning', at: laughedAt, data: { group: describe(laughedAt.entry.note) }, evidence: { kind: 'laughter' } });
        return;
      }
      if (!group) return;
      // Contempt said of people who are named by a protected characteristic: "homosexuality is an immoral perversion",
      // "the Polish lads are lazy".
      const groupAt = (i: number | undefined) => i !== undefined && s.of('protected-group').some((h) => h.from <= i + 1 && i - 1 < h.to);
      const contempt = s.judgements.find((j) => groupAt(j.subject));
      const done = ctx.resources
        ? s
            .of('protected-group')
            .map((h) => contemptBefore(s, ctx.resources!, h.from))
            .find((c) => c)
        : undefined;
      // "too Jewish", "too old": a characteristic as a degree of fault.
      const tooMuch = s.of('protected-group').some((h) => s.tokens[h.from - 1]?.word === 'too');
      if (done || tooMuch) {
        ctx.report({
          messageId: 'demeaning',
          at: group,
          data: { group: describe(group.entry.note) },
          evidence: { kind: done ? 'contempt-done' : 'too', score: done?.score ?? 0 },
        });
        return;
      }
      if (contempt) {
        ctx.report({
          messageId: 'demeaning',
          at: group,
          data: { group: describe(group.entry.note) },
          evidence: { kind: 'contempt', score: contempt.score, count: contempt.count },
        });
        return;
      }
      // A stereotyping or excluding frame, in the sentence or the one after ("…the Polish families keep getting the
      // flats. You know what they're like.").
      const frame = s.of('demeaning')[0] ?? ctx.sentences[i + 1]?.of('demeaning')[0];
      if (frame) {
        ctx.report({
          messageId: 'demeaning',
          at: group,
          data: { group: describe(group.entry.note) },
          evidence: { kind: 'frame', nextSentence: !s.of('demeaning')[0] },
        });
        return;
      }
    });
  },
};

/** Festivals, places of worship and Pride are occasions, not people: laughing about the Eid lunch laughs at nobody. */
const OCCASIONS = /^(mosques?|ramadan|eid|synagogues?|gurdwaras?|pride)$/i;
/** How positive a word must be for its sentence to read as praise or joy ("good", "great", "won"; not "built" or "in",
 * to which the sentiment lexicons give a little warmth). */
const PRAISING = 0.45;

/** The first mention of people by a protected characteristic in a sentence, not an occasion. */
function person(s: SentenceView | undefined): Hit | undefined {
  return s?.of('protected-group').find((h) => !OCCASIONS.test(h.text));
}

/** The sentence praises or rejoices ("looked great", "was amazing"): a clearly positive word that is not negated. */
function praises(s: SentenceView, valence: ReadonlyMap<string, number> | undefined): boolean {
  if (!valence) return false;
  return s.tokens.some((t, i) => (valence.get(t.word) ?? 0) >= PRAISING && !laughs(t.word) && !['not', 'never', 'no'].includes(s.tokens[i - 1]?.word ?? ''));
}

function describe(note: string): string {
  return note.replace(/\.$/, '').toLowerCase();
}
