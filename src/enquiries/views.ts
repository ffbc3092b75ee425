/**
 * What the pages show: an enquiry in people's terms (names, not ids; dates in the council's zone; working days
 * left; each step with who took it), the member-services dashboard's counts and medians, and the CSV export.
 */
import { toCsv } from '../export/csv.js';
import type { Council } from '../directory/council.js';
import type { WorkingCalendar } from '../directory/working-days.js';
import { isOverdue, nextDue, type Enquiry, type EnquiryEvent } from './model.js';
import { formatDate } from './notices.js';
import type { EnquirySettings } from './settings.js';
import { NONE, type EnquiryStore } from './store.js';

export interface EnquiryView {
  id: string;
  status: Enquiry['status'];
  /** "Acknowledged, answer due Mon 20 Apr 2026 (3 working days left)". */
  state: string;
  overdue: boolean;
  councillor: { id: string; name: string };
  officer: { id: string; name: string } | null;
  service: string | null;
  ward: string | null;
  channel: Enquiry['channel'];
  subject: string;
  receivedAt: string;
  received: string;
  acknowledgeDay: string;
  answerDay: string;
  acknowledgeBy: string;
  answerBy: string;
  acknowledgedAt: string | null;
  answeredAt: string | null;
  closeReason: string | null;
  holdings: { at: string; newDue: string; previousDue: string; gaveReason: boolean; gaveAction: boolean }[];
  citation: string;
  steps?: { at: string; what: string; by: string }[];
}

const STEP: Record<EnquiryEvent['type'], string> = {
  opened: 'Received',
  acknowledged: 'Acknowledged',
  holding: 'Holding reply: new date',
  answered: 'Answered',
  closed: 'Closed',
  reopened: 'Reopened',
  assigned: 'Passed to',
  reminded: 'Reminder sent',
  escalated: 'Escalated',
};

export function view(e: Enquiry, council: Council, settings: EnquirySettings, calendar: WorkingCalendar, now: Date, events?: EnquiryEvent[]): EnquiryView {
  const name = (id: string) => council.byId.get(id)?.name ?? id;
  const today = calendar.localDate(now);
  const next = nextDue(e);
  const overdue = isOverdue(e, now);
  let state: string;
  if (e.status === 'answered') state = `Answered ${formatDate(calendar.localDate(new Date(e.answeredAt!)))}`;
  else if (e.status === 'closed') state = e.closeReason === 'not-an-enquiry' ? 'Closed: not an enquiry' : `Closed (${e.closeReason})`;
  else {
    const left = calendar.workingDaysBetween(today, next!.day);
    const what = next!.due === 'acknowledge' ? 'acknowledgement due' : e.holdings.length > 0 ? 'answer promised by' : 'answer due';
    const when = overdue ? 'overdue' : left === 0 ? 'due today' : `${left} working day${left === 1 ? '' : 's'} left`;
    state = `${e.status === 'open' ? 'Awaiting acknowledgement' : 'Acknowledged'}: ${what} ${formatDate(next!.day)} (${when})`;
  }
  const svc = settings.services.find((s) => s.id === e.service);
  const p = e.periods;
  const cite = (q: typeof p.acknowledge) => `${q.workingDays} working days${q.ref ? ` (${q.protocol} ${q.ref})` : ''}`;
  return {
    id: e.id,
    status: e.status,
    state,
    overdue,
    councillor: { id: e.councillor, name: name(e.councillor) },
    officer: e.officer ? { id: e.officer, name: name(e.officer) } : null,
    service: svc?.name ?? null,
    ward: e.ward ?? null,
    channel: e.channel,
    subject: e.subject,
    receivedAt: e.receivedAt,
    received: formatDate(calendar.localDate(new Date(e.receivedAt))),
    acknowledgeDay: e.acknowledgeDay,
    answerDay: e.answerDay,
    acknowledgeBy: e.acknowledgeBy,
    answerBy: e.answerBy,
    acknowledgedAt: e.acknowledgedAt ?? null,
    answeredAt: e.answeredAt ?? null,
    closeReason: e.closeReason ?? null,
    holdings: e.holdings.map((h) => ({ at: h.at, newDue: h.newDue, previousDue: h.previousDue, gaveReason: h.gaveReason, gaveAction: h.gaveAction })),
    citation: `Acknowledge within ${cite(p.acknowledge)}; answer within ${cite(p.answer)}`,
    ...(events
      ? {
          steps: events.map((ev) => ({
            at: ev.at,
            what:
              ev.type === 'holding'
                ? `${STEP.holding} ${formatDate(ev.data?.to ?? '')}`
                : ev.type === 'assigned'
                  ? `${STEP.assigned} ${name(ev.data?.officer ?? '')}`
                  : STEP[ev.type],
            by: ev.by === 'enquiries-worker' ? 'Probity' : name(ev.by),
          })),
        }
      : {}),
  };
}

