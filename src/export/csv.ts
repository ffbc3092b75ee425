/**
 * CSV for people to open in a spreadsheet (the briefings register, the enquiries export): RFC 4180 through
 * csv-stringify (quotes, doubled quotes, CRLF), and every cell neutralised against formula injection (OWASP "CSV
 * Injection", CWE-1236) before it is written.
 *
 * csv-stringify's own `escape_formulas` only looks at a cell's first character and misses a line feed; a
 * spreadsheet that splits on another separator (Excel in a locale whose list separator is ";", a tab or a line
 * feed on import) also starts new cells inside a value. So a cell gets a leading apostrophe when it starts with
 * = + - @ (or their full-width forms), a tab, CR or LF; and so does every part of it after a , ; | tab CR or LF
 * (and any spaces) that starts with = + - @, which turns "Room 1;=HYPERLINK(…)" into "Room 1;'=HYPERLINK(…)";
 * and a cell with a ";" is quoted, as OWASP advises (as is one with a bare line feed, which csv-stringify leaves
 * unquoted when rows end in CRLF).
 */
import { stringify } from 'csv-stringify/sync';

const AT_START = /^[=+\-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20]/;
const AFTER_SEPARATOR = /([,;|\t\r\n][ \t]*)(?=[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/g;

/** A cell's text as a spreadsheet will show it as text, never run it. */
export function neutraliseCell(value: string): string {
  const inner = value.replace(AFTER_SEPARATOR, "$1'");
  return AT_START.test(inner) ? `'${inner}` : inner;
}

/** A header row and rows of cells (strings, numbers, booleans; null and undefined are empty) as CSV text. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const text = (v: unknown) => neutraliseCell(v === null || v === undefined ? '' : String(v));
  return stringify([header.map(text), ...rows.map((r) => r.map(text))], { record_delimiter: 'windows', quoted_match: /[;\r\n]/ });
}
