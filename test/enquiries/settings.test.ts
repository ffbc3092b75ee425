/** Response times from council.yaml, the protocol pack or the model setting, each with its clause quoted exactly. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCouncil } from '../../src/directory/council.js';
import { normaliseForQuote } from '../../src/directory/protocol-pack.js';
import { loadResponseTimes } from '../../src/enquiries/load.js';
import { EnquirySettingsError, alternateFor, enquirySettings, serviceOf } from '../../src/enquiries/settings.js';

const SOURCES = new URL('../../../shared/protocols/', import.meta.url);
const FILE: Record<string, string> = {
  kirklees: '000_9433a5cb417ae80c.txt',
  'north-east-derbyshire': '002_327a25df84f6bcf5.txt',
  'north-northamptonshire': '003_bd4657045e15c54f.txt',
  wiltshire: '004_67fc1837b1c940a4.txt',
};
const times = loadResponseTimes();
const base = readFileSync('examples/council.yaml', 'utf8');
const councilWith = (protocol: string, enquiries = '') =>
  parseCouncil(base.replace(/^protocol: .*$/m, `protocol: ${protocol}`).replace(/^enquiries:[\s\S]*$/m, enquiries), 'council.yaml');

describe('response times', () => {
  it('quotes every clause exactly as the protocol has it', () => {
    for (const [pack, entry] of Object.entries(times.packs)) {
      for (const clause of [entry.acknowledge, entry.answer, entry.also]) {
        if (!clause) continue;
        const text = normaliseForQuote(readFileSync(new URL(FILE[pack]!, SOURCES), 'utf8'));
        expect(text, `${pack} ${clause.ref}`).toContain(normaliseForQuote(clause.quote));
      }
    }
  });

  it("Wiltshire's pack states 2 and 10 working days (Appendix 1, H)", () => {
    const s = enquirySettings(councilWith('wiltshire'), times);
    expect(s.acknowledge).toMatchObject({ workingDays: 2, source: 'pack', clause: { protocol: 'wiltshire', ref: 'Appendix 1, H' } });
    expect(s.answer).toMatchObject({ workingDays: 10, source: 'pack' });
    expect(s.answer.clause!.quote).toMatch(/^a substantive response will be provided within ten working days/);
  });

  it('a pack that states no period gets the model setting, citing its source, and its own clause beside it', () => {
    const s = enquirySettings(councilWith('kirklees'), times);
    expect(s.acknowledge).toMatchObject({ workingDays: 2, source: 'model', clause: { protocol: 'wiltshire' } });
    expect(s.alsoCited[0]).toMatchObject({ protocol: 'kirklees', ref: '7.6' });
  });

  it("the council's own figures win", () => {
    const s = enquirySettings(councilWith('wiltshire', 'enquiries: { acknowledgeWorkingDays: 3, answerWorkingDays: 15 }'), times);
    expect(s.acknowledge).toMatchObject({ workingDays: 3, source: 'council' });
    expect(s.answer).toMatchObject({ workingDays: 15, source: 'council' });
  });

  it('refuses unknown people, an answer due before the acknowledgement and a retention that is not days', () => {
    expect(() => enquirySettings(councilWith('model', 'enquiries: { acknowledgeWorkingDays: 5, answerWorkingDays: 3 }'), times)).toThrow(EnquirySettingsError);
    expect(() => enquirySettings(councilWith('model', 'enquiries: { alternates: { o-nobody: o-reid } }'), times)).toThrow(/unknown person "o-nobody"/);
    expect(() => enquirySettings(councilWith('model', 'enquiries: { retention: 12h }'), times)).toThrow(/number of days/);
  });

  it('finds the service and the alternative contact (an absence first, then the standing one)', () => {
    const s = enquirySettings(
      parseCouncil(
        base.replace('alternates: {', 'away: [{ officer: o-nowak, from: 2026-04-06, to: 2026-04-10, alternate: o-reid }]\n  alternates: {'),
        'c.yaml',
      ),
      times,
    );
    expect(serviceOf(s, 'o-nowak')?.manager).toBe('o-murray');
    expect(alternateFor(s, 'o-nowak', '2026-04-07')).toEqual({ alternate: 'o-reid', away: true });
    expect(alternateFor(s, 'o-nowak', '2026-04-13')).toEqual({ alternate: 'o-hughes', away: false });
  });
});

describe('reloading council.yaml', () => {
  it('takes the new periods and closure days for the next enquiry', async () => {
    const { loadDetector } = await import('../../src/enquiries/load.js');
    const { reloadEnquiries } = await import('../../src/enquiries/wiring.js');
    const { EnquiryService } = await import('../../src/enquiries/service.js');
    const council = councilWith('wiltshire');
    const service = new EnquiryService({
      council,
      settings: enquirySettings(council, times),
      store: {} as never,
      detector: loadDetector(council),
      clock: () => new Date(),
      newId: () => 'enq-x',
    });
    expect(service.calendar.isWorkingDay('2026-04-07')).toBe(true);
    const closed = base.replace(/^protocol: .*$/m, 'protocol: wiltshire').replace(/^bankHolidays: .*$/m, 'bankHolidays: ENG\nclosureDays: [2026-04-07]');
    reloadEnquiries(service, parseCouncil(closed.replace(/^enquiries:[\s\S]*$/m, 'enquiries: { answerWorkingDays: 15 }')));
    expect(service.settings.answer.workingDays).toBe(15);
    expect(service.calendar.isWorkingDay('2026-04-07')).toBe(false);
    expect(() => reloadEnquiries(service, councilWith('wiltshire', 'enquiries: { alternates: { o-nobody: o-reid } }'))).toThrow(/unknown person/);
    expect(service.settings.answer.workingDays).toBe(15);
  });
});