export interface Dashboard {
  now: string;
  open: number;
  overdue: number;
  byService: { id: string; name: string; open: number; overdue: number }[];
  byOfficer: { id: string; name: string; open: number; overdue: number }[];
  byWard: { name: string; open: number; overdue: number }[];
  months: string[];
  /** Median hours to acknowledge and to answer, per service and month (null: none that month). */
  medians: { service: string; name: string; acknowledge: (number | null)[]; answer: (number | null)[]; n: number[] }[];
  overdueList: EnquiryView[];
  periods: { acknowledge: string; answer: string };
  /** Response-time figures over the months shown: of those acknowledged / answered, the share on time. */
  onTime: { service: string; name: string; acknowledged: number; acknowledgedOnTime: number; answered: number; answeredOnTime: number }[];
}

/** The last `n` months, oldest first, as YYYY-MM in the council's zone. */
export function lastMonths(calendar: WorkingCalendar, now: Date, n: number): string[] {
  const [y, m] = calendar.localDate(now).split('-').map(Number) as [number, number];
  return Array.from({ length: n }, (_, i) => {
    const k = y * 12 + (m - 1) - (n - 1 - i);
    return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;
  });
}

const HOUR = 3_600_000;

/**
 * The response-time figures, counts only (no subject, no councillor): per service, open and overdue now; per
 * service and month, the median hours to acknowledge and to answer and how many each median is of; per service, of
 * those acknowledged and answered in the months, how many on time. The dashboard shows them, and the Monitoring
 * Officer's audit (`probity audit --enquiries`) reports them.
 */
export interface ResponseTimeFigures {
  now: string;
  months: string[];
  periods: { acknowledge: string; answer: string };
  open: number;
  overdue: number;
  byService: { id: string; name: string; open: number; overdue: number }[];
  /** Median hours per service and month (null: none that month), and how many enquiries each is of. */
  medians: { service: string; name: string; acknowledge: (number | null)[]; answer: (number | null)[]; acknowledged: number[]; answered: number[] }[];
  onTime: { service: string; name: string; acknowledged: number; acknowledgedOnTime: number; answered: number; answeredOnTime: number }[];
}

