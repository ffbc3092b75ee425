/**
 * Working days in England and Wales: Monday to Friday, not a bank holiday (date-holidays' 'GB'/'ENG' calendar,
 * substitute days included). Calendar arithmetic is done on local dates in the council's zone, then turned back
 * into instants, so a deadline is "end of the fifth working day" whatever the clocks do.
 */
import Holidays from 'date-holidays';

const calendar = new Holidays('GB', 'ENG');
const holidaysByYear = new Map<number, Set<string>>();

function bankHolidays(year: number): Set<string> {
  let set = holidaysByYear.get(year);
  if (!set) {
    set = new Set(
      (calendar.getHolidays(year) || [])
        .filter((h) => h.type === 'public' || h.type === 'bank')
        .map((h) => h.date.slice(0, 10)),
    );
    holidaysByYear.set(year, set);
  }
  return set;
}

export function isBankHoliday(date: string): boolean {
  return bankHolidays(Number(date.slice(0, 4))).has(date);
}

/** Day of week for a calendar date, 0 = Sunday. */
function weekday(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

export function isWorkingDay(date: string): boolean {
  const day = weekday(date);
  return day !== 0 && day !== 6 && !isBankHoliday(date);
}

export function addCalendarDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The nth working day after `date` (n ≥ 1; `date` itself never counts). */
export function nthWorkingDayAfter(date: string, n: number): string {
  let current = date;
  let counted = 0;
  while (counted < n) {
    current = addCalendarDays(current, 1);
    if (isWorkingDay(current)) counted++;
  }
  return current;
}

/** Working days strictly after `from` up to and including `to`. */
export function workingDaysBetween(from: string, to: string): number {
  let n = 0;
  for (let d = addCalendarDays(from, 1); d <= to; d = addCalendarDays(d, 1)) if (isWorkingDay(d)) n++;
  return n;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
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

function localParts(instant: Date, timeZone: string): { date: string; ms: number } {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(instant).map((p) => [p.type, p.value]));
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const ms = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return { date, ms };
}

/** The calendar date of an instant in a zone. */
export function localDate(instant: Date, timeZone: string): string {
  return localParts(instant, timeZone).date;
}

/** The instant at which it is `hour`:`minute` on `date` in `timeZone`. */
export function zonedInstant(date: string, hour: number, timeZone: string, minute = 0): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, hour, minute);
  // The zone's offset at a guess, then again at the corrected instant (DST changes between the two).
  let guess = wall - (localParts(new Date(wall), timeZone).ms - wall);
  guess = wall - (localParts(new Date(guess), timeZone).ms - guess);
  return new Date(guess);
}

export interface OfferTimes {
  expiresAt: Date;
  remindAt: Date[];
}

/**
 * When an offer made at `offeredAt` expires (close of business on the nth working day after it was made) and
 * when its reminders go (start of business on the given working days after it was made).
 */
export function offerTimes(
  offeredAt: Date,
  opts: { expiryWorkingDays: number; reminderWorkingDays: number[]; timeZone: string; workingHours: { start: number; end: number } },
): OfferTimes {
  const day = localDate(offeredAt, opts.timeZone);
  return {
    expiresAt: zonedInstant(nthWorkingDayAfter(day, opts.expiryWorkingDays), opts.workingHours.end, opts.timeZone),
    remindAt: [...opts.reminderWorkingDays]
      .sort((a, b) => a - b)
      .map((n) => zonedInstant(nthWorkingDayAfter(day, n), opts.workingHours.start, opts.timeZone)),
  };
}
