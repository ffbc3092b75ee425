import { describe, expect, it } from 'vitest';
import {
  isWorkingDay,
  localDate,
  nthWorkingDayAfter,
  offerTimes,
  workingDaysBetween,
  zonedInstant,
} from '../../src/briefings/working-days.js';

const opts = { expiryWorkingDays: 5, reminderWorkingDays: [3], timeZone: 'Europe/London', workingHours: { start: 8, end: 18 } };

describe('working days (England and Wales)', () => {
  it.each([
    ['2026-11-24', true, 'a Tuesday'],
    ['2026-11-28', false, 'a Saturday'],
    ['2026-11-29', false, 'a Sunday'],
    ['2026-12-25', false, 'Christmas Day'],
    ['2026-12-28', false, 'Boxing Day substitute'],
    ['2027-03-26', false, 'Good Friday'],
    ['2027-03-29', false, 'Easter Monday'],
    ['2027-05-03', false, 'Early May bank holiday'],
    ['2027-08-30', false, 'Summer bank holiday (England, not Scotland)'],
    ['2027-08-02', true, 'Scotland\'s summer holiday is not England\'s'],
  ])('%s is a working day: %s (%s)', (date, expected) => {
    expect(isWorkingDay(date)).toBe(expected);
  });

  it('counts working days across Christmas', () => {
    // Fri 18 Dec 2026 → Mon 21, Tue 22, Wed 23, Thu 24, (25, 26, 27, 28 off), Tue 29.
    expect(nthWorkingDayAfter('2026-12-18', 5)).toBe('2026-12-29');
    expect(workingDaysBetween('2026-12-18', '2026-12-29')).toBe(5);
  });

  it('counts working days across Easter', () => {
    expect(nthWorkingDayAfter('2027-03-25', 1)).toBe('2027-03-30');
  });

  it('turns local wall time into the right instant on both sides of a clock change', () => {
    expect(zonedInstant('2027-03-26', 18, 'Europe/London').toISOString()).toBe('2027-03-26T18:00:00.000Z'); // GMT
    expect(zonedInstant('2027-03-30', 18, 'Europe/London').toISOString()).toBe('2027-03-30T17:00:00.000Z'); // BST
    expect(localDate(new Date('2027-06-30T23:30:00Z'), 'Europe/London')).toBe('2027-07-01');
  });

  it('sets an offer\'s expiry at close of business on the nth working day, reminders at start of business', () => {
    const t = offerTimes(new Date('2026-12-18T10:00:00Z'), opts);
    expect(t.expiresAt.toISOString()).toBe('2026-12-29T18:00:00.000Z');
    expect(t.remindAt.map((d) => d.toISOString())).toEqual(['2026-12-23T08:00:00.000Z']);
  });

  it('counts from the local date, not the UTC one', () => {
    // 23:30 UTC on Sunday 28 March 2027 is 00:30 BST on Monday 29 (Easter Monday): count from Monday.
    const t = offerTimes(new Date('2027-03-28T23:30:00Z'), { ...opts, expiryWorkingDays: 1 });
    expect(t.expiresAt.toISOString()).toBe('2027-03-30T17:00:00.000Z');
  });
});
