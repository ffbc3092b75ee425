import { bankHolidayName, zonedParts, type BankHolidayRegion } from '../../directory/working-days.js';
import type { SentenceView } from '../context.js';
import type { Rule } from '../rule.js';

/** Advisory: demands on an officer late at night, at weekends, or "by tomorrow morning". */
export const rule: Rule = {
  meta: {
    id: 'out-of-hours',
    severity: 'info',
    description: 'Demands made of an officer late at night, at weekends or "by tomorrow morning".',
    messages: {
      deadline: 'This asks an officer for something outside working hours ("{{word}}").',
      late: 'This urgent demand was sent outside working hours ({{when}}).',
      asked: 'This asks an officer for something outside working hours ({{when}}).',
    },
    suggestion:
      "Respect officers' free time: ask for what you need within working hours and allow a reasonable time to respond, unless it is a genuine emergency.",
  },
  examples: {
    valid: [
      { from: 'cllr-moss', to: ['o-reid'], text: 'Could you let me know if the library is open over Easter?' },
      { from: 'cllr-moss', to: ['o-reid'], text: 'Can we meet on Tuesday to discuss the complaints that came in over the weekend?' },
      { from: 'cllr-price', to: ['o-patel'], text: 'No rush, whenever you are back on Monday is fine.', sentAt: '2026-03-07T22:30:00+00:00' },
      { from: 'cllr-price', to: ['o-patel'], text: 'Could you send me the figures by Thursday?' },
      { from: 'cllr-moss', to: ['o-reid'], text: 'Can you tell me whether the tip is open over the bank holiday?' },
      {
        from: 'cllr-price',
        to: ['o-patel'],
        text: 'Could you send me the planning history for 4 Mill Lane when you are back?',
        sentAt: '2026-03-07T22:30:00+00:00',
      },
      // An invitation answered by "let me know" is familiarity's to judge, not work asked for.
      {
        from: 'cllr-price',
        to: ['o-patel'],
        text: "I've got a spare ticket for the match on Saturday if you fancy it. Let me know!",
        sentAt: '2026-03-05T21:10:00+00:00',
      },
    ],
    invalid: [
      { from: 'cllr-webb', to: ['o-hughes'], text: 'I need the revised figures by tomorrow morning.', messageId: 'deadline' },
      { from: 'cllr-webb', to: ['o-hughes'], text: 'Lisa, need a holding statement on the depot fire for 6am.', messageId: 'deadline' },
      { from: 'cllr-webb', to: ['o-hughes'], text: 'Send me the figures urgently.', sentAt: '2026-03-07T23:15:00+00:00', messageId: 'late' },
      // Politely, late on a Saturday night: still work asked for out of hours.
      {
        from: 'cllr-price',
        to: ['o-patel'],
        text: 'Could you send me the planning history for 4 Mill Lane?',
        sentAt: '2026-03-07T22:30:00+00:00',
        messageId: 'asked',
      },
      { from: 'cllr-doyle', to: ['o-nowak'], text: 'Could you email me the draft report on the solar farm sometime over the weekend?', messageId: 'deadline' },
    ],
  },
  check(ctx) {
    if (ctx.senderRole === 'officer' && ctx.sender?.grade === 'junior') return;
    if (ctx.officers(['to', 'cc']).length === 0) return;
    let outside: string | undefined | null = null; // computed only when an urgent demand needs it
    // "No rush", "when you're back", "Monday is fine": the message puts the answer in the working week.
    const relaxed = ctx.sentences.some((s) => s.has('deadline', 'no-hurry'));
    for (const s of ctx.sentences) {
      const asking = s.asks || s.has('stated-need') || NEEDS.test(s.text);
      if (!asking) continue;
      const deadline = s.of('deadline', 'deadline')[0];
      if (deadline) {
        ctx.report({ messageId: 'deadline', at: deadline, data: { word: deadline.text } });
        return;
      }
      // A task for the weekend ("could you send me the papers over the weekend?"), not a weekend asked about ("can
      // you tell me whether the tip is open this weekend?", "…if the library is open over Easter?") nor when something
      // happened ("the complaints that came in over the weekend", "the bins missed over the weekend").
      const weekend = s.of('deadline', 'weekend')[0];
      if (weekend && !aboutTheWeekend(s, weekend.from)) {
        ctx.report({ messageId: 'deadline', at: weekend, data: { word: weekend.text } });
        return;
      }
      const early = EARLY_HOUR.exec(s.text);
      if (early && Number(early[1]) <= ctx.council.workingHours.start) {
        ctx.report({ messageId: 'deadline', at: { start: s.start + early.index, end: s.start + early.index + early[0].length }, data: { word: early[0] } });
        return;
      }
      const urgent = s.of('deadline', 'urgency')[0];
      if (urgent && relaxed) continue;
      if (urgent) outside ??= outsideHours(ctx.message.sentAt, ctx.council.timezone, ctx.council.workingHours, ctx.council);
      if (urgent && outside) {
        ctx.report({ messageId: 'late', at: urgent, data: { when: outside } });
        return;
      }
    }
    // A councillor's instruction or request sent late at night or at the weekend asks for work then, however politely,
    // unless the message puts the answer in the working week ("no rush", "when you're back", "Monday is fine").
    // An invitation is the councillor's own time offered, not work asked for: "let me know" answers it (that is
    // `familiarity`'s to judge, and it reads before this rule).
    if (ctx.senderRole !== 'councillor' || relaxed || ctx.sentences.some((s) => s.has('invitation')) || ctx.reports.some((r) => r.rule === 'familiarity'))
      return;
    const demand = ctx.sentences.find((s) => DEMANDS.has(s.mood));
    if (!demand) return;
    outside ??= outsideHours(ctx.message.sentAt, ctx.council.timezone, ctx.council.workingHours, ctx.council);
    if (outside) ctx.report({ messageId: 'asked', at: demand, data: { when: outside }, evidence: { kind: 'asked-late' } });
  },
};

