import { describe, expect, it } from 'vitest';
import { WorkingCalendar } from '../../src/enquiries/calendar.js';

const london = (region = 'ENG', closureDays: string[] = []) => new WorkingCalendar({ region, closureDays, timezone: 'Europe/London', workingHours: { start: 8, end: 18 } });

describe('working calendar', () => {
  it('counts Easter 2026 out: received Thursday 2 April, acknowledged by Wednesday 8, answered by Monday 20', () => {
    const cal = london();
    expect(cal.nthWorkingDayAfter('2026-04-02', 2)).toBe('2026-04-08');
    expect(cal.nthWorkingDayAfter('2026-04-02', 10)).toBe('2026-04-20');
  });

  it('knows bank holidays by region: St Andrew’s Day in Scotland, Easter Monday not', () => {
    expect(london('SCT').isWorkingDay('2026-11-30')).toBe(false);
    expect(london('ENG').isWorkingDay('2026-11-30')).toBe(true);
    expect(london('SCT').isWorkingDay('2026-04-06')).toBe(true);
    expect(london('ENG').isWorkingDay('2026-04-06')).toBe(false);
  });

  it('skips closure days', () => {
    const cal = london('ENG', ['2026-12-29', '2026-12-30', '2026-12-31']);
    expect(cal.nthWorkingDayAfter('2026-12-24', 1)).toBe('2027-01-04');
  });

  it('moves a moment out of hours to the next start of business, in London time across the clock change', () => {
    const cal = london();
    expect(cal.nextWorkingMoment(new Date('2026-03-27T19:30:00Z')).toISOString()).toBe('2026-03-30T07:00:00.000Z');
    expect(cal.nextWorkingMoment(new Date('2026-03-30T10:00:00Z')).toISOString()).toBe('2026-03-30T10:00:00.000Z');
    expect(cal.closeOfBusiness('2026-04-08').toISOString()).toBe('2026-04-08T17:00:00.000Z');
  });

  it('counts back from a due date to the reminder day', () => {
    expect(london().nthWorkingDayBefore('2026-04-08', 1)).toBe('2026-04-07');
    expect(london().nthWorkingDayBefore('2026-04-07', 1)).toBe('2026-04-02');
  });
});
