import type { Rule } from '../rule.js';

/** Pressure on officers over delegated decisions, special treatment, and threats to an officer's standing. */
export const rule: Rule = {
  meta: {
    id: 'undue-pressure',
    severity: 'error',
    description: "Pressure on officers over delegated decisions or casework, requests for special treatment, or threats to an officer's job or standing.",
    messages: {
      threat: 'This reads as a threat to the officer\'s job or standing ("{{word}}").',
      favour: 'This asks for special treatment ("{{word}}"); decisions must be made on their merits.',
      outcome: 'This presses the officer for a particular outcome on a decision that is theirs to make.',
    },
    yieldsTo: ['report-interference', 'group-decision', 'political-request'],
    suggestion: 'Make representations through the proper route (a consultation response, the committee, or the officer\'s chief officer) and ask about progress or timescales rather than the outcome.',
  },
  examples: {
    valid: [
      { from: 'cllr-price', to: ['o-patel'], text: 'Could you let me know when the decision on the Mill Lane licence is expected?' },
      { from: 'cllr-lowe', to: ['o-hughes'], text: 'I have submitted my objection to the Riverside application through the consultation.' },
    ],
    invalid: [
      { from: 'cllr-webb', to: ['o-patel'], text: "If the licence isn't granted, you'll regret it.", messageId: 'threat' },
      { from: 'cllr-ashworth', to: ['o-nowak'], text: "Could you fast-track my brother's housing application?", messageId: 'favour' },
      { from: 'cllr-khan', to: ['o-reid'], text: 'Make sure the enforcement notice is withdrawn this week.', messageId: 'outcome' },
    ],
  },
  check(ctx) {
    if (ctx.senderRole === 'officer' || ctx.officers(['to', 'cc']).length === 0) return;
    // Declaring an interest and stepping back is the member doing the right thing.
    const declared = ctx.anywhere('declaration').length > 0;
    const casework = ctx.anywhere('decision-pressure', 'decision').length > 0 || ctx.subjectView.has('decision-pressure', 'decision');
    // Someone close to the writer, a case in front of the officer, and a push for it, anywhere in the message.
    // The person close to the writer is tied to the case: named in its sentence or the one next to it.
    const caseNear = (i: number) => [i - 1, i, i + 1].some((j) => ctx.sentences[j]?.has('decision-pressure', 'decision'));
    const close = ctx.sentences
      .flatMap((s, i) => (caseNear(i) ? s.of('decision-pressure', 'favour') : []))
      .find((h) => !isFamilyOnly(h.text) || casework);
    // Asking how a case stands is casework, whoever the applicant is; pressing is asking for something to be done
    // about it, or signalling the outcome wanted.
    // Asking for advice, an explanation or a check ("could you advise what she needs", "could someone have a look")
    // is information, which members may always ask for (North East Derbyshire 6.1), whoever it is for.
    const pressing = ctx.sentences.some((s) => (s.asks && s.mood !== 'info-request' && s.mood !== 'question' && !s.has('info-verb')) || s.has('decision-pressure', 'outcome') || WISH.test(s.text));
    if (close && casework && pressing && !declared) {
      ctx.report({ messageId: 'favour', at: close, data: { word: close.text } });
      return;
    }
    for (const s of ctx.sentences) {
      const threat = s.of('threat')[0];
      if (threat) {
        ctx.report({ messageId: 'threat', at: threat, data: { word: threat.text } });
        continue;
      }
      const favour = s.of('decision-pressure', 'favour')[0];
      if (favour && (s.asks || s.mood === 'statement') && (casework || /queue|list|pile|rules|favour|blind eye|slide/.test(favour.text.toLowerCase()))) {
        if (isFamily(favour.text) || declared) continue;
        ctx.report({ messageId: 'favour', at: favour, data: { word: favour.text } });
        continue;
      }
      // The outcome is what the sentence asks for ("please drop the enforcement notice"), not what it asks about.
      const asked = s.of('request-frame')[0] ?? s.of('instruction-frame')[0];
      const outcome = s.of('decision-pressure', 'outcome').find((h) => (!asked || h.from > asked.from) && !/^(has|have|had)$/.test(s.tokens[h.from - 1]?.word ?? ''));
      const demanding = s.mood === 'instruction' || s.mood === 'request' || (s.mood === 'statement' && /\b(need|needs|should|must|want|i'd just|i would just)\b/i.test(s.text));
      if (outcome && demanding && (s.has('decision-pressure', 'decision') || casework)) {
        ctx.report({ messageId: 'outcome', at: s });
      }
    }
  },
};

const WISH = /\b(i trust|i'm sure|i am sure|i hope|i'd hate|i would hate|i'd much rather|i'd rather|would mean a lot|it would be wise|any way|see your way)\b/i;

function isFamilyOnly(text: string): boolean {
  return /^(a good friend|my friend's|a friend)$/i.test(text);
}

function isFamily(text: string): boolean {
  return /^my (brother|sister|son|daughter|wife|husband|cousin|neighbour|mate)/i.test(text);
}
