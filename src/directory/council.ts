/**
 * The council directory (`council.yaml`): people, roles, grades, groups, wards, and the council's own
 * adjustments to rules and words. Parsing is pure (text in, `Council` out); reading the file is the caller's.
 */
import { LineCounter, parseDocument, isNode, isScalar, isCollection, visit, type Document, type YAMLError } from 'yaml';
import { z } from 'zod';
import { RULE_IDS, type RuleId } from './rule-ids.js';
import { parseDuration } from './duration.js';

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a lower-case id (letters, digits, hyphens)');
const severitySetting = z.enum(['off', 'error', 'warning', 'info']);

const person = z
  .object({
    id,
    name: z.string().min(1),
    email: z.string().email().optional(),
    slack: z
      .string()
      .regex(/^[UW][A-Z0-9]+$/, 'must be a Slack user id like U0123ABC')
      .optional(),
    role: z.enum(['councillor', 'officer']),
    group: id.optional(),
    ward: z.string().min(1).optional(),
    /** Cabinet portfolio, for councillors with executive responsibility. */
    cabinet: z.string().min(1).optional(),
    /** Group leader, deputy or spokesperson: who may request a group briefing. */
    groupRole: z.enum(['leader', 'deputy', 'spokesperson']).optional(),
    grade: z.enum(['junior', 'senior', 'chief']).optional(),
    title: z.string().min(1).optional(),
    /** The person's object id at the council's identity provider (Entra ID `oid`); sign-in matches it before email. */
    oid: z.string().min(1).max(200).optional(),
    /** What the person does in Probity beyond their role: `ce-office` works the office page. */
    access: z.array(z.enum(['ce-office', 'monitoring-officer'])).optional(),
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
    ctx.addIssue({
      code: 'custom',
      message: `must be a whole number above zero with a unit, like 90d, 12h, 30m or 45s (got ${JSON.stringify(value) ?? 'nothing'})`,
    });
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

const SEVERITY_SETTINGS = severitySetting.options.join(', ');
const ruleSetting = z.union([severitySetting, z.object({ severity: severitySetting }).strict()], {
  // The union's own message is only "Invalid input": say what a rule setting may be.
  error: (issue) => `must be one of ${SEVERITY_SETTINGS}, or { severity: … } (got ${describeValue(issue.input)})`,
});

/** A value from the file, shown back in an error: `"eror"`, `3`, `{"level":"off"}`. */
function describeValue(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) return 'nothing';
  return json.length > 60 ? `${json.slice(0, 57)}…` : json;
}

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
    /** Whose bank holidays are not working days: England, Wales, Scotland or Northern Ireland (working-days.ts). */
    bankHolidays: z.enum(['ENG', 'WLS', 'SCT', 'NIR']).default('ENG'),
    /** Days the council is closed besides weekends and bank holidays (the Christmas closure, a local holiday). */
    closureDays: z
      .array(
        z.preprocess((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-12-29')),
      )
      .default([]),
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
    /** Member-enquiry settings (see src/enquiries/settings.ts). Validated there. */
    enquiries: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type CouncilConfig = z.infer<typeof councilSchema>;
export type Person = z.infer<typeof person>;

export interface Council extends CouncilConfig {
  /** Lookups by lower-cased email, Slack id and person id, and by identity-provider object id. */
  byAddress: Map<string, Person>;
  byId: Map<string, Person>;
  byOid: Map<string, Person>;
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

/** Where a field is in the file: the line of the node at `path` (or of its nearest parent that exists). */
export type Locate = (path: readonly (string | number)[]) => number | undefined;

/** Parse and validate `council.yaml` text. Every error names its line and the field, person, group or rule. */
export function parseCouncil(text: string, file = 'council.yaml'): Council {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw new CouncilConfigError(file, syntaxProblems(doc, lineCounter, text));
  const locate: Locate = (path) => lineOf(doc, lineCounter, path);
  const data: unknown = doc.toJS();
  const parsed = councilSchema.safeParse(data);
  if (!parsed.success) {
    throw new CouncilConfigError(
      file,
      describeIssues(parsed.error.issues, data).map(({ path, message }) => at(locate, path, message, shownPath(data, path))),
    );
  }
  return buildCouncil(parsed.data, file, locate);
}

/** A path as the file's reader knows it: a person or group by its id ("people.cllr-hale.grade"), not its index. */
function shownPath(data: unknown, path: readonly (string | number)[]): string {
  const [section, index, ...rest] = path;
  if ((section === 'people' || section === 'groups') && typeof index === 'number') {
    const id = (valueAt(data, [section, index]) as { id?: unknown } | undefined)?.id;
    if (typeof id === 'string' && id !== '') return [section, id, ...rest].join('.');
  }
  return path.join('.');
}

/** `line 4: people.0.role: must be one of …`: a problem at `path`, with its line when the file has one. */
export function at(locate: Locate, path: readonly (string | number)[], message: string, shownPath = path.join('.')): string {
  const line = locate(path);
  return `${line ? `line ${line}: ` : ''}${shownPath || '(top level)'}: ${message}`;
}

/**
 * Zod's problems in council.yaml's words, each at the path it is about: an enum lists its values and what it got,
 * a wrong type says what it should be and what it got, and an unknown key is reported at the key itself (so its
 * line is the key's). Also used for the `briefings:` and `enquiries:` sections, with `data` the section.
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[], data: unknown): { path: (string | number)[]; message: string }[] {
  return issues.flatMap((issue) => {
    const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
    const value = valueAt(data, path);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...path, key], message: `unknown key "${key}"` }));
    }
    if (issue.code === 'invalid_value' && issue.values.length > 1) {
      return [{ path, message: `must be one of ${issue.values.map((v) => String(v)).join(', ')} (got ${describeValue(value)})` }];
    }
    // Zod's own wording only ("Invalid input: expected number, received string"); a schema's own message stays.
    if (issue.code === 'invalid_type' && /^Invalid input/.test(issue.message)) {
      return [{ path, message: value === undefined ? `is required (${issue.expected})` : `must be ${article(issue.expected)} (got ${describeValue(value)})` }];
    }
    return [{ path, message: issue.message }];
  });
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let value = data;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<string | number, unknown>)[key] : undefined;
  return value;
}

/** A Locate for council.yaml text, for modules that validate a part of the file themselves (`briefings:`). */
export function locatorFor(text: string): Locate {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  return (path) => lineOf(doc, lineCounter, path);
}

function lineOf(doc: Document, counter: LineCounter, path: readonly (string | number)[]): number | undefined {
  // Walk up the path until a node exists (a missing field is reported at its parent).
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(
      path.slice(0, n).map((p) => (typeof p === 'string' && /^\d+$/.test(p) ? Number(p) : p)),
      true,
    );
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

/**
 * One line for the first YAML syntax error (those after it are nearly always knock-on errors), on the line where
 * the mistake is rather than where the parser noticed it:
 * - a line indented too far continues the line above as one long key ("protocol: kirklees\n  bad: x"): the
 *   parser places that at line 2, the mistake is line 3;
 * - a key without its colon ("rules\n  familiarity: off") is the first line of the same long key;
 * - an unclosed quote, "[" or "{" is noticed at the end of the file: it is reported where it opens.
 */
function syntaxProblems(doc: Document, counter: LineCounter, text: string): string[] {
  const error = firstError(doc.errors);
  const lines = text.split(/\r?\n/);
  const start = error.pos[0];
  const { line, col } = counter.linePos(start);
  const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  if (error.code === 'MULTILINE_IMPLICIT_KEY') {
    const before = lines[line - 1]!.slice(0, col - 1);
    if (/:\s*$/.test(before)) {
      // The long key began as a value ("protocol: kirklees"): the next line is the one indented too far.
      const next = nextContentLine(lines, line);
      return [`line ${next}: indented further than it should be (it continues line ${line} instead of starting a new entry)`];
    }
    const key = lines[line - 1]!.trim();
    return [`line ${line}: ${JSON.stringify(key)} needs a colon after it (or line ${nextContentLine(lines, line)} is indented too far)`];
  }
  if (error.code === 'MISSING_CHAR' && /quote/i.test(message)) {
    const opened = innermost(doc, start, (node) => isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE'));
    if (opened !== undefined) return [`line ${counter.linePos(opened).line}: a quoted string that starts here is never closed`];
  }
  const bracket = /end with an? ([\]}])/.exec(message);
  if (error.code === 'BAD_INDENT' && bracket) {
    const opened = innermost(doc, start, (node) => isCollection(node) && node.flow === true);
    if (opened !== undefined && counter.linePos(opened).line < line) {
      return [`line ${counter.linePos(opened).line}: the "${bracket[1] === ']' ? '[' : '{'}" that starts here is never closed with "${bracket[1]}"`];
    }
  }
  if (error.code === 'DUPLICATE_KEY') {
    const key = /^\s*(?:-\s+)?([^:#]+?)\s*:/.exec(lines[line - 1] ?? '')?.[1];
    if (key) return [`line ${line}: ${JSON.stringify(key)} is given twice`];
  }
  return [`line ${line}: ${message}`];
}

/** A long key (MULTILINE_IMPLICIT_KEY) also raises BLOCK_AS_IMPLICIT_KEY at the same place, first: prefer the former. */
function firstError(errors: readonly YAMLError[]): YAMLError {
  const first = errors[0]!;
  const multiline = errors.find((e) => e.code === 'MULTILINE_IMPLICIT_KEY' && e.pos[0] === first.pos[0]);
  return multiline ?? first;
}

/** The 1-based number of the first line after `line` with content (not blank, not a comment). */
function nextContentLine(lines: readonly string[], line: number): number {
  for (let i = line; i < lines.length; i++) if (!/^\s*(#.*)?$/.test(lines[i]!)) return i + 1;
  return line + 1;
}

/** The start offset of the innermost node matching `test` that is still open at `offset`. */
function innermost(doc: Document, offset: number, test: (node: unknown) => boolean): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Node(_key, node) {
      if (test(node) && node.range && node.range[0] < offset && node.range[1] >= offset && (found === undefined || node.range[0] > found)) {
        found = node.range[0];
      }
    },
  });
  return found;
}

function buildCouncil(config: CouncilConfig, file: string, locate: Locate): Council {
  const problems: string[] = [];
  const byAddress = new Map<string, Person>();
  const byId = new Map<string, Person>();
  const byOid = new Map<string, Person>();
  const groupIds = new Set(config.groups.map((g) => g.id));
  for (const [index, p] of config.people.entries()) {
    const where = (field?: keyof Person): (string | number)[] => (field ? ['people', index, field] : ['people', index]);
    const shown = (field?: string) => `people.${p.id}${field ? `.${field}` : ''}`;
    if (byId.has(p.id)) problems.push(at(locate, where('id'), `duplicate id "${p.id}"`, 'people'));
    byId.set(p.id, p);
    for (const field of ['email', 'slack'] as const) {
      const address = p[field];
      if (!address) continue;
      const key = address.toLowerCase();
      if (byAddress.has(key)) problems.push(at(locate, where(field), `address "${address}" is also used by ${byAddress.get(key)!.id}`, shown()));
      byAddress.set(key, p);
    }
    if (p.oid) {
      const key = p.oid.toLowerCase();
      if (byOid.has(key)) problems.push(at(locate, where('oid'), `object id "${p.oid}" is also used by ${byOid.get(key)!.id}`, shown('oid')));
      byOid.set(key, p);
    }
    if (p.group && !groupIds.has(p.group)) {
      const known = config.groups.length > 0 ? ` (groups: ${config.groups.map((g) => g.id).join(', ')})` : ' (no groups are defined)';
      problems.push(at(locate, where('group'), `unknown group "${p.group}"${known}`, shown('group')));
    }
    if (p.role === 'officer' && (p.group || p.ward || p.cabinet)) {
      problems.push(at(locate, where(), 'an officer has no group, ward or cabinet portfolio', shown()));
    }
    if (p.role === 'councillor' && p.access?.length) {
      problems.push(at(locate, where('access'), 'office access is for officers; a councillor works through their group', shown('access')));
    }
  }
  for (const [key, who] of Object.entries(config.designated)) {
    if (who && !byId.has(who)) problems.push(at(locate, ['designated', key], `unknown person "${who}" (not an id in people)`));
  }
  for (const rule of Object.keys(config.rules)) {
    if (!(RULE_IDS as readonly string[]).includes(rule)) problems.push(at(locate, ['rules', rule], `unknown rule (known: ${RULE_IDS.join(', ')})`));
  }
  if (problems.length > 0) throw new CouncilConfigError(file, problems);

  return {
    ...config,
    byAddress,
    byId,
    byOid,
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
