/**
 * A member enquiry as Probity keeps it: who asked whom, which service and ward, when it came in, the thread it
 * belongs to, the subject line the councillor wrote, and its clock. Never the body. Transitions are pure
 * functions from a record and an instant to the next record and the event that records the step.
 */
import type { WorkingCalendar } from '../directory/working-days.js';
import type { EnquirySettings, Period } from './settings.js';

export type Channel = 'email' | 'slack' | 'phone';
export type Status = 'open' | 'acknowledged' | 'answered' | 'closed';
export type Due = 'acknowledge' | 'answer';

export interface Holding {
  at: string;
  by: string;
  /** The date the officer said a response would come (close of business on it). */
  newDue: string;
  previousDue: string;
  /** What the holding reply gave, as the protocol asks: a reason for the delay and the action being taken. */
  gaveReason: boolean;
  gaveAction: boolean;
}

export interface Enquiry {
  id: string;
  status: Status;
  councillor: string;
  /** The officer it is with (addressed, or assigned from the mailbox); absent while a mailbox enquiry is unassigned. */
  officer?: string;
  mailbox?: string;
  service?: string;
  ward?: string;
  channel: Channel;
  /** The councillor's own subject line (email), or a label for channels without one ("Slack message"). */
  subject: string;
  receivedAt: string;
  /** Close of business on the due day, ISO. */
  acknowledgeBy: string;
  answerBy: string;
  /** The calendar days the two periods end on, in the council's zone (for people: "Wed 8 Apr"). */
  acknowledgeDay: string;
  answerDay: string;
  /** Working days and where they come from, with the clause (protocol, ref): the citation a reminder carries. */
  periods: {
    acknowledge: Pick<Period, 'workingDays' | 'source'> & { ref?: string; protocol?: string };
    answer: Pick<Period, 'workingDays' | 'source'> & { ref?: string; protocol?: string };
  };
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  answeredAt?: string;
  answeredBy?: string;
  closedAt?: string;
  closedBy?: string;
  closeReason?: 'not-an-enquiry' | 'withdrawn' | 'duplicate';
  holdings: Holding[];
  /** Bumped whenever a due date moves: reminder jobs carry it and a job for an old version does nothing. */
  version: number;
  /** Optimistic-concurrency revision of the stored record. */
  rev: number;
}

export type EventType = 'opened' | 'acknowledged' | 'holding' | 'answered' | 'closed' | 'reopened' | 'assigned' | 'reminded' | 'escalated';
export interface EnquiryEvent {
  at: string;
  type: EventType;
  by: string;
  /** Small facts only (a due day, a job kind, a recipient id); never message text. */
  data?: Record<string, string>;
}

export interface OpenInput {
  id: string;
  councillor: string;
  officer?: string;
  mailbox?: string;
  service?: string;
  ward?: string;
  channel: Channel;
  subject: string;
  receivedAt: Date;
}

export function open(input: OpenInput, settings: EnquirySettings, calendar: WorkingCalendar): { enquiry: Enquiry; event: EnquiryEvent } {
  const receivedDay = calendar.localDate(input.receivedAt);
  const acknowledgeDay = calendar.nthWorkingDayAfter(receivedDay, settings.acknowledge.workingDays);
  const answerDay = calendar.nthWorkingDayAfter(receivedDay, settings.answer.workingDays);
  const cite = (p: Period) => ({ workingDays: p.workingDays, source: p.source, ...(p.clause ? { ref: p.clause.ref, protocol: p.clause.protocol } : {}) });
  const enquiry: Enquiry = {
    id: input.id,
    status: 'open',
    councillor: input.councillor,
    ...(input.officer ? { officer: input.officer } : {}),
    ...(input.mailbox ? { mailbox: input.mailbox } : {}),
    ...(input.service ? { service: input.service } : {}),
    ...(input.ward ? { ward: input.ward } : {}),
    channel: input.channel,
    subject: oneLine(input.subject),
    receivedAt: input.receivedAt.toISOString(),
    acknowledgeBy: calendar.closeOfBusiness(acknowledgeDay).toISOString(),
    answerBy: calendar.closeOfBusiness(answerDay).toISOString(),
    acknowledgeDay,
    answerDay,
    periods: { acknowledge: cite(settings.acknowledge), answer: cite(settings.answer) },
    holdings: [],
    version: 1,
    rev: 0,
  };
  return { enquiry, event: { at: enquiry.receivedAt, type: 'opened', by: input.councillor, data: { acknowledgeDay, answerDay } } };
}

