/**
 * Durations in council.yaml: a whole number and one unit, `90d`, `12h`, `30m`, `45s`. Deliberately narrower than
 * the `ms` package (which also takes `1.5h`, `-1d`, `2 weeks` and a bare number as milliseconds): a retention
 * period written in a policy file should mean one thing to everyone who reads it.
 */

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 } as const;

/** Milliseconds for `<n>d|h|m|s` with n ≥ 1, or undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  const m = /^([1-9][0-9]{0,8})\s*([dhms])$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}
