/**
 * The council's working days, one calendar for everything that counts them (briefing offers and their reminders,
 * enquiry due dates, reminders and escalations, "3 working days left" on the pages): Monday to Friday, not a bank
 * holiday of the council's part of the UK (council.yaml `bankHolidays`: ENG, WLS, SCT or NIR; date-holidays' GB
 * regions, substitute days included), not one of its closure days (`closureDays`). Calendar arithmetic is done on
 * local dates in the council's zone, then turned back into instants, so a deadline is "end of the fifth working
 * day" whatever the clocks do. Pure: dates in, dates out.
 */
import { createRequire } from 'node:module';
import type HolidaysType from 'date-holidays';
import type { Council } from './council.js';

/** The parts of the UK with their own bank holidays. */
export const BANK_HOLIDAY_REGIONS = ['ENG', 'WLS', 'SCT', 'NIR'] as const;
export type BankHolidayRegion = (typeof BANK_HOLIDAY_REGIONS)[number];

// date-holidays loads a few hundred modules (astronomical calendars): it is required the first time a holiday is asked
// about, not when a module imports this one, so `probity check` on a message that asks nothing does not wait for it.
const require = createRequire(import.meta.url);
let Holidays: typeof HolidaysType | undefined;
const byRegionYear = new Map<string, Map<string, string>>();
/** Days of instants kept (about 27 years of two per day): plenty, and bounded. */
const INSTANT_CACHE_LIMIT = 20_000;

/** A region's bank holidays in a year, local date → name. */
function bankHolidays(region: BankHolidayRegion, year: number): Map<string, string> {
  const key = `${region}:${year}`;
  let days = byRegionYear.get(key);
  if (!days) {
    Holidays ??= require('date-holidays') as typeof HolidaysType;
    const calendar = new Holidays('GB', region);
    days = new Map((calendar.getHolidays(year) || []).filter((h) => h.type === 'public' || h.type === 'bank').map((h) => [h.date.slice(0, 10), h.name]));
    byRegionYear.set(key, days);
  }
  return days;
}

/** The bank holiday's name when `date` (a local YYYY-MM-DD) is one in `region`, else undefined. */
export function bankHolidayName(region: BankHolidayRegion, date: string): string | undefined {
  return bankHolidays(region, Number(date.slice(0, 4))).get(date);
}

/** Day of week for a calendar date, 0 = Sunday. */
export function weekday(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

export function addCalendarDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** An instant as a clock on the wall in a zone shows it. */
export interface ZonedParts {
  /** The local calendar date, YYYY-MM-DD. */
  date: string;
  year: number;
  /** 1–12. */
  month: number;
  day: number;
  /** 0–23. */
  hour: number;
  minute: number;
  second: number;
  /** The local time of day, HH:MM (24-hour). */
  time: string;
  /** The day of the week in English, as people read it: "Saturday". */
  weekday: string;
}

// One formatter per zone, kept: building an Intl.DateTimeFormat costs far more than using one, and every due date,
// reminder and out-of-hours check asks for the same few zones.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'long',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The date and time an instant has in `timeZone` (an IANA zone such as Europe/London). */
export function zonedParts(instant: Date, timeZone: string): ZonedParts {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) parts[p.type] = p.value;
  const { year = '', month = '', day = '', hour = '', minute = '', second = '', weekday = '' } = parts;
  return {
    date: `${year}-${month}-${day}`,
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second),
    time: `${hour}:${minute}`,
    weekday,
  };
}

/** The calendar date of an instant in a zone. */
export function localDate(instant: Date, timeZone: string): string {
  return zonedParts(instant, timeZone).date;
}

/** The wall-clock reading of an instant in a zone, as if that reading were UTC: the zone's offset is this minus the instant. */
function wallClock(instant: Date, timeZone: string): number {
  const local = zonedParts(instant, timeZone);
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
}

/** The instant at which it is `hour`:`minute` on `date` in `timeZone`. */
export function zonedInstant(date: string, hour: number, timeZone: string, minute = 0): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, hour, minute);
  // The zone's offset at a guess, then again at the corrected instant (DST changes between the two).
  let guess = wall - (wallClock(new Date(wall), timeZone) - wall);
  guess = wall - (wallClock(new Date(guess), timeZone) - guess);
  return new Date(guess);
}

export interface CalendarOptions {
  region: BankHolidayRegion;
  closureDays: readonly string[];
  timezone: string;
  workingHours: { start: number; end: number };
}

export class WorkingCalendar {
  private readonly closures: Set<string>;

  constructor(readonly options: CalendarOptions) {
    this.closures = new Set(options.closureDays);
  }

