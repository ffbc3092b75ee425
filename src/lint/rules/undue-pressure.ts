import type { Hit } from '../../lexicon/lexicon.js';
import type { SentenceView } from '../context.js';
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
    suggestion:
      "Make representations through the proper route (a consultation response, the committee, or the officer's chief officer) and ask about progress or timescales rather than the outcome.",
  },
  examples: {
    valid: [
      { from: 'cllr-price', to: ['o-patel'], text: 'Could you let me know when the decision on the Mill Lane licence is expected?' },
      { from: 'cllr-lowe', to: ['o-hughes'], text: 'I have submitted my objection to the Riverside application through the consultation.' },
      // A favour disavowed, to the end of its clause: a question about the process follows.
      {
        from: 'cllr-grant',
        to: ['o-walsh'],
        text: 'I am not asking for the summons against my constituent to be withdrawn as a favour. What does the hardship policy say about people in crisis?',
      },
      // Someone close to the writer, and a question about what a process requires: information, not pressure.
      {
        from: 'cllr-lowe',
        to: ['o-reid'],
        text: 'My next-door neighbour wants to sell cakes from home. Does she need to register, and would someone need to inspect her kitchen?',
      },
      {
        from: 'cllr-lowe',
        to: ['o-nowak'],
        text: 'My grandson has just started at the college, so I have more time for casework. Could you tell me when the housing inspection at 4 Mill Court is booked?',
      },
      // Telling the Monitoring Officer about a relative's application, to ask what to do, is how a member keeps clear.
      {
        from: 'cllr-khan',
        to: ['o-singh'],
        text: "My nephew has applied for a market stall licence. I haven't spoken to the licensing team and won't. Could you let me know if I need to do anything else, and could you make sure the team knows?",
      },
      // Asking what happened to a neighbour's case is not asking for lenience.
      { from: 'cllr-moss', to: ['o-hughes'], text: "Could you tell me whether the panel looked favourably on my neighbour's licence application yesterday?" },
      // What the policy requires, reported as the writer understands it, explains the process; it asks for nothing.
      {
        from: 'cllr-evans',
        to: ['o-reid'],
        text: "My understanding of the licensing policy is that a late licence must be refused where the police object. Could you tell me whether they have objected to the Crown's application?",
      },
      // Relief for everyone in a circumstance is a question of policy, not special treatment for someone.
      {
        from: 'cllr-price',
        to: ['o-walsh'],
        text: 'Could the council waive the late payment fee for tenants who were caught by the direct debit failure in March?',
      },
      // A review asked for on grounds the writer gives; an outcome in a condition or in someone else's purpose.
      {
        from: 'cllr-field',
        to: ['o-walsh'],
        text: "Could Mr Ade's blue badge application be reconsidered under the mobility criteria, and what evidence would help?",
      },
      {
        from: 'cllr-ashworth',
        to: ['o-walsh'],
        text: 'If the council keeps to its decision, please say so in writing so that she can appeal the refusal to the tribunal.',
      },
      // "Need" as a noun asks for nothing.
      { from: 'cllr-doyle', to: ['o-nowak'], text: 'The 2021 Act gives her a priority need for housing. When will the review decision be made?' },
      // An outcome reported, and someone else's disappointment, push for nothing.
      {
        from: 'cllr-lowe',
        to: ['o-hughes'],
        text: "My neighbour's planning application was refused last month. She was disappointed, but she understands the reasons.",
      },
    ],
    invalid: [
      // The "if" of a courtesy introduces the request; the outcome is still the one asked for.
      {
        from: 'cllr-price',
        to: ['o-patel'],
        text: "I'd be grateful if Mr Ahmed's premises licence could be approved by Friday.",
        messageId: 'outcome',
      },
      // A disavowal ends where the writer turns to what they want; a plain negation still presses for an outcome.
      {
        from: 'cllr-okafor',
        to: ['o-hughes'],
        text: "I'm not asking for a favour just make sure the enforcement notice on my brother's house is withdrawn.",
        messageId: 'favour',
      },
      { from: 'cllr-okafor', to: ['o-hughes'], text: "I don't want my neighbour's planning application refused.", messageId: 'outcome' },
      { from: 'cllr-webb', to: ['o-patel'], text: "If the licence isn't granted, you'll regret it.", messageId: 'threat' },
      { from: 'cllr-ashworth', to: ['o-nowak'], text: "Could you fast-track my brother's housing application?", messageId: 'favour' },
      {
        from: 'cllr-lowe',
        to: ['o-nowak'],
        text: "My sister's housing application has been with you since March. Any way you could move her up the band this month?",
        messageId: 'favour',
      },
      {
        from: 'cllr-lowe',
        to: ['o-nowak'],
        text: 'My wife sends her best. The garden is flooded. A friend of mine has a licence application in too. Could you move it up the list, as he needs to open by May?',
        messageId: 'favour',
      },
      { from: 'cllr-khan', to: ['o-reid'], text: 'Make sure the enforcement notice is withdrawn this week.', messageId: 'outcome' },
      // The writer's own view or saying of what must happen still presses for it.
      { from: 'cllr-webb', to: ['o-hughes'], text: 'My view is that the licence for the Crown must be granted.', messageId: 'outcome' },
      { from: 'cllr-webb', to: ['o-hughes'], text: "I've already said publicly that the bar's licence must be revoked.", messageId: 'outcome' },
      {
        from: 'cllr-price',
        to: ['o-walsh'],
        text: "An old friend of mine has appealed the penalty on her market stall licence. I'd be grateful if the appeal could be looked at favourably.",
        messageId: 'favour',
      },
      // The Monitoring Officer decides standards complaints: asking them for lenience presses their own decision.
      {
        from: 'cllr-field',
        to: ['o-singh'],
        text: 'My son-in-law is the subject of the code of conduct complaint you are looking into. I trust you will deal with it leniently.',
        messageId: 'favour',
      },
    ],
  },
  check(ctx) {
    if (ctx.senderRole === 'officer' || ctx.officers(['to', 'cc']).length === 0) return;
    // Declaring an interest and stepping back is the member doing the right thing; so is telling the Monitoring Officer,
    // whose job is to advise members on their interests, about someone close to them.
    const declared = ctx.anywhere('declaration').length > 0;
    const toMonitoringOfficer = ctx.officers(['to', 'cc']).every((o) => o.id === ctx.council.designated.monitoringOfficer);
    const casework = ctx.anywhere('decision-pressure', 'decision').length > 0 || ctx.subjectView.has('decision-pressure', 'decision');
    // Someone close to the writer, a case in front of the officer, and a push for it, anywhere in the message.
    // The person close to the writer is tied to the case: named within two sentences of it.
    const caseNear = (i: number) => [i - 2, i - 1, i, i + 1, i + 2].some((j) => ctx.sentences[j]?.has('decision-pressure', 'decision'));
    // Asking how a case stands is casework, whoever the applicant is; pressing is asking for the outcome wanted or for
    // a favour (the labelling guide's "jumping a queue, fast-tracking, waiving a fee"), near where the person close to
    // the writer comes in — not any request anywhere in a long email ("I do hope you've got a holiday planned").
    // Asking for advice, an explanation or a check ("could you advise what she needs", "could someone have a look")
    // is information, which members may always ask for (North East Derbyshire 6.1), whoever it is for. Every mention
    // of someone close is tried, each with the sentences around it.
    // To the Monitoring Officer alone, only a push for the outcome or a favour counts: telling the Monitoring Officer
    // about a relative's case and asking what to do is how a member keeps clear ("Is there anything else I should
    // do?"), while "I hope you will deal with it leniently" presses the Monitoring Officer's own decision.
    const pushing = toMonitoringOfficer ? pressesForOutcome : pushes;
    const closeAt = ctx.sentences.findIndex(
      (s, i) => s.has('decision-pressure', 'close') && caseNear(i) && ctx.sentences.some((t, j) => j >= i - 1 && j <= i + 3 && pushing(t)),
    );
    const close = closeAt < 0 ? undefined : ctx.sentences[closeAt]!.of('decision-pressure', 'close')[0];
    if (close && casework && !declared) {
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
      // Jumping a queue or bending the rules is special treatment in itself; "fast-track it" needs a case in view.
      const inItself = favour && s.hits.some((h) => h.category === 'special-treatment' && h.from >= favour.from && h.to <= favour.to);
      if (favour && (s.asks || s.mood === 'statement') && (casework || inItself)) {
        if (declared) continue;
        ctx.report({ messageId: 'favour', at: favour, data: { word: favour.text } });
        continue;
      }
      // The outcome is what the sentence asks for ("please drop the enforcement notice"), not what it asks about.
      const asked = s.of('request-frame')[0] ?? s.of('instruction-frame')[0];
      const outcome = s
        .of('decision-pressure', 'outcome')
        .find(
          (h) =>
            (!asked || h.from > asked.from) &&
            !REPORTED_DONE.test(s.tokens[h.from - 1]?.word ?? '') &&
            s.quotationOpenAt(h.start) < 0 &&
            !forSomeoneElse(s, h) &&
            !onGrounds(s, h),
        );
      const demanding =
        s.mood === 'instruction' ||
        s.mood === 'request' ||
        (s.mood === 'statement' && stance(s, 'obligation').some((h) => !reportsARule(s, h) && !needAsNoun(s, h)));
      if (outcome && demanding && (s.has('decision-pressure', 'decision') || casework) && !forAWholeClass(s, outcome)) {
        ctx.report({ messageId: 'outcome', at: s });
      }
    }
  },
};

