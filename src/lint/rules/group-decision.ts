import type { Hit } from '../../lexicon/lexicon.js';
import type { SentenceView } from '../context.js';
import type { Rule } from '../rule.js';

/** Asking officers to act on a party group's decision that the council has not formally taken. */
export const rule: Rule = {
  meta: {
    id: 'group-decision',
    severity: 'warning',
    description: 'Asks officers to act on a party-group decision that the council has not formally taken.',
    messages: {
      act: 'This asks officers to act on a party group\'s decision ("{{word}}"); a group decision is not a council decision.',
    },
    suggestion:
      "Officers act on decisions of the Council, Cabinet, a committee or an officer with delegated power. Put the group's proposal through the council's decision-making process, or ask for advice on how to do so.",
  },
  examples: {
    valid: [
      { from: 'cllr-okafor', to: ['o-murray'], text: 'Cabinet resolved last night to scrap the charges, so please start the work.' },
      { from: 'cllr-webb', to: ['o-carter'], text: 'Our group has decided to request a briefing on the budget; could you arrange one?' },
    ],
    invalid: [
      {
        from: 'cllr-hale',
        to: ['o-walsh'],
        text: 'The Labour group executive has decided to scrap the parking charges, so please start drafting the changes.',
        messageId: 'act',
      },
      {
        from: 'cllr-hale',
        to: ['o-walsh'],
        text: 'Our group has decided to scrap the parking charges, so please start drafting the changes.',
        messageId: 'act',
      },
    ],
  },
  check(ctx) {
    if (ctx.senderRole !== 'councillor' || ctx.officers(['to', 'cc']).length === 0) return;
    const decisions = ctx.sentences.flatMap((s) => groupDecisions(s).map((h) => ({ s, h })));
    if (decisions.length === 0) return;
    // A briefing request citing the group's wish is the protocol working, not a decision to act on.
    const briefing = ctx.sentences.some((s) => /\bbriefing\b/i.test(s.text)) && !ctx.sentences.some((s) => s.has('action') && s.asks);
    if (briefing) return;
    const index = ctx.sentences.indexOf(decisions[0]!.s);
    const asks = ctx.sentences.slice(index, index + 3).some((s) => s.asks || s.mood === 'instruction' || s.has('stated-need', 'consequence'));
    if (asks) ctx.report({ messageId: 'act', at: decisions[0]!.h, data: { word: decisions[0]!.h.text } });
  },
};

const SUBJECT_WINDOW = 10;

/**
 * A party group's decision: a phrase such as "as agreed at group", or a decision verb whose subject is a party
 * group named before it ("The Lib Dem group have resolved…", "Ashcombe First have decided…").
 */
function groupDecisions(s: SentenceView): Hit[] {
  const phrases = s.of('group-decision', 'phrase');
  if (phrases.length > 0) return phrases;
  const groups = [...s.of('group-name'), ...s.of('party', 'name'), ...s.of('group-decision', 'group')];
  // "As agreed by the Ashcombe First group…": the group follows the verb.
  const agreedBy = /\bas (agreed|decided|resolved) (by|at|with) (the |our )?/i.exec(s.text);
  if (agreedBy) {
    const at = s.start + agreedBy.index + agreedBy[0].length;
    const group = groups.find((g) => g.start >= at && g.start - at <= 30);
    if (group && !formalBodyBetween(s, at, group.start) && !memberGroup(s, group)) return [group];
  }
  return s.of('group-decision', 'verb').filter((verb) => {
    const subject = groups.find((g) => g.to <= verb.from && verb.from - g.to <= SUBJECT_WINDOW);
    if (!subject) return false;
    // "The Council resolved", "Cabinet agreed": a formal decision, not a group's; nor is a decision of a body of
    // several parties ("the cross-party task and finish group has agreed").
    return !formalBodyBetween(s, subject.end, verb.start) && !memberGroup(s, subject);
  });
}

/** The group named is a council body of several parties (lexicon `council-body`, kind member-group). */
function memberGroup(s: SentenceView, group: Hit): boolean {
  return s.of('council-body', 'member-group').some((m) => m.from <= group.from && group.to <= m.to);
}

/**
 * A formal council body (lexicon `council-body`, kind formal) named between two points of the sentence; "executive"
 * straight after "group" is the party group's own executive, not the council's.
 */
function formalBodyBetween(s: SentenceView, start: number, end: number): boolean {
  return s
    .of('council-body', 'formal')
    .some((b) => b.start >= start && b.end <= end && !(b.text.toLowerCase() === 'executive' && s.tokens[b.from - 1]?.word === 'group'));
}
