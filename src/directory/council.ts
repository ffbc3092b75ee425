/**
 * The council directory (`council.yaml`): people, roles, grades, groups, wards, and the council's own
 * adjustments to rules and words. Parsing is pure (text in, `Council` out); reading the file is the caller's.
 */
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { z } from 'zod';
import { RULE_IDS, type RuleId } from '../lint/rule-ids.js';
import { parseDuration } from './duration.js';

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a lower-case id (letters, digits, hyphens)');
const severitySetting = z.enum(['off', 'error', 'warning', 'info']);

const person = z
  .object({
    id,
    name: z.string().min(1),
    email: z.string().email().optional(),
    slack: z.string().regex(/^[UW][A-Z0-9]+$/, 'must be a Slack user id like U0123ABC').optional(),
    role: z.enum(['councillor', 'officer']),
    group: id.optional(),
    ward: z.string().min(1).optional(),
    /** Cabinet portfolio, for councillors with executive responsibility. */
    cabinet: z.string().min(1).optional(),
    /** Group leader, deputy or spokesperson: who may request a group briefing. */
    groupRole: z.enum(['leader', 'deputy', 'spokesperson']).optional(),
    grade: z.enum(['junior', 'senior', 'chief']).optional(),
    title: z.string().min(1).optional(),
  })
  .strict();

const DAY_MS = 86_400_000;
/** Finding records (what a warning or nudge was about) are kept this long unless the council says otherwise. */
export const DEFAULT_FINDINGS_RETENTION_MS = 90 * DAY_MS;
/** Audit events (acknowledgements, false alarms) are kept this long unless the council says otherwise. */
export const DEFAULT_EVENTS_RETENTION_MS = 365 * DAY_MS;
/** A longer period is almost certainly a typo (the briefing register, which is kept for good, is not governed by it). */
const MAX_RETENTION_MS = 3650 * DAY_MS;

/** `90d`, `12h`, `30m`, `45s` → milliseconds. */
const duration = z.unknown().transform((value, ctx) => {
  const ms = typeof value === 'string' ? parseDuration(value) : undefined;
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `must be a whole number above zero with a unit, like 90d, 12h, 30m or 45s (got ${JSON.stringify(value) ?? 'nothing'})` });
    return z.NEVER;
  }
  if (ms > MAX_RETENTION_MS) {
    ctx.addIssue({ code: 'custom', message: `must be at most 3650d (got ${String(value)})` });
    return z.NEVER;
  }
  return ms;
});

/** Default thresholds per stage (see `confidence` below and docs/rules.md). */
export const DEFAULT_CONFIDENCE = { 'post-send': 0.8, 'pre-send': 0.5, audit: 0 } as const;
export type ConfidenceStage = keyof typeof DEFAULT_CONFIDENCE;

const ruleSetting = z.union([severitySetting, z.object({ severity: severitySetting }).strict()]);

