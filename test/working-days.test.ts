/**
 * The council's one working-day calendar (src/directory/working-days.ts), used by briefings and enquiries alike:
 * bank holidays of the part of the UK council.yaml names (`bankHolidays`), its closure days (`closureDays`), and
 * local dates in its zone across clock changes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCouncil } from '../src/directory/council.js';
import { localDate, offerTimes, WorkingCalendar, workingCalendar, zonedInstant, zonedParts, type BankHolidayRegion } from '../src/directory/working-days.js';
import { loadResponseTimes } from '../src/enquiries/load.js';
import { enquirySettings, EnquirySettingsError } from '../src/enquiries/settings.js';
import { actors, LABOUR_REQUEST, service } from './briefings/fixtures.js';

const calendar = (region: BankHolidayRegion = 'ENG', closureDays: string[] = []) =>
  new WorkingCalendar({ region, closureDays, timezone: 'Europe/London', workingHours: { start: 8, end: 18 } });
const FIVE_DAYS = { expiryWorkingDays: 5, reminderWorkingDays: [3] };
const example = readFileSync(new URL('../examples/council.yaml', import.meta.url), 'utf8');
/** The example council with its calendar lines replaced. */
const councilWith = (calendarYaml: string) => parseCouncil(example.replace(/^bankHolidays: .*$/m, calendarYaml));

describe('working days (England and Wales by default)', () => {
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
    ['2027-08-02', true, "Scotland's summer holiday is not England's"],
  ])('%s is a working day: %s (%s)', (date, expected) => {
    expect(calendar().isWorkingDay(date)).toBe(expected);
  });

  it('counts working days across Christmas and Easter', () => {
    // Fri 18 Dec 2026 → Mon 21, Tue 22, Wed 23, Thu 24, (25, 26, 27, 28 off), Tue 29.
    expect(calendar().nthWorkingDayAfter('2026-12-18', 5)).toBe('2026-12-29');
    expect(calendar().workingDaysBetween('2026-12-18', '2026-12-29')).toBe(5);
    expect(calendar().nthWorkingDayAfter('2027-03-25', 1)).toBe('2027-03-30');
    // Received Thursday 2 April 2026: acknowledged by Wednesday 8, answered by Monday 20.
    expect(calendar().nthWorkingDayAfter('2026-04-02', 2)).toBe('2026-04-08');
    expect(calendar().nthWorkingDayAfter('2026-04-02', 10)).toBe('2026-04-20');
  });

  it('turns local wall time into the right instant on both sides of a clock change', () => {
    expect(zonedInstant('2027-03-26', 18, 'Europe/London').toISOString()).toBe('2027-03-26T18:00:00.000Z'); // GMT
    expect(zonedInstant('2027-03-30', 18, 'Europe/London').toISOString()).toBe('2027-03-30T17:00:00.000Z'); // BST
    expect(localDate(new Date('2027-06-30T23:30:00Z'), 'Europe/London')).toBe('2027-07-01');
    expect(calendar().nextWorkingMoment(new Date('2026-03-27T19:30:00Z')).toISOString()).toBe('2026-03-30T07:00:00.000Z');
    expect(calendar().nextWorkingMoment(new Date('2026-03-30T10:00:00Z')).toISOString()).toBe('2026-03-30T10:00:00.000Z');
    expect(calendar().closeOfBusiness('2026-04-08').toISOString()).toBe('2026-04-08T17:00:00.000Z');
  });

  it('counts back from a due date to the reminder day', () => {
    expect(calendar().nthWorkingDayBefore('2026-04-08', 1)).toBe('2026-04-07');
    expect(calendar().nthWorkingDayBefore('2026-04-07', 1)).toBe('2026-04-02');
  });

  it("sets an offer's expiry at close of business on the nth working day, reminders at start of business, from the local date", () => {
    const t = offerTimes(calendar(), new Date('2026-12-18T10:00:00Z'), FIVE_DAYS);
    expect(t.expiresAt.toISOString()).toBe('2026-12-29T18:00:00.000Z');
    expect(t.remindAt.map((d) => d.toISOString())).toEqual(['2026-12-23T08:00:00.000Z']);
    // 23:30 UTC on Sunday 28 March 2027 is 00:30 BST on Monday 29 (Easter Monday): count from Monday.
    expect(offerTimes(calendar(), new Date('2027-03-28T23:30:00Z'), { ...FIVE_DAYS, expiryWorkingDays: 1 }).expiresAt.toISOString()).toBe(
      '2027-03-30T17:00:00.000Z',
    );
  });
});

describe("an instant's date and time in a zone (zonedParts, for the calendar and the out-of-hours rule alike)", () => {
  it('reads the wall clock on each side of a clock change, with the weekday and HH:MM', () => {
    // Clocks go forward at 01:00 GMT on Sunday 29 March 2026.
    expect(zonedParts(new Date('2026-03-29T00:30:00Z'), 'Europe/London')).toEqual({
      date: '2026-03-29',
      year: 2026,
      month: 3,
      day: 29,
      hour: 0,
      minute: 30,
      second: 0,
      time: '00:30',
      weekday: 'Sunday',
    });
    expect(zonedParts(new Date('2026-03-29T01:30:05Z'), 'Europe/London')).toMatchObject({ hour: 2, minute: 30, second: 5, time: '02:30' });
    // 23:15 UTC on Friday is already Saturday in Auckland; midnight is hour 0, never 24.
    expect(zonedParts(new Date('2026-03-06T23:15:00Z'), 'Pacific/Auckland')).toMatchObject({ date: '2026-03-07', weekday: 'Saturday', time: '12:15' });
    expect(zonedParts(new Date('2026-07-01T23:00:00Z'), 'Europe/London')).toMatchObject({ date: '2026-07-02', hour: 0, time: '00:00', weekday: 'Thursday' });
  });
});

