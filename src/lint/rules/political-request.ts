import type { Rule } from '../rule.js';
import type { Hit } from '../../lexicon/lexicon.js';
import type { SentenceView } from '../context.js';

/** Asking officers for party-political work, council resources for party purposes, or their political view. */
export const rule: Rule = {
  meta: {
    id: 'political-request',
    severity: 'error',
    description:
      'Asks an officer for party-political or campaigning work, council resources for party purposes, attendance at party meetings, or a political view.',
    messages: {
      work: 'This asks an officer for party-political work ({{what}}); officers must stay politically neutral.',
      resources: 'This asks for council resources ({{what}}) for a party-political purpose.',
      meeting: 'This asks an officer to attend a party meeting ({{what}}).',
      view: 'This asks an officer for their personal political view or support.',
    },
    suggestion:
      "Use your party or group's own resources for campaigning. Officers can give factual information to any councillor, and briefings to party groups go through the Chief Executive.",
  },
  examples: {
    valid: [
      { from: 'cllr-moss', to: ['o-bell'], text: 'Could you remind me what the turnout was in Market ward at the last by-election?' },
      { from: 'cllr-hale', to: ['cllr-price'], text: 'Can you get our campaign leaflets printed this week?' },
      { from: 'cllr-price', to: ['o-jones'], text: 'Could you print 200 copies of the bin collection leaflet for my ward surgery?' },
      { from: 'cllr-webb', to: ['o-carter'], text: 'The Conservative Group would like a briefing on the budget proposals, please.' },
      { from: 'cllr-price', to: ['o-ford'], text: "I'm not asking you to campaign, just to confirm the consultation dates." },
    ],
    invalid: [
      { from: 'cllr-okafor', to: ['o-patel'], text: 'Could you design and print 500 leaflets for our Labour campaign?', messageId: 'work' },
      { from: 'cllr-evans', to: ['o-jones'], text: 'Can you send our Lib Dem newsletter out through the council mailing list?', messageId: 'resources' },
      { from: 'cllr-moss', to: ['o-reid'], text: 'Would you come along to our ward party meeting on Thursday?', messageId: 'meeting' },
      { from: 'cllr-webb', to: ['o-hughes'], text: 'Off the record, which party do you support?', messageId: 'view' },
    ],
  },
  check(ctx) {
    if (ctx.officers(['to', 'cc']).length === 0) return;
    if (ctx.senderRole === 'officer') return;
    // A group's briefing request to the designated officer is the protocol working.
    const toBriefingRecipient = ctx.recipients.some((r) => r.person && r.person.id === ctx.council.designated.briefingRecipient);
    const partyContext = ctx.sentences.some(hasParty) || hasParty(ctx.subjectView) || ctx.anywhere('political-work', 'strong').length > 0;
    for (const [i, s] of ctx.sentences.entries()) {
      // The party may be named in the sentence before the ask ("Our Green group is hosting… Could you book…").
      const previous = ctx.sentences[i - 1];
      const partyHere = hasParty(s) || (previous !== undefined && (hasParty(previous) || previous.has('political-work', 'strong')));
      const view = s.of('political-view').find((h) => h.entry.kind !== 'opinion' || hasParty(s) || /politic/i.test(s.text));
      if (view) {
        ctx.report({ messageId: 'view', at: view });
        continue;
      }
      if (!s.asks && !(s.mood === 'statement' && wants(s))) continue;
      if (toBriefingRecipient && /\bbriefing\b/i.test(s.text)) continue;
      const meeting =
        s.of('party-meeting').find((h) => !councils(s, h) && (h.entry.kind !== 'event' || partyHere || s.has('political-work', 'strong'))) ??
        (partyHere && s.has('attendance') ? previous?.of('party-meeting')[0] : undefined);
      if (meeting) {
        ctx.report({ messageId: 'meeting', at: meeting, data: { what: meeting.text } });
        continue;
      }
      // "until after the by-election" dates something; it does not ask for election work.
      const strong = s.of('political-work', 'strong').find((h) => !dated(s, h) && !councils(s, h) && !electionFact(s, h));
      const weak = s.of('political-work', 'weak').find((h) => !councils(s, h));
      const work = strong ?? (partyContext ? weak : undefined);
      const resource = s.of('council-resource').find((h) => h.entry.kind !== 'skill' || work);
      // The council's own channels, lists and name ("the council Facebook page", "the mailing list"), not its printers or vans.
      const channel = resource && s.hits.some((h) => h.category === 'council-channel' && h.from >= resource.from && h.to <= resource.to);
      if (work && resource && channel) {
        ctx.report({ messageId: 'resources', at: resource, data: { what: resource.text } });
      } else if (work) {
        ctx.report({ messageId: 'work', at: work, data: { what: work.text } });
      } else if (resource && partyContext && (partyHere || resource.entry.kind === 'data' || partyNext(ctx.sentences[i + 1]))) {
        ctx.report({ messageId: 'resources', at: resource, data: { what: resource.text } });
      }
    }
  },
};

/**
 * Asking an officer for a fact about an election ("what was the turnout at the by-election?", "when do nominations
 * close?") is the elections office's everyday business, not election work.
 */
function electionFact(s: SentenceView, hit: Hit): boolean {
  return /elect|polling/i.test(hit.text) && s.has('election-fact', 'fact') && s.has('info-verb') && !s.has('election-fact', 'campaign');
}

/** How far before a political word a word of time still dates it ("until after the by-election"). */
const TIMING_WINDOW = 3;

function dated(s: SentenceView, hit: Hit): boolean {
  return s.of('timing').some((t) => t.to <= hit.from && t.from >= hit.from - TIMING_WINDOW);
}

/** "the council's anti-fly-tipping campaign": the council's own work, not a party's. */
function councils(s: SentenceView, h: Hit): boolean {
  // The tokeniser drops the possessive, so "council's" is the word "council".
  return s.tokens.slice(Math.max(0, h.from - 4), h.from).some((t) => t.word === 'council');
}

/** The sentence after an ask says what it is for: "…on the print room machine? It's for the doorknock on Saturday." */
function partyNext(next: SentenceView | undefined): boolean {
  return next !== undefined && (next.of('party').length > 0 || next.has('political-work', 'strong'));
}

function hasParty(s: SentenceView): boolean {
  return s.of('party').some((h) => !(s.tokens[h.from]!.word === 'party' && lookalike(s, h))) || s.has('group-name');
}

/** "working party" and "third party" are not politics. */
function lookalike(s: SentenceView, h: Hit): boolean {
  return s.hits.some((l) => l.category === 'party-lookalike' && l.from === h.from - 1 && l.to === h.from + 1);
}

/** "I'd like the press office to…", "we need you to…" written as statements. */
function wants(s: SentenceView): boolean {
  return s.has('preference', 'want');
}
