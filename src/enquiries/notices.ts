/**
 * Who a reminder or an escalation goes to, and its words. A reminder goes to the officer the enquiry is with
 * (member services' contact when a mailbox enquiry is not yet with anyone), and to their alternative contact too
 * when they are away; an escalation goes to the service manager (or `enquiries.escalateTo`). Pure.
 */
import type { Council, Person } from '../directory/council.js';
import type { WorkingCalendar } from '../directory/working-days.js';
import { signLink } from './links.js';
import type { Due, Enquiry } from './model.js';
import { alternateFor, serviceOf, type EnquirySettings } from './settings.js';
import { TEMPLATES, fill, type NoticeKind } from './templates.js';

export interface RenderedNotice {
  kind: NoticeKind;
  to: Person;
  subject: string;
  text: string;
  slack: string;
}

export interface NoticeDeps {
  council: Council;
  settings: EnquirySettings;
  calendar: WorkingCalendar;
  publicUrl: string;
  linkSecret: string;
  now: Date;
}

/** Links in a reminder live as long as the enquiry could be open: 90 days. */
const LINK_DAYS = 90;

export function recipients(
  e: Enquiry,
  kind: NoticeKind,
  deps: Pick<NoticeDeps, 'council' | 'settings' | 'calendar' | 'now'>,
): { person: Person; role: string }[] {
  const { council, settings } = deps;
  const who = (id: string | undefined) => (id ? council.byId.get(id) : undefined);
  const today = deps.calendar.localDate(deps.now);
  const out: { person: Person; role: string }[] = [];
  const add = (p: Person | undefined, role: string) => p && !out.some((o) => o.person.id === p.id) && out.push({ person: p, role });
  if (kind.startsWith('remind')) {
    if (e.officer) {
      add(who(e.officer), 'the officer');
      const alt = alternateFor(settings, e.officer, today);
      if (alt.away) add(who(alt.alternate), 'the alternative contact');
    } else {
      add(who(settings.escalateTo), 'member services');
    }
  } else {
    const manager = e.officer ? serviceOf(settings, e.officer)?.manager : undefined;
    add(
      who(manager && manager !== e.officer ? manager : settings.escalateTo),
      manager && manager !== e.officer ? 'the service manager' : 'the officer who hears of overdue enquiries',
    );
  }
  return out;
}

export function render(e: Enquiry, kind: NoticeKind, to: { person: Person; role: string }, deps: NoticeDeps): RenderedNotice {
  const { council, settings, calendar } = deps;
  const due: Due = kind.endsWith('acknowledge') ? 'acknowledge' : 'answer';
  const day = due === 'acknowledge' ? e.acknowledgeDay : e.answerDay;
  const name = (id: string | undefined) => (id ? (council.byId.get(id)?.name ?? id) : 'member services');
  const today = calendar.localDate(deps.now);
  const left = calendar.workingDaysBetween(today, day);
  const leftText = day < today ? 'overdue' : left === 0 ? 'due today' : `${left} working day${left === 1 ? '' : 's'} left`;
  const period = e.periods[due];
  const clause = due === 'acknowledge' ? settings.acknowledge.clause : settings.answer.clause;
  const clauseText = clause
    ? `${period.workingDays} working days (${period.source === 'council' ? "the council's own setting; " : period.source === 'model' ? `good practice from the ${clause.protocol} protocol; ` : ''}${clause.protocol} ${clause.ref}: “${clause.quote}”)`
    : `${period.workingDays} working days (the council's setting)`;
  const alt = e.officer ? alternateFor(settings, e.officer, today) : { away: false };
  const away = alt.away && alt.alternate ? `${name(e.officer)} is away; the alternative contact is ${name(alt.alternate)}.` : '';
  const exp = Math.floor(deps.now.getTime() / 1000) + LINK_DAYS * 86_400;
  const link = (action: 'acknowledge' | 'answered') =>
    `${deps.publicUrl.replace(/\/$/, '')}/enquiries/act.html?t=${signLink(deps.linkSecret, { enquiry: e.id, action, by: to.person.id, exp })}`;
  const values: Record<string, string> = {
    name: to.person.name,
    councillor: name(e.councillor),
    officer: name(e.officer),
    to: e.officer ? name(e.officer) : (e.mailbox ?? 'the council'),
    subject: e.subject,
    received: formatDay(calendar, e.receivedAt),
    due: `${formatDate(day)}, ${String(settings.workingHours.end).padStart(2, '0')}:00`,
    left: leftText,
    ackLink: link('acknowledge'),
    answerLink: link('answered'),
    away,
    role: to.role,
    clause: clauseText,
    id: e.id,
    council: council.council,
  };
  const t = TEMPLATES[kind];
  return { kind, to: to.person, subject: fill(t.subject, values), text: fill(t.text, values), slack: fill(t.slack, values).trim() };
}

const DAY_FORMAT = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** "Wed 8 Apr 2026" for a calendar date. */
export function formatDate(day: string): string {
  return DAY_FORMAT.format(new Date(`${day}T12:00:00Z`)).replace(',', '');
}

function formatDay(calendar: WorkingCalendar, iso: string): string {
  return formatDate(calendar.localDate(new Date(iso)));
}
