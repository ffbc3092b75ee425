/** Every rule, in the order PRODUCT.md lists them. Explicit, so nothing is loaded by magic. */
import type { Rule } from '../rule.js';
import { rule as silentCopy } from './silent-copy.js';
import { rule as directInstruction } from './direct-instruction.js';
import { rule as politicalRequest } from './political-request.js';
import { rule as derogatory } from './derogatory.js';
import { rule as discrimination } from './discrimination.js';
import { rule as reportInterference } from './report-interference.js';
import { rule as unduePressure } from './undue-pressure.js';
import { rule as familiarity } from './familiarity.js';
import { rule as groupConfidentiality } from './group-confidentiality.js';
import { rule as groupDecision } from './group-decision.js';
import { rule as personalMatter } from './personal-matter.js';
import { rule as wardMembers } from './ward-members.js';
import { rule as outOfHours } from './out-of-hours.js';

export const RULES: readonly Rule[] = [
  silentCopy,
  directInstruction,
  politicalRequest,
  derogatory,
  discrimination,
  reportInterference,
  unduePressure,
  familiarity,
  groupConfidentiality,
  groupDecision,
  personalMatter,
  wardMembers,
  outOfHours,
];