export const councilSchema = z
  .object({
    council: z.string().min(1),
    protocol: z.enum(['kirklees', 'part-5', 'north-east-derbyshire', 'north-northamptonshire', 'wiltshire', 'model']),
    domain: z.string().min(1).optional(),
    /** IANA zone the council works in; used for out-of-hours and working days. */
    timezone: z.string().default('Europe/London'),
    workingHours: z
      .object({ start: z.number().int().min(0).max(23), end: z.number().int().min(1).max(24) })
      .strict()
      .default({ start: 8, end: 18 }),
    groups: z.array(z.object({ id, name: z.string().min(1), aliases: z.array(z.string()).default([]) }).strict()).default([]),
    wards: z.array(z.string().min(1)).default([]),
    people: z.array(person).default([]),
    designated: z
      .object({
        briefingRecipient: id.optional(),
        authoriser: id.optional(),
        monitoringOfficer: id.optional(),
        chiefExecutive: id.optional(),
      })
      .strict()
      .default({}),
    rules: z.record(z.string(), ruleSetting).default({}),
    /** Phrases that are always fine in this council (suppress any finding whose excerpt contains them). */
    allow: z.array(z.string().min(2)).default([]),
    /** Local words the lexicons cannot know. */
    words: z
      .object({
        parties: z.array(z.string().min(1)).default([]),
        titles: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .default({ parties: [], titles: [] }),
    /**
     * How long stored records live, in milliseconds once parsed. `findings`: what a warning or nudge was about
     * (rule ids per draft hash, "this message was warned" markers). `events`: audit events such as authors'
     * acknowledgements and false alarms. The briefing register is not governed by either: it is kept.
     */
    retention: z
      .object({
        findings: duration.default(DEFAULT_FINDINGS_RETENTION_MS),
        events: duration.default(DEFAULT_EVENTS_RETENTION_MS),
      })
      .strict()
      .default({ findings: DEFAULT_FINDINGS_RETENTION_MS, events: DEFAULT_EVENTS_RETENTION_MS }),
    /**
     * The least confidence (0–1) a finding needs before a channel shows it. `post-send`: the Slack warning after a
     * message is posted, where a false alarm costs most. `pre-send`: checks the writer asks for or meets before
     * sending (/probity, Outlook on Send, the IMAP nudge, `probity check`, `/v1/check`). `audit`: the Monitoring
     * Officer's audit, which shows everything with its confidence by default.
     */
    confidence: z
      .object({
        'post-send': z.number().min(0).max(1).default(DEFAULT_CONFIDENCE['post-send']),
        'pre-send': z.number().min(0).max(1).default(DEFAULT_CONFIDENCE['pre-send']),
        audit: z.number().min(0).max(1).default(DEFAULT_CONFIDENCE.audit),
      })
      .strict()
      .default({ ...DEFAULT_CONFIDENCE }),
    /** Briefing scheduler settings (see the briefings module). Validated there. */
    briefings: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type CouncilConfig = z.infer<typeof councilSchema>;
export type Person = z.infer<typeof person>;

export interface Council extends CouncilConfig {
  /** Lookups by lower-cased email, Slack id and person id. */
  byAddress: Map<string, Person>;
  byId: Map<string, Person>;
  ruleSeverity(rule: RuleId, fallback: 'error' | 'warning' | 'info'): 'off' | 'error' | 'warning' | 'info';
}

export class CouncilConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.join('; ')}`);
    this.name = 'CouncilConfigError';
  }
}

/** Parse and validate `council.yaml` text. Errors name the field and its line. */
export function parseCouncil(text: string, file = 'council.yaml'): Council {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new CouncilConfigError(
      file,
      doc.errors.map((e) => `line ${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`),
    );
  }
  const parsed = councilSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    throw new CouncilConfigError(
      file,
      parsed.error.issues.map((issue) => {
        const path = issue.path.map(String);
        const line = lineOf(doc, lineCounter, path);
        return `${line ? `line ${line}: ` : ''}${path.join('.') || '(top level)'}: ${issue.message}`;
      }),
    );
  }
  return buildCouncil(parsed.data, file);
}

function lineOf(doc: Document, counter: LineCounter, path: string[]): number | undefined {
  // Walk up the path until a node exists (a missing field is reported at its parent).
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n).map((p) => (/^\d+$/.test(p) ? Number(p) : p)), true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

function buildCouncil(config: CouncilConfig, file: string): Council {
  const problems: string[] = [];
  const byAddress = new Map<string, Person>();
  const byId = new Map<string, Person>();
  const groupIds = new Set(config.groups.map((g) => g.id));
  for (const p of config.people) {
    if (byId.has(p.id)) problems.push(`people: duplicate id "${p.id}"`);
    byId.set(p.id, p);
    for (const address of [p.email, p.slack]) {
      if (!address) continue;
      const key = address.toLowerCase();
      if (byAddress.has(key)) problems.push(`people.${p.id}: address "${address}" is also used by ${byAddress.get(key)!.id}`);
      byAddress.set(key, p);
    }
    if (p.group && !groupIds.has(p.group)) problems.push(`people.${p.id}.group: unknown group "${p.group}"`);
    if (p.role === 'officer' && (p.group || p.ward || p.cabinet)) {
      problems.push(`people.${p.id}: an officer has no group, ward or cabinet portfolio`);
    }
  }
  for (const [key, who] of Object.entries(config.designated)) {
    if (who && !byId.has(who)) problems.push(`designated.${key}: unknown person "${who}"`);
  }
  for (const rule of Object.keys(config.rules)) {
    if (!(RULE_IDS as readonly string[]).includes(rule)) problems.push(`rules.${rule}: unknown rule (known: ${RULE_IDS.join(', ')})`);
  }
  if (problems.length > 0) throw new CouncilConfigError(file, problems);

  return {
    ...config,
    byAddress,
    byId,
    ruleSeverity(rule, fallback) {
      const setting = config.rules[rule];
      if (setting === undefined) return fallback;
      return typeof setting === 'string' ? setting : setting.severity;
    },
  };
}

/** Resolve an email address (any case, optional display name) or Slack id to a person. */
export function resolve(council: Council, address: string): Person | undefined {
  const m = /<([^>]+)>/.exec(address);
  const key = (m ? m[1]! : address).trim().toLowerCase();
  return council.byAddress.get(key);
}
