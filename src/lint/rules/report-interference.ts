import type { SentenceView } from '../context.js';
import type { Rule } from '../rule.js';

/**
 * Asking to remove an option, or change or remove an officer's professional view, recommendation, statutory
 * statements or consultation responses (North East Derbyshire 7.6). Asking for an extra option, clarification
 * or a correction is allowed (7.5).
 */
export const rule: Rule = {
  meta: {
    id: 'report-interference',
    severity: 'error',
    description:
      "Asks to exclude an option, or alter or remove an officer's professional opinion, recommendation, legal, financial or key-decision statement, or consultation responses in a report.",
    messages: {
      change:
        'This asks for the {{part}} in an officer\'s report to be changed or taken out ("{{verb}}"); the officer\'s professional view and statutory statements are theirs to give.',
      dictate: 'This tells the officer what their report should recommend.',
    },
    suggestion:
      'You may ask for an extra option, a clarification, more detail or a correction of fact. If you disagree with the recommendation, say so at the meeting or put your view in writing to be reported alongside it.',
  },
  examples: {
    valid: [
      { from: 'cllr-okafor', to: ['o-hughes'], text: 'Could you add a further option for a phased approach to the Cabinet report?' },
      { from: 'cllr-grant', to: ['o-walsh'], text: 'Please correct the typo in paragraph 3 of the report.' },
      { from: 'cllr-grant', to: ['o-walsh'], text: 'When will the budget report be published?' },
    ],
    invalid: [
      { from: 'cllr-okafor', to: ['o-hughes'], text: 'Please take out the objections from the committee report.', messageId: 'change' },
      { from: 'cllr-grant', to: ['o-walsh'], text: 'I want you to tone down the financial implications in the Cabinet report.', messageId: 'change' },
      { from: 'cllr-hale', to: ['o-hughes'], text: 'The recommendation should be approval, not refusal, in the report.', messageId: 'dictate' },
      {
        from: 'cllr-grant',
        to: ['o-walsh'],
        text: 'On the Cabinet report: could the maintenance figure be taken out and the paragraph kept to the revenue costs?',
        messageId: 'change',
      },
    ],
  },
  check(ctx) {
    if (ctx.officers(['to', 'cc']).length === 0 && ctx.senderRole !== 'councillor') return;
    if (ctx.senderRole === 'officer' && ctx.members().length > 0) return; // an officer explaining a report to members
    const reportContext = ctx.anywhere('report-context').length > 0 || ctx.subjectView.has('report-context');
    for (const s of ctx.sentences) {
      // Typos, figures and clarity are the member's to raise; taking something out is not a clarification.
      if (s.has('report-allowed') && s.of('report-change', 'removal').length === 0) continue;
      const dictate = s.of('report-change', 'dictate')[0];
      if (dictate && reportContext && (s.asks || s.mood === 'statement')) {
        ctx.report({ messageId: 'dictate', at: dictate });
        continue;
      }
      if (!s.asks && !wantStatement(s)) continue;
      // A pronoun may point back over a sentence ("para 6.3 … is that really necessary?? can it come out").
      const index = ctx.sentences.indexOf(s);
      const previous = [ctx.sentences[index - 1], ctx.sentences[index - 2]].find((p) => p?.of('report-part').length);
      for (const change of s.of('report-change').filter((h) => h.entry.kind !== 'dictate')) {
        // The part changed is in the same sentence ("take Option 3 out of the report"), or a pronoun points back
        // to it ("I don't think we need the legal paragraph. Can that come out?").
        // Taking anything out of the report itself ("not mention the shortfall in the cabinet report").
        const part =
          s.of('report-part').find((p) => Math.abs(p.from - change.from) <= PART_WINDOW) ??
          (s.tokens.some((t) => PRONOUNS.has(t.word)) ? previous?.of('report-part')[0] : undefined) ??
          (change.entry.kind === 'removal' ? s.of('report-context').find((p) => p.from > change.from && p.from - change.to <= PART_WINDOW) : undefined);
        if (!part) continue;
        // "four cuts a year", "the cuts", "these changes": after a number or a determiner the word is a noun.
        if (
          /^(\d+|one|two|three|four|five|six|the|these|those|any|budget|spending|service)$/.test(s.tokens[change.from - 1]?.word ?? '') &&
          change.to - change.from === 1
        )
          continue;
        // The verb must act on the part: "dropping verges to four cuts" has an object of its own, so a
        // recommendation named earlier in the sentence is not what is being dropped.
        if (
          ownObject(s, change) &&
          !(part.from >= change.to && part.from - change.to <= OBJECT_WINDOW) &&
          !(part.to <= change.from && change.from - part.to <= OBJECT_WINDOW)
        )
          continue;
        // "remove the option to pay by cheque" is not about a report: views and parts need a report in view.
        if (!reportContext && (part.entry.kind === 'view' || part.entry.kind === 'part')) continue;
        const span =
          part.start >= s.start && part.start < change.start
            ? { start: part.start, end: change.end }
            : part.start >= s.start
              ? { start: change.start, end: part.end }
              : change;
        ctx.report({ messageId: 'change', at: span, data: { verb: change.text.toLowerCase(), part: part.text.toLowerCase() } });
        break;
      }
    }
  },
};

const PART_WINDOW = 12;
/** How close a part must be to a verb that has an object of its own. */
const OBJECT_WINDOW = 4;
const FUNCTION_WORDS =
  /^(the|a|an|this|that|these|those|it|them|out|up|off|down|of|from|in|on|to|all|any|our|your|their|its|para|paragraph|section|option|bit|part|line|sentence|wording|words|reference|references|mention|please|altogether|entirely|completely|now|before|and)$/;

/** The change verb is followed straight away by a content word that names something else ("dropping verges"). */
function ownObject(s: { tokens: { word: string }[]; hits: { category: string; from: number; to: number }[] }, change: { to: number }): boolean {
  const next = s.tokens[change.to];
  if (!next || FUNCTION_WORDS.test(next.word) || /^\d/.test(next.word)) return false;
  return !s.hits.some((h) => (h.category === 'report-part' || h.category === 'report-context') && h.from <= change.to && change.to < h.to);
}
const PRONOUNS = new Set(['it', 'them', 'that', 'this', 'those', 'these']);

/** A statement that wants or judges (the lexicon's preference, negated or not: "I don't think we need it" still wants). */
function wantStatement(s: SentenceView): boolean {
  return s.hits.some((h) => h.category === 'preference');
}
