import { contemptBefore, familyEvidence } from '../../nlp/judgement.js';
import { aboutWriter } from '../../nlp/targets.js';
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
      { from: 'o-hughes', to: ['cllr-okafor'], text: 'Could someone other than Kasia take the Mill Lane case? She starts her maternity leave on Friday.' },
      { from: 'cllr-khan', to: ['cllr-webb'], text: 'Your leaflet says the Polish families are "all the same". I disagree, and I will say so at council.' },
      { from: 'o-bell', to: ['o-hughes'], text: "For the tenancy we need someone older than 18 to sign, so her son can't be the second tenant." },
      { from: 'o-reid', to: ['o-murray'], text: "I'm deaf as a post this week with this cold, so please email rather than ring." },
      { from: 'o-reid', to: ['o-hughes'], text: 'One of the men from the scaffolding firm was injured on site this morning.' },
    ],
    invalid: [
      { from: 'cllr-khan', to: ['cllr-webb'], text: "Typical of those travellers, they can't be trusted.", messageId: 'demeaning' },
      { from: 'cllr-ashworth', to: ['o-hughes'], text: 'She is too old to be running that team.', messageId: 'self' },
      { from: 'cllr-webb', to: ['cllr-khan'], text: 'The site is full of pikeys again.', messageId: 'slur' },
      {
        from: 'cllr-lowe',
        to: ['o-hughes'],
        text: 'Could we have somebody a bit younger running the digital switchover? Derek is lovely but it needs energy.',
        messageId: 'self',
      },
      {
        from: 'cllr-lowe',
        to: ['o-walsh'],
        text: 'The new crew is Irish. Everybody knows what the Irish are like with a deadline.',
        messageId: 'demeaning',
      },
      { from: 'o-reid', to: ['o-nowak'], text: 'Cllr Field wants the loop checked again. He is deaf as a post, bless him.', messageId: 'demeaning' },
    ],
  },
  check(ctx) {
    ctx.sentences.forEach((s, i) => {
      const slur = s.of('slur')[0];
      if (slur) {
        ctx.report({ messageId: 'slur', at: slur, data: { word: slur.text } });
        return;
      }
      // Asking for someone of another age, sex or ability in a person's place ("could we have someone younger on the
      // panel?") is less favourable treatment in itself; said of what happened ("one of the men from the contractor
      // came") it is not.
      const self =
        s.of('demeaning', 'self').find((h) => writersOwn(s, h)) ??
        (wants(s) ? s.of('demeaning', 'swap').find((h) => writersOwn(s, h) && !ageLimit(s, h)) : undefined);
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
          evidence: { kind: done ? 'contempt-done' : 'too', score: done?.score ?? 0, ...familyEvidence(done?.word, ctx.resources) },
        });
        return;
      }
      if (contempt) {
        ctx.report({
          messageId: 'demeaning',
          at: group,
          data: { group: describe(group.entry.note) },
          evidence: { kind: 'contempt', score: contempt.score, count: contempt.count, ...familyEvidence(contempt.word, ctx.resources) },
        });
        return;
      }
      // A stereotyping or excluding frame, in the sentence or the one after ("…the Polish families keep getting the
      // flats. You know what they're like."). A frame inside a quotation is someone else's words, reported or answered
      // ("his post says they are \"all the same\"").
      const frameIn = (v: SentenceView | undefined) =>
        v?.of('demeaning').find((h) => h.entry.kind !== 'swap' && h.entry.kind !== 'self' && v.quotationOpenAt(h.start) < 0);
      const frame = frameIn(s) ?? frameIn(ctx.sentences[i + 1]);
      if (frame)
        ctx.report({
          messageId: 'demeaning',
          at: group,
          data: { group: describe(group.entry.note) },
          evidence: { kind: 'frame', nextSentence: !s.hits.includes(frame) },
        });
    });
  },
};

/** Words by which a sentence asks for or wants something, whatever its mood: "time for someone younger?". */
const WANTING = /^(want|wants|wanted|need|needs|prefer|rather|should|ought|perhaps|maybe|time|better|let)$/;

function wants(s: SentenceView): boolean {
  return s.asks || s.mood === 'question' || s.tokens.some((t) => WANTING.test(t.word));
}

/**
 * A demeaning idiom the writer uses of themselves ("I'm blind as a bat without my glasses") or quotes to object to is
 * not theirs to answer for.
 */
function writersOwn(s: SentenceView, h: Hit): boolean {
  return s.quotationOpenAt(h.start) < 0 && !aboutWriter(s, h, 3);
}

/** "someone older than 18", "anyone younger than 25", "someone older aged…": an age limit, not a preference for a person. */
function ageLimit(s: SentenceView, h: Hit): boolean {
  return /^(than|aged|under|over|\d.*)$/.test(s.tokens[h.to]?.word ?? '');
}

function describe(note: string): string {
  return note.replace(/\.$/, '').toLowerCase();
}
