/**
 * The date an officer's reply promises ("by Friday 24 April", "on 24/04", "by the end of next week"): the first
 * such date after the day the reply was written. Pure, English (UK) day-month order.
 */
import { addCalendarDays, weekday } from '../directory/working-days.js';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTH = '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const DAY_MONTH = new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?(?:\\s+of)?\\s+${MONTH}\\b(?:,?\\s+(\\d{4}))?`, 'gi');
const MONTH_DAY = new RegExp(`\\b${MONTH}\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b(?:,?\\s+(\\d{4}))?`, 'gi');
const NUMERIC = /\b(\d{1,2})\/(\d{1,2})(?:\/(\d{2}|\d{4}))?\b/g;
const WEEKDAY = /\b(next\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b/gi;
const END_OF_WEEK = /\b(?:the\s+)?end of (this|the|next) week\b/gi;

function iso(y: number, m: number, d: number): string | undefined {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  return date.toISOString().slice(0, 10);
}

/** Past dates within this many days are the past ("on 3 April", written on the 17th), not next year's. */
const RECENT_PAST_DAYS = 60;

/** A dated day without a year is the next one after `from` (a reply in December promising "5 January"). */
function withYear(from: string, m: number, d: number, year?: number): string | undefined {
  const y0 = Number(from.slice(0, 4));
  if (year) return iso(year < 100 ? 2000 + year : year, m, d);
  const same = iso(y0, m, d);
  if (!same || same >= from || addCalendarDays(same, RECENT_PAST_DAYS) >= from) return same;
  return iso(y0 + 1, m, d);
}

/** Every date the text names, in order of appearance, each as a calendar date after `from` (the reply's day). */
export function datesIn(text: string, from: string): { date: string; index: number }[] {
  const found: { date: string; index: number }[] = [];
  for (const m of text.matchAll(DAY_MONTH)) {
    const d = withYear(from, MONTHS.indexOf(m[2]!.slice(0, 3).toLowerCase()) + 1, Number(m[1]), m[3] ? Number(m[3]) : undefined);
    if (d) found.push({ date: d, index: m.index });
  }
  for (const m of text.matchAll(MONTH_DAY)) {
    if (found.some((f) => Math.abs(f.index - m.index) < 4)) continue;
    const d = withYear(from, MONTHS.indexOf(m[1]!.slice(0, 3).toLowerCase()) + 1, Number(m[2]), m[3] ? Number(m[3]) : undefined);
    if (d) found.push({ date: d, index: m.index });
  }
  for (const m of text.matchAll(NUMERIC)) {
    const d = withYear(from, Number(m[2]), Number(m[1]), m[3] ? Number(m[3]) : undefined);
    if (d) found.push({ date: d, index: m.index });
  }
  for (const m of text.matchAll(WEEKDAY)) {
    // "Friday 24 April" is one date: the weekday beside a dated day adds nothing.
    if (found.some((f) => f.index > m.index && f.index - m.index < 14)) continue;
    const target = DAYS.indexOf(m[2]!.toLowerCase());
    let ahead = (target - weekday(from) + 7) % 7 || 7;
    if (m[1]) ahead += 7;
    found.push({ date: addCalendarDays(from, ahead), index: m.index });
  }
  for (const m of text.matchAll(END_OF_WEEK)) {
    let ahead = (5 - weekday(from) + 7) % 7;
    if (m[1]!.toLowerCase() === 'next') ahead += 7;
    found.push({ date: addCalendarDays(from, ahead), index: m.index });
  }
  return found.filter((f) => f.date > from).sort((a, b) => a.index - b.index);
}
