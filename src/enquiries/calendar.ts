/**
 * The council's working days for enquiries: Monday to Friday, not a bank holiday of its part of the UK
 * (date-holidays' GB regions, substitute days included), not a closure day from council.yaml. Dates are local
 * calendar dates in the council's zone; instants are made with the briefing calendar's zone arithmetic.
 */
import Holidays from 'date-holidays';
import { addCalendarDays, localDate, zonedInstant } from '../briefings/working-days.js';

export { addCalendarDays, localDate, zonedInstant };

const byRegionYear = new Map<string, Set<string>>();
/** Days of instants kept (about 27 years of two per day): plenty, and bounded. */
const INSTANT_CACHE_LIMIT = 20_000;

function bankHolidays(region: string, year: number): Set<string> {
  const key = `${region}:${year}`;
  let set = byRegionYear.get(key);
  if (!set) {
    const calendar = new Holidays('GB', region);
    set = new Set((calendar.getHolidays(year) || []).filter((h) => h.type === 'public' || h.type === 'bank').map((h) => h.date.slice(0, 10)));
    byRegionYear.set(key, set);
  }
  return set;
}

function weekday(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

export interface CalendarOptions {
  region: string;
  closureDays: readonly string[];
  timezone: string;
  workingHours: { start: number; end: number };
}

export class WorkingCalendar {
  private readonly closures: Set<string>;

  constructor(readonly options: CalendarOptions) {
    this.closures = new Set(options.closureDays);
  }

  isBankHoliday(date: string): boolean {
    return bankHolidays(this.options.region, Number(date.slice(0, 4))).has(date);
  }

  isWorkingDay(date: string): boolean {
    const day = weekday(date);
    return day !== 0 && day !== 6 && !this.isBankHoliday(date) && !this.closures.has(date);
  }

  /** The nth working day after `date` (n ≥ 1; `date` itself never counts: "within n working days of receipt"). */
  nthWorkingDayAfter(date: string, n: number): string {
    let current = date;
    for (let counted = 0; counted < n; ) {
      current = addCalendarDays(current, 1);
      if (this.isWorkingDay(current)) counted++;
    }
    return current;
  }

  /** The nth working day before `date` (n ≥ 0; 0 is `date` itself, or the working day before it if it is not one). */
  nthWorkingDayBefore(date: string, n: number): string {
    let current = date;
    while (!this.isWorkingDay(current)) current = addCalendarDays(current, -1);
    for (let counted = 0; counted < n; ) {
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
