/**
 * The API's `date-time` format: RFC 3339 as ajv-formats checks it (real calendar dates, offsets), and also a time
 * JavaScript can hold. RFC 3339 allows a leap second ("2026-12-31T23:59:60Z"), but `Date` cannot represent one, so
 * it used to pass validation and fail later as a 500. Such a value is now a 400 naming the field.
 */

/** The part of Ajv this needs (Fastify's `ajv.onCreate` hands over its private instance). */
interface FormatRegistry {
  formats: Record<string, unknown>;
  addFormat(name: string, format: { type: 'string'; validate: (value: string) => boolean }): unknown;
}

function check(format: unknown): (value: string) => boolean {
  const v = format && typeof format === 'object' && !(format instanceof RegExp) ? (format as { validate?: unknown }).validate : format;
  if (v instanceof RegExp) return (value) => v.test(value);
  if (typeof v === 'function') return (value) => (v as (s: string) => boolean)(value) === true;
  throw new Error('date-time: the validator has no date-time format to narrow (ajv-formats not loaded)');
}

/** Narrows the `date-time` format already on the app's validator (ajv-formats) to times a `Date` can hold. */
export function useDateTimeFormat(ajv: FormatRegistry): void {
  const rfc3339 = check(ajv.formats['date-time']);
  ajv.addFormat('date-time', { type: 'string', validate: (value) => rfc3339(value) && Number.isFinite(Date.parse(value)) });
}

/** One line for a value that fails it: what was expected and why a leap second is refused. */
export function dateTimeMessage(where: string): string {
  return `${where} must be a date and time like 2026-12-01T17:00:00Z (a real calendar date; a leap second, :60, is not accepted)`;
}
