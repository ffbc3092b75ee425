/** The stable rule ids (PRODUCT.md). A council's config and every protocol pack refer to these. */
export const RULE_IDS = [
  'silent-copy',
  'direct-instruction',
  'political-request',
  'derogatory',
  'discrimination',
  'report-interference',
  'undue-pressure',
  'familiarity',
  'group-confidentiality',
  'group-decision',
  'personal-matter',
  'ward-members',
  'out-of-hours',
] as const;

export type RuleId = (typeof RULE_IDS)[number];
