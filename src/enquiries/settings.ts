/**
 * The `enquiries:` record of council.yaml, validated here (the directory keeps it opaque, as it does `briefings:`),
 * and the response times it resolves to: the council's own figures where it gives them, else its protocol pack's
 * (Wiltshire Appendix 1, H: 2 and 10 working days), else the model setting, each with the clause it rests on.
 * Pure: the response-times table is passed in (see `loadResponseTimes`).
 */
import { z } from 'zod';
import { describeIssues, type Council } from '../directory/council.js';
import { parseDuration } from '../directory/duration.js';

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a person or service id');
const isoDate = z.preprocess(
  (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v),
  z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-12-29'),
);
const DAY_MS = 86_400_000;
/** A resolved enquiry's record (metadata and subject line) is kept this long unless the council says otherwise. */
export const DEFAULT_ENQUIRY_RETENTION_MS = 730 * DAY_MS;

export const enquirySettingsSchema = z
  .object({
    /** Member-enquiry mailboxes: a councillor's message to one of these asks the council, not one officer. */
    mailboxes: z.array(z.string().email()).default([]),
    /** Slack channels that are a member-enquiry mailbox (ids like C0ENQUIRIES): a councillor's question there opens one. */
    slackChannels: z.array(z.string().regex(/^[CG][A-Z0-9]+$/, 'must be a Slack channel id like C0123ABC')).default([]),
    /** Override the protocol pack's periods (working days after the day of receipt). */
    acknowledgeWorkingDays: z.number().int().min(1).max(30).optional(),
    answerWorkingDays: z.number().int().min(1).max(90).optional(),
    /** How long a resolved enquiry's record is kept: `<n>d`. */
    retention: z.string().default('730d'),
    /** Working days before each due date on which the officer is reminded (at the start of business). */
    remindWorkingDaysBefore: z.number().int().min(0).max(10).default(1),
    /** Services: who manages them (escalation goes there) and which officers work in them. */
    services: z.array(z.object({ id, name: z.string().min(1), manager: id, officers: z.array(id).default([]) }).strict()).default([]),
    /** Who is told when an enquiry has no service manager to escalate to (default: the chief executive). */
    escalateTo: id.optional(),
    /** Officers away from the office: the alternative contact the acknowledgement names and reminders go to. */
    away: z.array(z.object({ officer: id, from: isoDate, to: isoDate, alternate: id }).strict()).default([]),
    /** Each officer's standing alternative contact. */
    alternates: z.record(z.string(), id).default({}),
    channels: z.array(z.enum(['email', 'slack'])).default(['email', 'slack']),
  })
  .strict();

export type EnquirySettingsInput = z.infer<typeof enquirySettingsSchema>;

export interface ClauseRef {
  protocol: string;
  ref: string;
  quote: string;
}

/** One period, where it comes from, and the clause that backs it. */
export interface Period {
  workingDays: number;
  /** `council`: council.yaml; `pack`: the council's protocol states it; `model`: good practice from another pack. */
  source: 'council' | 'pack' | 'model';
  clause: ClauseRef | null;
}

export interface EnquirySettings extends Omit<EnquirySettingsInput, 'retention' | 'acknowledgeWorkingDays' | 'answerWorkingDays'> {
  acknowledge: Period;
  answer: Period;
  /** Other clauses of the council's protocol about responding to enquiries ("a timely response…"). */
  alsoCited: ClauseRef[];
  retentionMs: number;
  timezone: string;
  workingHours: { start: number; end: number };
  escalateTo: string;
  mailboxSet: ReadonlySet<string>;
}

/** lexicons/enquiries/response-times.yaml, parsed. */
export interface ResponseTimes {
  model: { acknowledgeWorkingDays: number; answerWorkingDays: number; protocol: string };
  packs: Record<string, { acknowledge?: PackPeriod; answer?: PackPeriod; also?: { ref: string; quote: string } }>;
}
interface PackPeriod {
  ref: string;
  quote: string;
  workingDays: number;
}

export class EnquirySettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`enquiries settings: ${problems.join('; ')}`);
    this.name = 'EnquirySettingsError';
  }
}