/**
 * A sentence that pushes for something to be done: an instruction or request, a question that asks the reader to act
 * ("any way you could nudge her up?") rather than what a process requires ("does she need to register?"), a
 * statement of what the writer needs or expects, the outcome named, or a wish for it. Asking for information never
 * pushes.
 */
function pushes(s: SentenceView): boolean {
  if (lenient(s)) return true;
  if (s.has('info-verb') || s.mood === 'info-request') return false;
  if (stance(s, 'wish').length > 0) return true;
  // The outcome named pushes when it is asked for, not when a statement reports it ("the application was refused").
  if (s.has('decision-pressure', 'outcome') && s.mood !== 'statement') return true;
  // "Would someone need to inspect her kitchen?": a question about what the process requires (asked in its main
  // clause: "could you move her up, as she needs to be out by May?" still pushes).
  if (s.question) {
    const mainClauseEnd = s.start + s.text.split(/,|;|\b(?:as|since|because)\b/i)[0]!.length;
    if (s.hits.some((h) => h.category === 'stance' && h.entry.kind === 'requirement' && h.start < mainClauseEnd)) return false;
  }
  if (s.mood === 'instruction' || s.mood === 'request') return true;
  if (s.mood === 'question') return s.asks;
  return demands(s);
}

/**
 * How the writer wants the case judged, asked for or wished ("could it be looked at favourably", "I trust you will deal
 * with it leniently"), however the request is worded; not a report ("residents responded favourably"), a question
 * about what happened ("did the committee look favourably on it?"), or a lenience the writer disowns ("I don't want
 * it treated favourably").
 */
