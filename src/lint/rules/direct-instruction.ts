import type { Hit } from '../../lexicon/lexicon.js';
import type { SentenceView } from '../context.js';
import type { Rule } from '../rule.js';

/**
 * A councillor instructing staff. Only cabinet members may give instructions, and then to a chief officer on
 * their portfolio (Part 5 2.4); nobody but their managers directs junior staff or their day-to-day work.
 */
export const rule: Rule = {
  meta: {
    id: 'direct-instruction',
    severity: 'warning',
    description: 'A councillor instructs an officer directly, instructs junior staff, or directs day-to-day management.',
    messages: {
      junior: 'This reads as an instruction from a councillor to {{officer}}, a junior officer; members do not direct junior staff.',
      instruction:
        'This reads as an instruction from a councillor to {{officer}}; only a cabinet member may instruct, and then a chief officer on their portfolio.',
      management: 'This directs the day-to-day management of staff ({{what}}), which is for officers and their managers.',
      bypass: 'This asks an officer to bypass their line management.',
    },
    generic: true,
    suggestion:
      'Ask rather than tell ("Could you let me know…", "Would it be possible to…"), and route requests for action through the relevant chief officer or service manager.',
  },
  examples: {
    valid: [
      { from: 'cllr-price', to: ['o-murray'], text: 'My resident was given a final warning at work after the bus changes made him late.' },
      { from: 'cllr-price', to: ['o-patel'], text: 'Could you let me know when the Elm Street application will be decided?' },
      { from: 'cllr-price', to: ['o-nowak'], text: 'Please chase up the repair at 14 Mill Lane for my resident.' },
      { from: 'cllr-okafor', to: ['o-murray'], text: 'Following Cabinet last night, please proceed with the consultation on the local plan.' },
      { from: 'o-hughes', to: ['o-patel'], text: 'Send me the site notes by Friday.' },
      { from: 'cllr-hale', to: ['cllr-price'], text: 'Get the leaflets out this weekend.' },
      // "must" as a guess about the reader, and someone else's "makes sure": sympathy and thanks, not orders.
      { from: 'cllr-lowe', to: ['o-reid'], text: 'You must be shattered after the weekend call-outs, and you must have heard the praise from the residents.' },
      { from: 'cllr-doyle', to: ['o-nowak'], text: 'I hope your manager makes sure the extra hours are paid.' },
    ],
    invalid: [
      { from: 'cllr-price', to: ['o-patel'], text: 'I want you to visit the Elm Street site today and photograph the fence.', messageId: 'junior' },
      { from: 'cllr-webb', to: ['o-hughes'], text: 'Get the tree preservation order issued by Friday.', messageId: 'instruction' },
      { from: 'cllr-doyle', to: ['o-hughes'], text: 'Could you take Amir off the Elm Street case and put someone else on it?', messageId: 'management' },
      // A wish put as a past tense still directs.
      { from: 'cllr-doyle', to: ['o-hughes'], text: 'It is high time Amir was taken off the Elm Street case.', messageId: 'management' },
      { from: 'cllr-doyle', to: ['o-reid'], text: "Don't tell your manager, just come straight to me with the results.", messageId: 'bypass' },
      { from: 'cllr-webb', to: ['o-jones'], text: 'You must be at the civic centre by eight with the display boards.', messageId: 'junior' },
      // Readiness and conduct, and a deadline, lay an obligation however "must be" is followed.
      { from: 'cllr-webb', to: ['o-jones'], text: 'You must be ready to brief the committee on Thursday.', messageId: 'junior' },
    ],
  },
  check(ctx) {
    if (ctx.senderRole !== 'councillor') return;
    const officers = ctx.officers(['to', 'cc']);
    if (officers.length === 0) return;
    const junior = officers.find((o) => o.grade === 'junior');
    const cabinet = Boolean(ctx.sender?.cabinet);
    for (const s of ctx.sentences) {
      const bypass = s.of('management', 'bypass')[0];
      if (bypass) {
        ctx.report({ messageId: 'bypass', at: bypass, severity: 'error' });
        continue;
      }
      // A statement that reports what was done ("he was given a final warning at work") directs nobody; one that says
      // what should happen ("she should be given a written warning") does.
      const management = s.of('management', 'staffing').filter((h) => s.asks || !reportedDone(s, h));
      if (management.length > 0 && (s.asks || s.mood === 'statement')) {
        ctx.report({ messageId: 'management', at: management[0]!, data: { what: management[0]!.text.toLowerCase() } });
        continue;
      }
      if (s.mood !== 'instruction') continue;
      // A bare imperative ("Keep him away from me") is weaker evidence than "I want you to…".
      const weak = !s.has('instruction-frame');
      if (junior) {
        ctx.report({ messageId: 'junior', at: s, data: { officer: describe(junior) }, severity: 'error', weak });
      } else if (!(cabinet && officers.every((o) => o.grade === 'chief'))) {
        ctx.report({ messageId: 'instruction', at: s, data: { officer: describe(officers[0]!) }, weak });
      }
    }
  },
};

/**
 * A report of what was done: a past or perfect passive just before the words ("was given a final warning", "has been
 * moved to") in a sentence that wants nothing — no modal, condition, stance of the writer ("I expect", "I want") or
 * wish ("it is high time he was…", "I'd rather she were…", "to have been given").
 */
function reportedDone(s: SentenceView, h: Hit): boolean {
  const t = s.tokens;
  const before = t.slice(Math.max(0, h.from - 3), h.from).map((x) => x.word);
  if (!before.some((w) => /^(was|were|been)$/.test(w))) return false;
  if (s.has('stance')) return false;
  return !t.some((x, i) => /^(should|must|ought|need|needs|would|if|time|rather|wish|expect)$/.test(x.word) || (x.word === 'have' && t[i - 1]?.word === 'to'));
}

function describe(p: { name: string; title?: string }): string {
  return p.title ? `${p.name} (${p.title})` : p.name;
}