export function enquirySettings(council: Council, times: ResponseTimes): EnquirySettings {
  // The calendar is the council's, one for briefings and enquiries (src/directory/working-days.ts).
  const moved = (['region', 'closureDays'] as const).filter((k) => council.enquiries && typeof council.enquiries === 'object' && k in council.enquiries);
  if (moved.length > 0) {
    throw new EnquirySettingsError(
      moved.map(
        (k) =>
          `enquiries.${k}: set ${k === 'region' ? 'bankHolidays' : 'closureDays'} at the top of council.yaml instead, where briefings and enquiries share one working-day calendar`,
      ),
    );
  }
  const parsed = enquirySettingsSchema.safeParse(council.enquiries ?? {});
  if (!parsed.success) {
    throw new EnquirySettingsError(
      describeIssues(parsed.error.issues, council.enquiries ?? {}).map(({ path, message }) => `${['enquiries', ...path].join('.')}: ${message}`),
    );
  }
  const s = parsed.data;
  const problems: string[] = [];
  const person = (who: string, where: string, role?: 'officer') => {
    const p = council.byId.get(who);
    if (!p) problems.push(`${where}: unknown person "${who}"`);
    else if (role && p.role !== role) problems.push(`${where}: "${who}" is not an officer`);
  };
  for (const [i, svc] of s.services.entries()) {
    person(svc.manager, `enquiries.services.${i}.manager`, 'officer');
    for (const o of svc.officers) person(o, `enquiries.services.${i}.officers`, 'officer');
  }
  for (const [i, a] of s.away.entries()) {
    person(a.officer, `enquiries.away.${i}.officer`, 'officer');
    person(a.alternate, `enquiries.away.${i}.alternate`, 'officer');
    if (a.to < a.from) problems.push(`enquiries.away.${i}: ends before it starts`);
  }
  for (const [o, alt] of Object.entries(s.alternates)) {
    person(o, `enquiries.alternates.${o}`, 'officer');
    person(alt, `enquiries.alternates.${o}`, 'officer');
  }
  const escalateTo = s.escalateTo ?? council.designated.chiefExecutive;
  if (!escalateTo) problems.push('enquiries.escalateTo (or designated.chiefExecutive) must name who hears of an overdue enquiry with no service manager');
  else person(escalateTo, 'enquiries.escalateTo');
  const retentionMs = /^\d+d$/.test(s.retention.trim()) ? parseDuration(s.retention) : undefined;
  if (retentionMs === undefined) problems.push(`enquiries.retention: must be a number of days like 730d (got ${JSON.stringify(s.retention)})`);
  const pack = times.packs[council.protocol] ?? {};
  const acknowledge = period(s.acknowledgeWorkingDays, pack.acknowledge, times, 'acknowledge', council.protocol);
  const answer = period(s.answerWorkingDays, pack.answer, times, 'answer', council.protocol);
  if (answer.workingDays < acknowledge.workingDays)
    problems.push(`enquiries: an answer (${answer.workingDays} working days) cannot be due before the acknowledgement (${acknowledge.workingDays})`);
  if (problems.length > 0) throw new EnquirySettingsError(problems);
  const { acknowledgeWorkingDays: _a, answerWorkingDays: _b, retention: _r, ...rest } = s;
  return {
    ...rest,
    acknowledge,
    answer,
    alsoCited: pack.also ? [{ protocol: council.protocol, ...pack.also }] : [],
    retentionMs: retentionMs!,
    timezone: council.timezone,
    workingHours: council.workingHours,
    escalateTo: escalateTo!,
    mailboxSet: new Set([...s.mailboxes, ...s.slackChannels].map((m) => m.toLowerCase())),
  };
}

function period(own: number | undefined, fromPack: PackPeriod | undefined, times: ResponseTimes, which: 'acknowledge' | 'answer', protocol: string): Period {
  const modelPack = times.packs[times.model.protocol]?.[which];
  const model = which === 'acknowledge' ? times.model.acknowledgeWorkingDays : times.model.answerWorkingDays;
  const cite = (clause: PackPeriod | undefined, from: string): ClauseRef | null => (clause ? { protocol: from, ref: clause.ref, quote: clause.quote } : null);
  // The council's own figure still cites the clause it departs from (its pack's, or the model's source).
  if (own !== undefined) return { workingDays: own, source: 'council', clause: fromPack ? cite(fromPack, protocol) : cite(modelPack, times.model.protocol) };
  if (fromPack) return { workingDays: fromPack.workingDays, source: 'pack', clause: cite(fromPack, protocol) };
  return { workingDays: model, source: 'model', clause: cite(modelPack, times.model.protocol) };
}

/** The service an officer works in (the first that lists them, else the first they manage), if any. */
export function serviceOf(settings: EnquirySettings, officer: string): EnquirySettings['services'][number] | undefined {
  return settings.services.find((s) => s.officers.includes(officer)) ?? settings.services.find((s) => s.manager === officer);
}

/** Who stands in for `officer` on a calendar date: an absence's alternate, else their standing alternate. */
export function alternateFor(settings: EnquirySettings, officer: string, date: string): { alternate?: string; away: boolean } {
  const absence = settings.away.find((a) => a.officer === officer && a.from <= date && date <= a.to);
  if (absence) return { alternate: absence.alternate, away: true };
  const standing = settings.alternates[officer];
  return { ...(standing ? { alternate: standing } : {}), away: false };
}