  get timezone(): string {
    return this.options.timezone;
  }

  isBankHoliday(date: string): boolean {
    return bankHolidays(this.options.region, Number(date.slice(0, 4))).has(date);
  }

  isClosureDay(date: string): boolean {
    return this.closures.has(date);
  }

  isWorkingDay(date: string): boolean {
    const day = weekday(date);
    return day !== 0 && day !== 6 && !this.isBankHoliday(date) && !this.closures.has(date);
  }

  /** The nth working day after `date` (n ≥ 1; `date` itself never counts: "within n working days of receipt"). */
  nthWorkingDayAfter(date: string, n: number): string {
    let current = date;
    for (let counted = 0; counted < n;) {
      current = addCalendarDays(current, 1);
      if (this.isWorkingDay(current)) counted++;
    }
    return current;
  }

  /** The nth working day before `date` (n ≥ 0; 0 is `date` itself, or the working day before it if it is not one). */
  nthWorkingDayBefore(date: string, n: number): string {
    let current = date;
    while (!this.isWorkingDay(current)) current = addCalendarDays(current, -1);
    for (let counted = 0; counted < n;) {
      current = addCalendarDays(current, -1);
      if (this.isWorkingDay(current)) counted++;
    }
    return current;
  }

  /** Working days strictly after `from` up to and including `to` (0 when `to` is not after `from`). */
  workingDaysBetween(from: string, to: string): number {
    let n = 0;
    for (let d = addCalendarDays(from, 1); d <= to; d = addCalendarDays(d, 1)) if (this.isWorkingDay(d)) n++;
    return n;
  }

  localDate(instant: Date): string {
    return localDate(instant, this.options.timezone);
  }

  /** Close of business on `date`: a due date is met by anything before it. */
  closeOfBusiness(date: string): Date {
    return this.at(date, this.options.workingHours.end);
  }

  startOfBusiness(date: string): Date {
    return this.at(date, this.options.workingHours.start);
  }

  /** Zone arithmetic (Intl) is the costly part of planning a reminder: each day's instants are worked out once. */
  private readonly instants = new Map<string, number>();
  private at(date: string, hour: number): Date {
    const key = `${date}T${hour}`;
    let ms = this.instants.get(key);
    if (ms === undefined) {
      if (this.instants.size > INSTANT_CACHE_LIMIT) this.instants.clear();
      ms = zonedInstant(date, hour, this.options.timezone).getTime();
      this.instants.set(key, ms);
    }
    return new Date(ms);
  }

  /** Inside working hours on a working day (the same rule the linter's out-of-hours check applies). */
  inWorkingHours(instant: Date): boolean {
    const date = this.localDate(instant);
    if (!this.isWorkingDay(date)) return false;
    return instant >= this.startOfBusiness(date) && instant < this.closeOfBusiness(date);
  }

  /** `instant` itself when it is inside working hours, else the start of the next working day's business. */
  nextWorkingMoment(instant: Date): Date {
    if (this.inWorkingHours(instant)) return instant;
    let date = this.localDate(instant);
    if (this.isWorkingDay(date) && instant < this.startOfBusiness(date)) return this.startOfBusiness(date);
    date = this.nthWorkingDayAfter(date, 1);
    return this.startOfBusiness(date);
  }
}

const byCouncil = new WeakMap<Council, WorkingCalendar>();

/** The council's calendar from council.yaml (`bankHolidays`, `closureDays`, `timezone`, `workingHours`). */
export function workingCalendar(council: Council): WorkingCalendar {
  let calendar = byCouncil.get(council);
  if (!calendar) {
    calendar = new WorkingCalendar({
      region: council.bankHolidays,
      closureDays: council.closureDays,
      timezone: council.timezone,
      workingHours: council.workingHours,
    });
    byCouncil.set(council, calendar);
  }
  return calendar;
}

export interface OfferTimes {
  expiresAt: Date;
  remindAt: Date[];
}

/**
 * When an offer made at `offeredAt` expires (close of business on the nth working day after it was made) and
 * when its reminders go (start of business on the given working days after it was made).
 */
export function offerTimes(calendar: WorkingCalendar, offeredAt: Date, opts: { expiryWorkingDays: number; reminderWorkingDays: number[] }): OfferTimes {
  const day = calendar.localDate(offeredAt);
  return {
    expiresAt: calendar.closeOfBusiness(calendar.nthWorkingDayAfter(day, opts.expiryWorkingDays)),
    remindAt: [...opts.reminderWorkingDays].sort((a, b) => a - b).map((n) => calendar.startOfBusiness(calendar.nthWorkingDayAfter(day, n))),
  };
}