function lenient(s: SentenceView): boolean {
  const asked = s.mood === 'request' || s.mood === 'instruction' || s.has('request-frame') || stance(s, 'wish').length > 0;
  // "Could you tell me whether the committee looked favourably on it?" asks what happened.
  if (!asked || s.has('info-verb', 'question')) return false;
  return s.hits.some((h) => h.category === 'stance' && h.entry.kind === 'lenience' && !s.isNegated(h));
}

/**
 * A push for the outcome itself or for a favour: lenience asked for, the outcome named and asked for, a favour. (Not a
 * bare wish: "I hope that covers it" closes many a declaration.)
 */
function pressesForOutcome(s: SentenceView): boolean {
  if (lenient(s) || s.has('decision-pressure', 'favour')) return true;
  return s.has('decision-pressure', 'outcome') && s.mood !== 'statement' && s.mood !== 'info-request';
}

/** The writer's own need or expectation ("I need it lifted", "I'd be very disappointed"), or a thing that must happen; not what someone else wants, nor "I want to thank you". */
function demands(s: SentenceView): boolean {
  const courtesy = stance(s, 'courtesy');
  return stance(s, 'demand').some((h) => !courtesy.some((c) => c.from < h.to && h.from < c.to));
}

const DISAVOWALS = new Set(['disavowal']);

/**
 * The outcome asked for everyone in a circumstance ("waive the late fee for residents affected by the outage", "for all
 * the traders who lost a day", "for everyone caught by the system failure"): relief for a whole class of people is a
 * question of policy for the council, not special treatment for someone. A plural or "everyone" after "for", with
 * what makes it a class after it (who, that, affected, caught, hit, whose, waiting); not the writer's own people ("for
 * my neighbours who…") and not someone named.
 */
