/** CSV for spreadsheets: RFC 4180 that parses back to the same rows, and no cell a spreadsheet would run. */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { RegisterRow } from '../src/briefings/views.js';
import { registerCsv } from '../src/briefings/views.js';
import { neutraliseCell, toCsv } from '../src/export/csv.js';

/** What a spreadsheet would run: a cell (split on the given separator) whose text starts with a formula sign. */
const TRIGGER = /^[=+\-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20]/;
function runnableCells(csv: string, delimiter: string): string[] {
  const rows = parse(csv, { delimiter, relax_quotes: true, relax_column_count: true, record_delimiter: ['\r\n'] }) as string[][];
  return rows
    .flat()
    .flatMap((cell) => cell.split(/\r\n|\n|\r/))
    .map((c) => c.trimStart())
    .filter((c) => TRIGGER.test(c));
}

const HOSTILE = [
  '\n=HYPERLINK("http://evil.example","Room 1")',
  'Room 1;=HYPERLINK("http://evil.example")',
  'Room 1, @SUM(A1:A9)',
  "Room 1 | +1+cmd|' /C calc'!A0",
  '\t-2+3',
  '\r=1',
  'Hall\n=1+1',
  '＝1+1',
  'Room; \t=1',
];

const row = (venues: string): RegisterRow => ({
  roundId: 'rd-1',
  requestId: 'br-1',
  title: 'Flood defences',
  openedAt: '2026-12-01T09:00:00.000Z',
  roundStatus: 'open',
  party: 'labour',
  partyName: 'Labour Group',
  offerKind: 'standard',
  requester: false,
  offerStatus: 'accepted',
  offeredAt: '2026-12-01T09:00:00.000Z',
  expiresAt: '2026-12-08T18:00:00.000Z',
  respondedAt: '',
  sessions: 1,
  sessionTimes: '2026-12-09T17:00:00.000Z/2026-12-09T18:00:00.000Z',
  venues,
  officers: 'o-hughes',
  materialVersions: 'v1',
  materialSha256: 'ab',
  materialConsistent: true,
  delivery: 'email sent',
  noticesSent: 1,
  noticesPending: 0,
  noticesFailed: 0,
  noticesUndeliverable: 0,
  followUps: 0,
});

describe('CSV for spreadsheets', () => {
  it('neutralises a formula at the start of a cell and after any separator a spreadsheet might split on', () => {
    expect(neutraliseCell('=1+1')).toBe("'=1+1");
    expect(neutraliseCell('\n=1+1')).toBe("'\n'=1+1");
    expect(neutraliseCell('Room 1;=HYPERLINK("x")')).toBe('Room 1;\'=HYPERLINK("x")');
    expect(neutraliseCell('Committee Room 2, Civic Centre')).toBe('Committee Room 2, Civic Centre');
    expect(neutraliseCell('2026-12-01T17:00:00Z')).toBe('2026-12-01T17:00:00Z');
  });

  it('writes the register so that no cell runs, whether opened with commas, semicolons or tabs', () => {
    const csv = registerCsv(HOSTILE.map(row));
    for (const delimiter of [',', ';', '\t', '|']) expect(runnableCells(csv, delimiter), delimiter).toEqual([]);
    // And it is still the same data, read back as CSV: each venue keeps its text after the apostrophes.
    const back = parse(csv, { columns: true }) as Record<string, string>[];
    expect(back).toHaveLength(HOSTILE.length);
    back.forEach((r, i) => expect(r.venues!.replace(/'/g, '')).toBe(HOSTILE[i]!.replace(/'/g, '')));
    expect(back[0]!.sessions).toBe('1');
  });

  it('quotes as RFC 4180 asks: commas, quotes, line breaks and semicolons', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          ['a;b', 'c\nd'],
          [null, 3],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n"a;b","c\nd"\r\n,3\r\n');
  });
});
