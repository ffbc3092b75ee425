import { contemptBefore } from '../../nlp/judgement.js';
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
    ],
    invalid: [
      { from: 'cllr-khan', to: ['cllr-webb'], text: "Typical of those travellers, they can't be trusted.", messageId: 'demeaning' },
      { from: 'cllr-ashworth', to: ['o-hughes'], text: 'She is too old to be running that team.', messageId: 'self' },
      { from: 'cllr-webb', to: ['cllr-khan'], text: 'The site is full of pikeys again.', messageId: 'slur' },
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
      if (frame)
        ctx.report({
          messageId: 'demeaning',
          at: group,
          data: { group: describe(group.entry.note) },
          evidence: { kind: 'frame', nextSentence: !s.of('demeaning')[0] },
        });
    });
  },
};

function describe(note: string): string {
  return note.replace(/\.$/, '').toLowerCase();
}