function forAWholeClass(s: SentenceView, outcome: Hit): boolean {
  const t = s.tokens;
  for (let i = outcome.from; i < Math.min(t.length - 1, outcome.to + 6); i++) {
    if (t[i]!.word !== 'for') continue;
    let k = i + 1;
    if (/^(my|our)$/.test(t[k]?.word ?? '')) return false;
    if (/^(everyone|everybody|anyone|anybody)$/.test(t[k]?.word ?? '')) return true;
    while (k < t.length && /^(all|every|any|the|those|these|of)$/.test(t[k]!.word)) k++;
    const noun = t[k];
    if (!noun || noun.capital || !/[a-z]{3,}s$/.test(noun.word) || /['’]/.test(s.text.slice(noun.end - s.start, noun.end - s.start + 1))) return false;
    return /^(who|that|affected|caught|hit|whose|waiting)$/.test(t[k + 1]?.word ?? '');
  }
  return false;
}

/**
 * An outcome that is not what the sentence asks for: one someone else will bring about, in a clause of purpose after
 * what is asked ("say so in terms, so that she can consider serving notice and appealing"), or one in a condition
 * ("what her options are if it is refused again"). What is asked is the main clause's.
 */
function forSomeoneElse(s: SentenceView, outcome: Hit): boolean {
  const t = s.tokens;
  // A condition is not a request either: "what her options are if it is refused again" — but the "if" of a courtesy
  // ("I'd be grateful if it could be approved") introduces the request itself.
  const condition = t
    .slice(Math.max(0, outcome.from - 4), outcome.from)
    .some((x, k, near) => (x.word === 'if' || x.word === 'unless') && !COURTESY_IF.test((near[k - 1] ?? t[outcome.from - 5])?.word ?? ''));
  if (condition) return true;
  // A purpose clause in the same clause as the outcome, with someone's own active verb: "so that she can appeal the
  // refusal", "so that the applicant can decide whether to challenge it" (not "so that the licence can be granted").
  for (let i = outcome.from - 1; i >= Math.max(1, outcome.from - 15); i--) {
    if (/[,;:]/.test(s.text.slice(t[i]!.end - s.start, t[i + 1]!.start - s.start))) break;
    const purpose = (t[i - 1]!.word === 'so' && t[i]!.word === 'that') || (t[i - 1]!.word === 'in' && t[i]!.word === 'order' && t[i + 1]?.word === 'that');
    if (!purpose) continue;
    for (let k = i + 1; k < outcome.from; k++)
      if (/^(can|could|may|might|will|would|is|are)$/.test(t[k]!.word)) return !/^(be|been|get|have)$/.test(t[k + 1]?.word ?? '') && t[k + 1]?.word !== 'not';
    return false;
  }
  return false;
}

const NEED_DETERMINER = /^(the|a|an|her|his|their|its|our|my|your|any|no|whose)$/;

/** Words before an "if" that make it part of a polite request: "grateful if", "appreciate it if", "would help if". */
const COURTESY_IF = /^(grateful|appreciate|appreciated|it|help|helpful|glad|happy|pleased|obliged|kind|thankful)$/;

/**
 * A decision asked to be looked at again on grounds the writer gives — "reconsidered under the driving licence
 * category", "against the non-visible disability criteria", "on that basis", "in the light of the new letter" — is
 * a review, which a member may ask for on a resident's behalf; "please reconsider the refusal" asks for the outcome.
 */
function onGrounds(s: SentenceView, outcome: Hit): boolean {
  if (outcome.entry.phrases[0] !== 'reconsider') return false;
  const next = s.tokens.slice(outcome.to, outcome.to + 4).map((t) => t.word);
  return (
    /^(under|against|given)$/.test(next[0] ?? '') ||
    (next[0] === 'on' && /^(that|the|this)$/.test(next[1] ?? '') && /^(basis|grounds|evidence)$/.test(next[2] ?? '')) ||
    (next[0] === 'in' && (next[1] === 'light' || (next[1] === 'the' && next[2] === 'light')))
  );
}

/**
 * "Need" as a noun — "a priority need", "her assessed needs", "the Priority Need Order" — asks for nothing: after a
 * word that makes it a noun (a determiner or a possessive, next to it or before one qualifying word), with a capital
 * inside a sentence, at the end of the sentence, or before "of" or a verb of its own ("her needs are").
 */
function needAsNoun(s: SentenceView, h: Hit): boolean {
  const t = s.tokens;
  const w = t[h.from]!;
  if (!/^needs?$/.test(w.word)) return false;
  if (w.capital && h.from > 0) return true;
  // A determiner or a possessive before it, or before the one word that qualifies it ("a priority need", "her
  // assessed needs").
  const determines = (k: number) => {
    const x = t[k];
    return x !== undefined && (NEED_DETERMINER.test(x.word) || /['’]s$/.test(s.text.slice(x.start - s.start, x.end - s.start)));
  };
  if (determines(h.from - 1)) return true;
  // "Needs to be approved", "needs approving", "needs a decision" are the verb, whatever comes before.
  const after = t[h.to];
  if (after && (after.word === 'to' || /ing$/.test(after.word) || /^(a|an|the|this|that|it|them|her|him|someone|somebody)$/.test(after.word))) return false;
  if (determines(h.from - 2) && /^[a-z]{4,}$/.test(t[h.from - 1]!.word) && !/ly$/.test(t[h.from - 1]!.word)) return true;
  // With nothing of its own after it, a need is a thing ("she has a priority need."); a comma or "and" may still lead
  // on to what it needs ("needs, as a matter of urgency, to be approved", "needs and deserves to be approved").
  return !after || /^(of|are|is|were|was)$/.test(after.word);
}

/** What lays a rule down: "the policy says that…", "the guidance states that…". */
const RULE_SOURCE = /^(policy|policies|law|guidance|scheme|regulations|regulation|act|code|constitution|protocol|legislation|order|rules|statute)$/;

/**
 * An obligation the writer reports as what a rule requires, not as what they want: after the writer's hedge ("my
 * understanding is that…", "my reading of the scheme is that…", "as I understand it,"), in the passive ("I was told that…",
 * "we were advised that…") or with the rule itself as the subject ("the policy says that…"). It explains the process;
 * it does not demand the outcome. The writer's own saying ("I've told the Echo that it must be refused", "I said that
 * the licence must be revoked") and other people's understanding are still pressure.
 */
function reportsARule(s: SentenceView, obligation: Hit): boolean {
  const t = s.tokens;
  const lead = t.slice(0, obligation.from).map((x) => x.word);
  for (let i = 0; i + 3 < lead.length; i++)
    if (lead[i] === 'as' && lead[i + 1] === 'i' && /^understand/.test(lead[i + 2]!) && lead[i + 3] === 'it') return true;
  for (let i = obligation.from - 1; i >= Math.max(1, obligation.from - 8); i--) {
    if (t[i]!.word !== 'that') continue;
    for (let p = Math.max(0, i - 6); p < i; p++) {
      const w = lead[p]!;
      const prev = lead[p - 1] ?? '';
      if ((w === 'understanding' || w === 'reading') && (prev === 'my' || prev === 'our')) return true;
      if ((w === 'told' || w === 'advised') && /^(was|were|been|am|are|is)$/.test(prev)) return true;
      if (/^(says|said|states|stated|provides|requires)$/.test(w) && lead.slice(Math.max(0, p - 4), p).some((x) => RULE_SOURCE.test(x))) return true;
    }
    return false;
  }
  return false;
}

/**
 * Before an outcome word, what makes it a report of what was done rather than the outcome wanted: the perfect ("has
 * refused") and the past or perfect passive ("paper forms have been withdrawn", "the notice was served"). "Must be
 * withdrawn" and "I want it withdrawn" still name the outcome wanted.
 */
const REPORTED_DONE = /^(has|have|had|been|was|were)$/;

/**
 * The writer's stance words of a kind. A plain negation leaves them standing ("I don't want my neighbour's
 * application refused" still presses for an outcome); only a disavowal cancels them ("I'm not asking you to…").
 */
function stance(s: SentenceView, kind: string): Hit[] {
  return s.hits.filter((h) => h.category === 'stance' && h.entry.kind === kind && !s.isNegated(h, DISAVOWALS));
}