/** What a sentence asks of the reader, politely or not: work, or information they must find. */
const DEMANDS = new Set(['instruction', 'request', 'info-request']);

/** The weekend belongs to what the sentence asks about or to something that happened, not to the task it sets. */
function aboutTheWeekend(s: SentenceView, at: number): boolean {
  if (s.of('info-verb', 'question').some((q) => q.from < at)) return true;
  const before = s.tokens.slice(0, at).map((t) => t.word);
  return before.some((w) => w === 'if' || w === 'that' || w === 'which' || w === 'who') || /ed$/.test(before.at(-1) ?? '');
}

/**
 * A demand without "please" or a question: "I need…", "I'll need…", "we'd want…", "it needs doing" (the lexicon's
 * stated-need), or a sentence that opens with "need…" after at most a name ("mark need a statement by 6am", "Need the
 * wording checked"), which is where the words stand rather than which words they are.
 */
const NEEDS = /^\s*(?:[a-z]+\s*[,-]?\s+)?(?:really )?needs? (?!to know\b)/i;

/** A clock time early in the morning as the deadline: "by 6am", "monday 7am", "for 7.30 am" (hour before the working day). */
const EARLY_HOUR = /\b([0-9])(?:[:.][0-5][0-9])?\s?(?:am|a\.m\.)\b/i;

/**
 * "Saturday 23:15" when `sentAt` falls outside the council's working hours, on a weekend, or on one of its bank
 * holidays or closure days (its one calendar: council.yaml `bankHolidays`, `closureDays`); else undefined.
 */
export function outsideHours(
  sentAt: string | undefined,
  timeZone: string,
  hours: { start: number; end: number },
  days: { bankHolidays: BankHolidayRegion; closureDays: readonly string[] } = { bankHolidays: 'ENG', closureDays: [] },
): string | undefined {
  if (!sentAt) return undefined;
  const date = new Date(sentAt);
  if (Number.isNaN(date.getTime())) return undefined;
  const local = zonedParts(date, timeZone);
  const weekend = local.weekday === 'Saturday' || local.weekday === 'Sunday';
  const holiday = days.closureDays.includes(local.date) ? 'a council closure day' : weekend ? undefined : bankHolidayName(days.bankHolidays, local.date);
  if (!weekend && !holiday && local.hour >= hours.start && local.hour < hours.end) return undefined;
  return `${holiday ? `${holiday}, ` : ''}${local.weekday} ${local.time}`;
}
