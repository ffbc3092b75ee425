/**
 * Where a finding is shown decides how sure Probity must be: a warning pushed after a message is posted needs the
 * most, a check the writer asked for less, the audit none (it shows every finding with its confidence).
 */
import type { Council, ConfidenceStage } from '../directory/council.js';
import type { Finding } from './types.js';

export type { ConfidenceStage };

/** The council's threshold for a stage. */
export function thresholdFor(council: Council, stage: ConfidenceStage): number {
  return council.confidence[stage];
}

/** The findings sure enough to show at this stage. Findings Probity raises about the input itself always pass. */
export function atConfidence<F extends Pick<Finding, 'confidence' | 'rule'>>(findings: readonly F[], council: Council, stage: ConfidenceStage): F[] {
  const min = thresholdFor(council, stage);
  return findings.filter((f) => f.rule === 'input-truncated' || f.confidence >= min);
}
