/**
 * The `briefings:` record of council.yaml, validated here (the directory loader keeps it opaque). Who receives
 * requests and who authorises them comes from `designated`; everything else has a default that follows the
 * protocols, so a council with no `briefings:` record still works.
 */
import { z } from 'zod';
import { describeIssues, type Council } from '../directory/council.js';

const isoDate = z.preprocess(
  (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v),
  z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2027-04-01'),
);

export const briefingSettingsSchema = z
  .object({
    /** Working days a group has to take up an offer. */
    offerExpiryWorkingDays: z.number().int().min(1).max(60).default(5),
    /** Working days after the offer on which an unanswered group is reminded. */
    reminderWorkingDays: z.array(z.number().int().min(1)).default([3]),
    /** How members outside any group (or in a one-member group) are offered briefings. */
    independents: z.enum(['none', 'individual', 'joint']).default('none'),
    /** Fewer members than this is not a group (a one-member "group" is not a group). */
    minGroupMembers: z.number().int().min(2).default(2),
    preElectionPeriods: z.array(z.object({ name: z.string().min(1), start: isoDate, end: isoDate }).strict()).default([]),
    /** What happens to a request made in a pre-election period: deferred (the default) or left for decision. */
    preElection: z.enum(['defer', 'allow']).default('defer'),
    /** Who may decide; defaults to `designated.authoriser`. */
    authorisers: z.array(z.string().min(1)).optional(),
    channels: z.array(z.enum(['email', 'slack'])).default(['email', 'slack']),
  })
  .strict();

export interface BriefingSettings extends z.infer<typeof briefingSettingsSchema> {
  recipient: string;
  authorisers: string[];
  chiefExecutive: string;
  monitoringOfficer?: string;
  timezone: string;
  workingHours: { start: number; end: number };
}

export class BriefingSettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`briefings settings: ${problems.join('; ')}`);
    this.name = 'BriefingSettingsError';
  }
}

export function briefingSettings(council: Council): BriefingSettings {
  const parsed = briefingSettingsSchema.safeParse(council.briefings ?? {});
  if (!parsed.success) {
    throw new BriefingSettingsError(
      describeIssues(parsed.error.issues, council.briefings ?? {}).map(({ path, message }) => `${['briefings', ...path].join('.')}: ${message}`),
    );
  }
  const s = parsed.data;
  const problems: string[] = [];
  const recipient = council.designated.briefingRecipient ?? council.designated.chiefExecutive;
  if (!recipient) problems.push('designated.briefingRecipient (or chiefExecutive) must name who receives briefing requests');
  const authorisers = s.authorisers ?? (council.designated.authoriser ? [council.designated.authoriser] : []);
  if (authorisers.length === 0) problems.push('designated.authoriser (or briefings.authorisers) must name who authorises briefings');
  for (const who of authorisers) {
    const p = council.byId.get(who);
    if (!p) problems.push(`briefings.authorisers: unknown person "${who}"`);
    else if (p.role !== 'officer') problems.push(`briefings.authorisers: "${who}" is not an officer`);
  }
  const chiefExecutive = council.designated.chiefExecutive ?? recipient;
  for (const day of s.reminderWorkingDays) {
    if (day >= s.offerExpiryWorkingDays) {
      problems.push(`briefings.reminderWorkingDays: ${day} is not before the offer expires (${s.offerExpiryWorkingDays} working days)`);
    }
  }
  for (const [i, p] of s.preElectionPeriods.entries()) {
    if (p.end < p.start) problems.push(`briefings.preElectionPeriods.${i}: ends before it starts`);
  }
  if (problems.length > 0) throw new BriefingSettingsError(problems);
  return {
    ...s,
    recipient: recipient!,
    authorisers,
    chiefExecutive: chiefExecutive!,
    ...(council.designated.monitoringOfficer ? { monitoringOfficer: council.designated.monitoringOfficer } : {}),
    timezone: council.timezone,
    workingHours: council.workingHours,
  };
}

/** The pre-election period a calendar date falls in, if any. */
export function preElectionPeriodOn(settings: BriefingSettings, date: string): { name: string } | undefined {
  return settings.preElectionPeriods.find((p) => p.start <= date && date <= p.end);
}