export async function responseTimes(
  store: EnquiryStore,
  settings: EnquirySettings,
  calendar: WorkingCalendar,
  now: Date,
  monthsBack = 12,
): Promise<ResponseTimeFigures> {
  const services = [...settings.services.map((s) => s.id), NONE];
  const months = lastMonths(calendar, now, monthsBack);
  const [bySvc, ack, ans, ackOnTime, ansOnTime] = await Promise.all([
    store.openCounts('os', services, now.getTime()),
    store.medians('ack', services, months),
    store.medians('ans', services, months),
    store.onTime('ack', services, months),
    store.onTime('ans', services, months),
  ]);
  const svcName = (id: string) => (id === NONE ? 'Not yet with a service' : (settings.services.find((s) => s.id === id)?.name ?? id));
  const total = [...bySvc.values()].reduce((a, c) => ({ open: a.open + c.open, overdue: a.overdue + c.overdue }), { open: 0, overdue: 0 });
  const hours = (ms: number | null) => (ms === null ? null : Math.round((ms / HOUR) * 10) / 10);
  return {
    now: now.toISOString(),
    months,
    periods: { acknowledge: `${settings.acknowledge.workingDays} working days`, answer: `${settings.answer.workingDays} working days` },
    ...total,
    byService: services.map((id) => ({ id, name: svcName(id), ...bySvc.get(id)! })).filter((s) => s.open > 0 || s.id !== NONE),
    medians: services
      .map((id) => ({
        service: id,
        name: svcName(id),
        acknowledge: months.map((m) => hours(ack.get(`${id}|${m}`)!.median)),
        answer: months.map((m) => hours(ans.get(`${id}|${m}`)!.median)),
        acknowledged: months.map((m) => ack.get(`${id}|${m}`)!.n),
        answered: months.map((m) => ans.get(`${id}|${m}`)!.n),
      }))
      .filter((r) => r.acknowledged.some((n) => n > 0) || r.answered.some((n) => n > 0)),
    onTime: services
      .map((id) => ({
        service: id,
        name: svcName(id),
        acknowledged: ackOnTime.get(id)!.done,
        acknowledgedOnTime: ackOnTime.get(id)!.onTime,
        answered: ansOnTime.get(id)!.done,
        answeredOnTime: ansOnTime.get(id)!.onTime,
      }))
      .filter((r) => r.acknowledged > 0 || r.answered > 0),
  };
}

export async function dashboard(
  store: EnquiryStore,
  council: Council,
  settings: EnquirySettings,
  calendar: WorkingCalendar,
  now: Date,
  monthsBack = 12,
  listLimit = 50,
): Promise<Dashboard> {
  const t = now.getTime();
  const officers = council.people.filter((p) => p.role === 'officer').map((p) => p.id);
  const wards = [...council.wards, NONE];
  const [figures, byOff, byWard, overdueIds] = await Promise.all([
    responseTimes(store, settings, calendar, now, monthsBack),
    store.openCounts('o', officers, t),
    store.openCounts('ow', wards, t),
    store.dueBy(t, listLimit),
  ]);
  const overdue = (await store.many(overdueIds)).map((e) => view(e, council, settings, calendar, now));
  return {
    now: figures.now,
    open: figures.open,
    overdue: figures.overdue,
    byService: figures.byService,
    byOfficer: officers.map((id) => ({ id, name: council.byId.get(id)!.name, ...byOff.get(id)! })).filter((o) => o.open > 0),
    byWard: wards.map((w) => ({ name: w === NONE ? 'No ward' : w, ...byWard.get(w)! })).filter((w) => w.open > 0 || w.name !== 'No ward'),
    months: figures.months,
    medians: figures.medians.map(({ acknowledged, answered: _answered, ...m }) => ({ ...m, n: acknowledged })),
    overdueList: overdue,
    onTime: figures.onTime,
    periods: figures.periods,
  };
}

const CSV_COLUMNS = [
  'id',
  'received',
  'councillor',
  'ward',
  'officer',
  'service',
  'channel',
  'subject',
  'status',
  'acknowledge_by',
  'acknowledged_at',
  'answer_by',
  'answered_at',
  'holding_replies',
  'closed_reason',
] as const;

export function csv(enquiries: Enquiry[], council: Council, settings: EnquirySettings): string {
  const name = (id?: string) => (id ? (council.byId.get(id)?.name ?? id) : '');
  const rows = enquiries.map((e) => [
    e.id,
    e.receivedAt,
    name(e.councillor),
    e.ward ?? '',
    name(e.officer),
    settings.services.find((s) => s.id === e.service)?.name ?? '',
    e.channel,
    e.subject,
    e.status,
    e.acknowledgeBy,
    e.acknowledgedAt ?? '',
    e.answerBy,
    e.answeredAt ?? '',
    String(e.holdings.length),
    e.closeReason ?? '',
  ]);
  return toCsv(CSV_COLUMNS, rows);
}