describe('Scotland, Northern Ireland and closure days', () => {
  it.each([
    ['SCT', '2026-11-30', false, "St Andrew's Day (substitute)"],
    ['ENG', '2026-11-30', true, "St Andrew's Day is not England's"],
    ['SCT', '2026-04-06', true, 'Easter Monday is not a Scottish bank holiday'],
    ['SCT', '2027-01-04', false, '2 January (substitute)'],
    ['SCT', '2027-08-02', false, 'Summer bank holiday (Scotland)'],
    ['SCT', '2027-08-30', true, "England's summer bank holiday"],
    ['NIR', '2027-03-17', false, "St Patrick's Day"],
    ['NIR', '2027-07-12', false, 'Battle of the Boyne'],
    ['ENG', '2027-07-12', true, 'the Twelfth is not an English holiday'],
    ['WLS', '2027-08-30', false, 'Summer bank holiday (Wales)'],
  ] as [BankHolidayRegion, string, boolean, string][])('%s %s is a working day: %s (%s)', (region, date, expected) => {
    expect(calendar(region).isWorkingDay(date)).toBe(expected);
  });

  it('skips closure days', () => {
    const cal = calendar('ENG', ['2026-12-29', '2026-12-30', '2026-12-31']);
    expect(cal.nthWorkingDayAfter('2026-12-24', 1)).toBe('2027-01-04');
    expect(cal.isClosureDay('2026-12-30')).toBe(true);
  });

  it('takes the calendar from council.yaml, and refuses a region it does not know in one line', () => {
    const scots = workingCalendar(councilWith('bankHolidays: SCT\nclosureDays: [2027-07-30]'));
    expect(scots.isWorkingDay('2027-08-02')).toBe(false);
    expect(scots.isWorkingDay('2027-07-30')).toBe(false);
    expect(workingCalendar(parseCouncil(example.replace(/^bankHolidays: .*\n/m, ''))).options.region).toBe('ENG');
    expect(() => councilWith('bankHolidays: Scotland')).toThrow(
      /^council\.yaml: line \d+: bankHolidays: must be one of ENG, WLS, SCT, NIR \(got "Scotland"\)$/,
    );
    expect(() => councilWith('bankHolidays: ENG\nclosureDays: [next Friday]')).toThrow(/closureDays\.0: must be a date like 2026-12-29/);
  });

  it("gives a briefing offer made in Northern Ireland its deadline past the Twelfth, and the same council's enquiries the same days", async () => {
    const council = councilWith('bankHolidays: NIR\nclosureDays: [2027-07-13]');
    // Offered Thu 8 July 2027: Fri 9, Mon 12 (the Twelfth) off, Tue 13 closed, Wed 14, Thu 15, Fri 16, Mon 19.
    const { svc, clock } = service({ council });
    (clock as unknown as { set(iso: string): void }).set('2027-07-08T10:00:00Z');
    const request = await svc.request(actors.labourLeader, LABOUR_REQUEST);
    const { round } = await svc.decide(actors.authoriser, request.id, { decision: 'approve' });
    const view = await svc.roundView(round!.id);
    const offer = view.offers.find((o) => o.party.id === 'conservative')!;
    expect(offer.expiresAt).toBe('2027-07-19T17:00:00.000Z');
    // In England the same offer closes on Thu 15 July.
    const english = service({ council: councilWith('bankHolidays: ENG') });
    (english.clock as unknown as { set(iso: string): void }).set('2027-07-08T10:00:00Z');
    const req2 = await english.svc.request(actors.labourLeader, LABOUR_REQUEST);
    const decided = await english.svc.decide(actors.authoriser, req2.id, { decision: 'approve' });
    expect((await english.svc.roundView(decided.round!.id)).offers.find((o) => o.party.id === 'conservative')!.expiresAt).toBe('2027-07-15T17:00:00.000Z');

    // Enquiries count on the same calendar: received Fri 9 July, Mon 12 and Tue 13 are off, so 2 working days on is Thu 15.
    const { EnquiryService } = await import('../src/enquiries/service.js');
    const { loadDetector } = await import('../src/enquiries/load.js');
    const enquiries = new EnquiryService({
      council,
      settings: enquirySettings(council, loadResponseTimes()),
      store: {} as never,
      detector: loadDetector(council),
      clock: () => new Date(),
      newId: () => 'enq-x',
    });
    expect(enquiries.calendar).toBe(workingCalendar(council));
    expect(enquiries.calendar.nthWorkingDayAfter('2027-07-09', 2)).toBe('2027-07-15');
  });

  it('refuses the old per-enquiries calendar settings, saying where they go now', () => {
    const old = parseCouncil(example.replace(/^enquiries:\n/m, 'enquiries:\n  region: SCT\n'));
    expect(() => enquirySettings(old, loadResponseTimes())).toThrow(EnquirySettingsError);
    expect(() => enquirySettings(old, loadResponseTimes())).toThrow(
      'enquiries.region: set bankHolidays at the top of council.yaml instead, where briefings and enquiries share one working-day calendar',
    );
  });
});
