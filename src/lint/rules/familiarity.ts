import type { Hit } from '../../lexicon/lexicon.js';
import type { SentenceView } from '../context.js';
import type { Rule } from '../rule.js';

/** Close personal familiarity, private social contact, or secrecy between a member and an officer. */
export const rule: Rule = {
  meta: {
    id: 'familiarity',
    severity: 'warning',
    description:
      'Close personal familiarity or private social contact between a councillor and an officer outside a public, work-related setting, or secrecy about it.',
    messages: {
      secrecy: 'This asks for secrecy about contact between a councillor and an officer ("{{word}}").',
      social: 'This invites private social contact between a councillor and an officer ({{word}}).',
      intimate: 'This is over-familiar language between a councillor and an officer ("{{word}}").',
    },
    suggestion:
      'Keep councillor–officer contact professional and open: meet in work settings, through work channels, and declare any close personal relationship to the Monitoring Officer.',
  },
  examples: {
    valid: [
      { from: 'cllr-lowe', to: ['o-reid'], text: 'Thank you for your help on the ward walkabout, it was really useful.' },
      { from: 'o-bell', to: ['cllr-moss'], text: 'The staff awards are in the Council Chamber on Friday; all members are invited.' },
      { from: 'cllr-webb', to: ['o-patel'], text: 'Keep this between us for now: the report is confidential until Cabinet.' },
      { from: 'cllr-lowe', to: ['o-nowak'], text: 'Is there a rule about tenants holding barbecues in the shared gardens at Mill Court?' },
      { from: 'cllr-moss', to: ['o-bell'], text: 'Can you check whether the charity quiz night is booked into the Assembly Rooms?' },
      { from: 'cllr-moss', to: ['o-bell'], text: 'Could you send me the dinner invoice from the civic reception?' },
    ],
    invalid: [
      { from: 'cllr-evans', to: ['o-ahmed'], text: 'Fancy a drink on Friday, just the two of us?', messageId: 'social' },
      { from: 'cllr-webb', to: ['o-patel'], text: 'Great night on Friday. Nobody at work needs to know, so delete these messages.', messageId: 'secrecy' },
    ],
  },
  check(ctx) {
    const other = ctx.senderRole === 'councillor' ? ctx.officers() : ctx.senderRole === 'officer' ? ctx.members() : [];
    if (other.length === 0) return;
    const social = ctx.anywhere('social-contact').length > 0;
    for (const s of ctx.sentences) {
      // "Between us" about a piece of information is not about the contact; it is, next to a private invitation.
      const secrecy = s.of('secrecy', 'contact')[0] ?? (social ? s.of('secrecy', 'content')[0] : undefined);
      if (secrecy) {
        ctx.report({ messageId: 'secrecy', at: secrecy, data: { word: secrecy.text } });
        continue;
      }
      const invitations = s.of('social-contact');
      // Kisses ("x") count as a sign-off at the end of a line, not "the council's X account".
      const intimate = invitations.find(
        (h) => h.entry.kind === 'intimate' && !named(s, h) && (!/^x+o?$/i.test(h.text) || (h.text === h.text.toLowerCase() && h.to === s.tokens.length)),
      );
      if (intimate) {
        ctx.report({ messageId: 'intimate', at: intimate, data: { word: intimate.text } });
        continue;
      }
      const invitation = invitations.filter((h) => h.entry.kind !== 'intimate' && !topic(s, h));
      // With one other person and nobody else mentioned, a drink or a meal is private contact.
      const others = s.has('company');
      const oneToOne = invitation.some((h) => h.entry.kind === 'private') || (other.length === 1 && ctx.recipients.length === 1 && !others);
      if (invitation.length > 0 && oneToOne && (s.asks || s.mood === 'question' || s.has('invitation')) && includesReader(s)) {
        ctx.report({ messageId: 'social', at: invitation[0]!, data: { word: invitation.map((h) => h.text).join(', ') } });
      }
    }
  },
};

/** After a social word, what carries the plan on: a time, a place, a companion ("a drink at the Crown", "dinner tonight"). */
const PLAN_GOES_ON =
  /^(on|at|in|with|after|before|and|or|for|to|tonight|tomorrow|today|yesterday|last|sometime|soon|later|next|this|some|one|then|together|again|instead|round|out|mate|pls|please|\d.*)$/;

/** A capital inside a sentence makes a name: "Darling Lane", "the Sweetheart Café". */
function named(s: SentenceView, h: Hit): boolean {
  return h.from > 0 && s.tokens[h.from]!.capital;
}

/**
 * A social word that is only the topic: the first of two nouns ("drinks licences", "the dinner invoice", "my dinner
 * allowance"), or inside a whether/if clause that asks about something other than the reader ("could you tell me
 * whether the pub quiz is held on council land?"; "let me know if you fancy a drink" still asks the reader along).
 */
function topic(s: SentenceView, h: Hit): boolean {
  const next = s.tokens[h.to];
  const between = next ? s.text.slice(s.tokens[h.to - 1]!.end - s.start, next.start - s.start) : '';
  if (next && !/[,.;:!?()-]/.test(between) && !next.capital && !PLAN_GOES_ON.test(next.word) && !/^(is|are|was|were|be|been)$/.test(next.word)) return true;
  for (let i = h.from - 1; i >= 0; i--) {
    const w = s.tokens[i]!.word;
    if (w === 'whether' || w === 'if') return !s.tokens.slice(i + 1, h.from).some((t) => /^(you|your|u|we|us)$/.test(t.word));
  }
  return false;
}

/** Words that put the writer and the reader in the plan: "shall we", "you and me", "join us", "my place". */
const PARTICIPANTS = /^(you|your|ya|u|we|us|let's|lets|me|my|our)$/;
/** Shorter than this, a sentence is all invitation ("Drinks Friday?"); a question up to the longer length still is
 * ("thanks for dinner last night :) same place next month?"). */
const TERSE = 6;
const TERSE_QUESTION = 10;

/**
 * An invitation needs somebody invited. "Is there a rule about barbecues on balconies?" and "could it be emptied more
 * often when there are barbecues?" ask about other people's parties: nobody asks the reader along.
 */
function includesReader(s: SentenceView): boolean {
  const terse = s.tokens.length < (s.question ? TERSE_QUESTION : TERSE);
  return terse || s.has('invitation') || s.tokens.some((t) => PARTICIPANTS.test(t.word));
}
