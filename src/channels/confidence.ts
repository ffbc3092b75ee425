/**
 * How every channel says how sure Probity is, in the same plain words: a finding's `confidence` (a calibrated
 * probability, 0–1) as a band and a percentage, "Probity is fairly sure (82%)". The bands are also what the
 * audit groups and filters by. Pure, and plain ES2016 library calls only: the Outlook handler bundles it.
 */
import type { ConfidenceStage } from '../directory/council.js';

export type ConfidenceBand = 'very-sure' | 'fairly-sure' | 'likely' | 'unsure';

/** Most sure first. A band holds the confidences from its `min` (as a rounded percentage) up to the next band's. */
export const CONFIDENCE_BANDS: ReadonlyArray<{ band: ConfidenceBand; min: number; label: string; phrase: string; range: string }> = [
  { band: 'very-sure', min: 90, label: 'very sure', phrase: 'is very sure', range: '90–100%' },
  { band: 'fairly-sure', min: 70, label: 'fairly sure', phrase: 'is fairly sure', range: '70–89%' },
  { band: 'likely', min: 50, label: 'likely', phrase: 'thinks it likely', range: '50–69%' },
  { band: 'unsure', min: 0, label: 'unsure', phrase: 'is unsure', range: 'under 50%' },
];

export const STAGES: readonly ConfidenceStage[] = ['post-send', 'pre-send', 'audit'];

/** 0.823 → 82. Out-of-range or missing values are clamped, so a rendering never says "NaN%". */
export function confidencePercent(confidence: number): number {
  if (typeof confidence !== 'number' || !(confidence >= 0)) return 0;
  return Math.round(Math.min(confidence, 1) * 100);
}

export function confidenceBand(confidence: number): ConfidenceBand {
  return bandOf(confidence).band;
}

/** The band's row in CONFIDENCE_BANDS. */
export function bandOf(confidence: number): (typeof CONFIDENCE_BANDS)[number] {
  const percent = confidencePercent(confidence);
  for (const b of CONFIDENCE_BANDS) if (percent >= b.min) return b;
  return CONFIDENCE_BANDS[CONFIDENCE_BANDS.length - 1]!;
}

/** "is very sure (93%)", "thinks it likely (61%)": the phrase without its subject. */
export function confidenceWords(confidence: number): string {
  return `${bandOf(confidence).phrase} (${confidencePercent(confidence)}%)`;
}

/** "Probity is fairly sure (82%)". */
export function confidenceSentence(confidence: number): string {
  return `Probity ${confidenceWords(confidence)}`;
}

export function isStage(value: unknown): value is ConfidenceStage {
  return typeof value === 'string' && (STAGES as readonly string[]).indexOf(value) >= 0;
}

/** Parse a 0–1 threshold given by a person (a CLI option, a query string): undefined when it is not one. */
export function parseConfidence(value: string): number | undefined {
  if (!/^\s*(?:0(?:\.\d+)?|1(?:\.0+)?|\.\d+)\s*$/.test(value)) return undefined;
  const n = Number(value);
  return n >= 0 && n <= 1 ? n : undefined;
}
