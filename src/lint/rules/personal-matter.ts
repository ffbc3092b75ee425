import type { Rule } from '../rule.js';

/** An officer raising their own employment matters, or allegations about other staff, with a member. */
export const rule: Rule = {
  meta: {
    id: 'personal-matter',
    severity: 'warning',
    description: 'An officer raises their own employment matters, or allegations about other staff, with a councillor.',
    messages: {
      own: "This raises the officer's own employment matter ({{word}}) with a councillor.",
      allegation: 'This makes an allegation about another member of staff to a councillor.',
    },
    suggestion:
      "Raise employment matters with your manager, HR or your union, and concerns about colleagues through the council's whistleblowing or grievance procedures.",
  },
  examples: {
    valid: [
      { from: 'o-nowak', to: ['cllr-price'], text: 'The restructure of the housing service will be reported to Cabinet in March.' },
      { from: 'cllr-price', to: ['o-nowak'], text: 'My resident says her landlord has been harassing her.' },
    ],
    invalid: [
      { from: 'o-patel', to: ['cllr-okafor'], text: 'I have been passed over for my regrading again and I hoped you could help.', messageId: 'own' },
      { from: 'o-reid', to: ['cllr-lowe'], text: 'Between you and me, my manager has been fiddling his expenses for months.', messageId: 'allegation' },
    ],
  },
  check(ctx) {
    if (ctx.senderRole !== 'officer' || ctx.members(['to', 'cc']).length === 0) return;
    for (const s of ctx.sentences) {
      const own = s.of('employment-matter', 'own')[0];
      const firstPerson = s.tokens.some((t) => /^(i|me|my|we|us|our)$/.test(t.word));
      // "My manager will reply" is not an employment matter; "my manager refused my flexible working" is.
      const topic = s.of('employment-matter', 'topic')[0];
      const grievance =
        s.of('employment-matter', 'grievance')[0] ??
        s.of('employment-matter', 'personal')[0] ??
        (firstPerson ? s.of('employment-matter', 'plea')[0] : undefined);
      const allegation = s.of('staff-allegation', 'allegation')[0];
      const staff = s.of('staff-allegation', 'staff')[0] ?? s.hits.find((h) => h.category === 'person-name' || h.category === 'person-target');
      if (allegation && staff && !s.has('member-of-public')) {
        ctx.report({ messageId: 'allegation', at: allegation });
      } else if (own) {
        ctx.report({ messageId: 'own', at: own, data: { word: own.text.toLowerCase() } });
      } else if (
        firstPerson &&
        (grievance || (topic && (s.has('employment-matter', 'self') || s.has('employment-matter', 'manager') || /\bmy\b/i.test(s.text))))
      ) {
        const at = grievance ?? topic!;
        ctx.report({ messageId: 'own', at, data: { word: at.text.toLowerCase() } });
      }
    }
  },
};