/** C0 controls and DEL, which become spaces in a subject line. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const C0_AND_DEL = /[\u0000-\u001f\u007f]+/g;

/** A subject line is kept as one line of at most 200 characters (it is shown, never parsed). */
export function oneLine(subject: string): string {
  const s = subject.replace(C0_AND_DEL, ' ').replace(/\s+/g, ' ').trim();
  return s.length > 200 ? `${s.slice(0, 199)}…` : s;
}

export type Step = { enquiry: Enquiry; event: EnquiryEvent } | undefined;

export function acknowledge(e: Enquiry, at: Date, by: string): Step {
  if (e.status !== 'open') return undefined;
  return {
    enquiry: { ...e, status: 'acknowledged', acknowledgedAt: at.toISOString(), acknowledgedBy: by },
    event: { at: at.toISOString(), type: 'acknowledged', by },
  };
}

/** An answer (or the officer marking it answered) resolves it; it acknowledges it too if nothing had. */
export function answer(e: Enquiry, at: Date, by: string, marked = false): Step {
  if (e.status === 'answered' || e.status === 'closed') return undefined;
  const iso = at.toISOString();
  return {
    enquiry: { ...e, status: 'answered', answeredAt: iso, answeredBy: by, ...(e.acknowledgedAt ? {} : { acknowledgedAt: iso, acknowledgedBy: by }) },
    event: { at: iso, type: 'answered', by, ...(marked ? { data: { how: 'marked' } } : {}) },
  };
}

/** A holding reply moves the answer date to the date it gives; it acknowledges the enquiry too. */
export function hold(e: Enquiry, at: Date, by: string, newDay: string, gave: { reason: boolean; action: boolean }, calendar: WorkingCalendar): Step {
  if (e.status === 'answered' || e.status === 'closed') return undefined;
  const iso = at.toISOString();
  const holding: Holding = { at: iso, by, newDue: newDay, previousDue: e.answerDay, gaveReason: gave.reason, gaveAction: gave.action };
  return {
    enquiry: {
      ...e,
      status: 'acknowledged',
      ...(e.acknowledgedAt ? {} : { acknowledgedAt: iso, acknowledgedBy: by }),
      answerDay: newDay,
      answerBy: calendar.closeOfBusiness(newDay).toISOString(),
      holdings: [...e.holdings, holding],
      version: e.version + 1,
    },
    event: { at: iso, type: 'holding', by, data: { from: e.answerDay, to: newDay, reason: String(gave.reason), action: String(gave.action) } },
  };
}

export function close(e: Enquiry, at: Date, by: string, reason: NonNullable<Enquiry['closeReason']>): Step {
  if (e.status === 'closed') return undefined;
  return {
    enquiry: { ...e, status: 'closed', closedAt: at.toISOString(), closedBy: by, closeReason: reason },
    event: { at: at.toISOString(), type: 'closed', by, data: { reason } },
  };
}

export function assign(e: Enquiry, at: Date, by: string, officer: string, service?: string): Step {
  if (e.officer === officer) return undefined;
  return {
    enquiry: { ...e, officer, ...(service ? { service } : {}), version: e.version + 1 },
    event: { at: at.toISOString(), type: 'assigned', by, data: { officer } },
  };
}

export function isResolved(e: Enquiry): boolean {
  return e.status === 'answered' || e.status === 'closed';
}

/** The due date that matters now: the acknowledgement while open, then the answer. */
export function nextDue(e: Enquiry): { due: Due; by: string; day: string } | undefined {
  if (e.status === 'open') return { due: 'acknowledge', by: e.acknowledgeBy, day: e.acknowledgeDay };
  if (e.status === 'acknowledged') return { due: 'answer', by: e.answerBy, day: e.answerDay };
  return undefined;
}

/** Overdue when its next due instant has passed. */
export function isOverdue(e: Enquiry, now: Date): boolean {
  const next = nextDue(e);
  return next !== undefined && Date.parse(next.by) <= now.getTime();
}
