/**
 * The engine: a pure function from a message to findings (textlint's kernel is the model). Rules report raw
 * places; a short pipeline turns them into findings: cite → dedupe → suppress → severity → sort.
 */
import type { Council } from '../directory/council.js';
import type { ProtocolPack } from '../directory/protocol-pack.js';
import { Lexicon, localEntry, type Entry } from '../lexicon/lexicon.js';
import type { Resources } from '../nlp/judgement.js';
import { confidenceOf, featuresOf, type ConfidenceModel, type Features } from './confidence-model.js';
import { RuleContext, type RawReport } from './context.js';
import { read, type ReaderModel } from './reader.js';
import { MAX_ANALYSED_CHARS, normalise } from './normalise/index.js';
import type { Rule } from './rule.js';
import type { RuleId } from '../directory/rule-ids.js';
import { RULES } from './rules/index.js';
import type { ClauseCitation, Finding, LintResult, Message, Severity, Span } from './types.js';

export interface RuleInfo {
  id: RuleId;
  /** Effective severity for this council ('off' when the council turned it off). */
  severity: Severity | 'off';
  description: string;
  clauses: ClauseCitation[];
  goodPractice: boolean;
  suggestion: string;
}

export interface Linter {
  readonly council: Council;
  lint(message: Message): LintResult;
  rules(): RuleInfo[];
}

/** The engine itself: also shows the features each finding's confidence came from (for training and evaluation). */
export interface ExplainingLinter extends Linter {
  explain(message: Message): { findings: Finding[]; features: Features[] };
  /** What the rules read in a message, after they ran (for training the reader); undefined for an empty message. */
  context(message: Message): RuleContext | undefined;
}

export interface LinterData {
  council: Council;
  packs: ReadonlyMap<string, ProtocolPack>;
  /** Lexicon entries from lexicons/terms (already validated). */
  lexicon: Entry[];
  /** Kept lexical resources (lexicons/resources): valence for the language of judgement. */
  resources: Resources;
  /** The learned confidence model (lexicons/models/confidence.json). */
  model: ConfidenceModel;
  /** The learned reader (lexicons/models/reader.json); without it only the rules speak. */
  reader?: ReaderModel;
  /** The least probability at which the reader speaks on its own (default READER_FLOOR). */
  readerFloor?: number;
}

/**
 * The reader speaks on its own only from this calibrated probability. Chosen on out-of-fold figures over the training
 * sets (lexicons/models/READER.md), where a false alarm was weighed above a miss: at 0.5 the rules and the reader
 * together read P 0.85 / R 0.77; at 0.65, P 0.89 / R 0.74; at 0.8, P 0.91 / R 0.70. Channels then apply their own
 * thresholds to its probability as to any confidence.
 */
const READER_FLOOR = 0.65;
/**
 * Several things in the sentence must point the same way: without the one feature that weighed most, the reader must
 * still give the breach an even chance. A topic word alone ("asylum seekers", "leaflet", "my manager") never speaks.
 * Out of fold (npm run train:reader -- --dry-run --gates), rules and reader at 0.65 read P 0.88 / R 0.74 with no such
 * gate, 0.91 / 0.70 at 0.25 and 0.93 / 0.66 at 0.5, against the rules' own 0.94 / 0.60: 0.5 is the setting that
 * keeps precision within a point of the rules alone.
 */
const READER_WITHOUT_STRONGEST = 0.5;

const EXCERPT_CHARS = 200;
const ABSORBS_IMPERATIVES = new Set([
  'political-request',
  'familiarity',
  'undue-pressure',
  'group-decision',
  'report-interference',
  'silent-copy',
  'group-confidentiality',
]);
const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function createLinter(data: LinterData): ExplainingLinter {
  const { council, packs } = data;
  const lexicon = new Lexicon();
  for (const entry of [...data.lexicon, ...councilEntries(council)]) lexicon.add(entry);

  const pack = packs.get(council.protocol);
  if (!pack) throw new Error(`council.yaml: protocol "${council.protocol}" has no pack in lexicons/protocols`);
  const model = packs.get('model');

  const infos = new Map<RuleId, RuleInfo>(
    RULES.map((rule) => {
      const own = pack.rules[rule.meta.id];
      const goodPractice = !own;
      const clauses = (own ?? model?.rules[rule.meta.id] ?? []).map((c) => cite(packs, c.protocol ?? pack.id, c.ref, c.quote));
      const explicit = council.rules[rule.meta.id] !== undefined;
      const base: Severity = goodPractice && !explicit ? 'info' : rule.meta.severity;
      return [
        rule.meta.id,
        {
          id: rule.meta.id,
          severity: council.ruleSeverity(rule.meta.id, base),
          description: rule.meta.description,
          clauses,
          goodPractice,
          suggestion: rule.meta.suggestion,
        },
      ];
    }),
  );
  const byId = new Map<string, Rule>(RULES.map((r) => [r.meta.id, r]));
  const active = RULES.filter((r) => infos.get(r.meta.id)!.severity !== 'off');
  const allow = council.allow.map((a) => a.toLowerCase());
  const readable = active.map((r) => r.meta.id).filter((id) => data.reader?.rules[id]);

  const linter: ExplainingLinter = {
    council,
    rules: () => [...infos.values()],
    lint: (message) => {
      const { findings } = linter.explain(message);
      return { id: message.id, findings };
    },
    context(message) {
      const normalised = normalise(message, { maxChars: MAX_ANALYSED_CHARS });
      if (normalised.text.trim() === '' && normalised.quoted.length === 0) return undefined;
      const context = new RuleContext(message, normalised, council, lexicon, data.resources);
      for (const rule of active) {
        context.currentRule = rule.meta.id;
        rule.check(context);
      }
      return context;
    },
    explain(message) {
      const features: Features[] = [];
      const normalised = normalise(message, { maxChars: MAX_ANALYSED_CHARS });
      const findings: Finding[] = [];
      if (normalised.truncated) {
        findings.push({
          rule: 'input-truncated',
          messageId: 'truncated',
          severity: 'info',
          message: `Only the first ${MAX_ANALYSED_CHARS.toLocaleString('en-GB')} characters of this ${normalised.originalLength.toLocaleString('en-GB')}-character message were checked.`,
          span: spanOf(normalised.text, 0, 0),
          excerpt: '',
          clause: null,
          suggestion: 'Check long documents section by section, or send the rest as a separate message.',
          confidence: 1,
        });
        features.push(new Map());
      }
      if (normalised.text.trim() === '' && normalised.quoted.length === 0) return { findings, features };
      const context = new RuleContext(message, normalised, council, lexicon, data.resources);
      for (const rule of active) {
        context.currentRule = rule.meta.id;
        rule.check(context);
      }
      const seen = new Set<string>();
      // In a sentence where a more specific (non-advisory) rule found something, a generic rule's weak evidence (a
      // bare imperative) gives way; an instruction in so many words ("I want you to…", "make sure…") stands beside
      // it, since telling a junior officer what to do is a breach whatever it is about. A rule gives way to the
      // rules it names in `yieldsTo`.
      const foundIn = new Map<number | undefined, Set<string>>();
      for (const r of context.reports) {
        if (byId.get(r.rule)!.meta.severity === 'info') continue;
        const key = r.sentence?.start;
        foundIn.set(key, (foundIn.get(key) ?? new Set()).add(r.rule));
      }
      const givesWay = (rule: Rule, sentence: number | undefined, weak: boolean) => {
        // A bare imperative in a message asking for something specific (leaflets, a favour, a drink) is usually
        // part of that ask; next to an insult it is still an instruction of its own.
        if (rule.meta.generic && weak && [...foundIn.values()].some((ids) => [...ids].some((id) => ABSORBS_IMPERATIVES.has(id)))) return true;
        const there = foundIn.get(sentence);
        if (!there) return false;
        if (rule.meta.generic) return weak && [...there].some((id) => !byId.get(id)!.meta.generic);
        return (rule.meta.yieldsTo ?? []).some((id) => there.has(id));
      };
      // The reader reads a rule unless the rule has had its say: it gave way to a more specific rule, the council allows
      // what it found, or one of its findings is already as sure as the reader must be to speak. A rule finding the
      // confidence model doubts leaves the reader free to speak for that rule as well (the rules and the reader are
      // measured so out of fold).
      const hadItsSay = new Set<string>();
      const kept: { report: RawReport; rule: Rule; excerpt: string; key: string }[] = [];
      for (const report of context.reports) {
        const rule = byId.get(report.rule)!;
        if (givesWay(rule, report.sentence?.start, report.weak === true)) {
          hadItsSay.add(report.rule);
          continue;
        }
        const key = `${report.rule}@${report.sentence?.start ?? report.start}`;
        if (seen.has(key)) continue; // one finding per rule per sentence
        seen.add(key);
        const excerpt = excerptOf(normalised.text, report);
        if (allow.some((phrase) => excerpt.toLowerCase().includes(phrase))) {
          hadItsSay.add(report.rule);
          continue;
        }
        kept.push({ report, rule, excerpt, key });
      }
      const floor = data.readerFloor ?? READER_FLOOR;
      /** Each rule finding's place in `findings`, by rule and sentence (the key `seen` keeps). */
      const findingAt = new Map<string, number>();
      for (const { report, rule, excerpt, key } of kept) {
        const f = featuresOf(report, context, kept.length);
        const confidence = confidenceOf(data.model, f);
        findingAt.set(key, findings.length);
        findings.push(toFinding(rule, infos.get(rule.meta.id)!, council.rules[rule.meta.id] !== undefined, report, normalised.text, excerpt, confidence));
        features.push(f);
        if (confidence >= floor) hadItsSay.add(rule.meta.id);
      }
      if (data.reader) {
        for (const reading of read(
          data.reader,
          context,
          readable.filter((id) => !hadItsSay.has(id)),
          floor,
        )) {
          if (reading.p < floor || reading.pWithoutStrongest < READER_WITHOUT_STRONGEST) continue;
          const rule = byId.get(reading.rule)!;
          // The reader gives way to the rules a rule names in `yieldsTo`; a reading for a generic rule (an instruction)
          // is not weak evidence like a bare imperative, and stands beside a specific finding in its sentence, as an
          // instruction in so many words does.
          if (givesWay(rule, reading.sentence.start, false)) continue;
          const s = reading.sentence;
          const p = Math.round(reading.p * 100) / 100;
          // Where the rule already found something in this sentence, the reader's reading is a second opinion on that
          // finding, not another finding: one finding, as sure as the surer of the two, still quoting the rule's words.
          const same = findingAt.get(`${reading.rule}@${s.start}`);
          if (same !== undefined) {
            findings[same] = { ...findings[same]!, confidence: Math.max(findings[same]!.confidence, p) };
            continue;
          }
          const report: RawReport = {
            rule: reading.rule,
            messageId: 'reader',
            at: s,
            start: s.start,
            end: s.end,
            sentence: s,
            data: { reasons: reading.reasons.join(', '), description: rule.meta.description.replace(/\.$/, '').replace(/^./, (c) => c.toLowerCase()) },
          };
          const excerpt = excerptOf(normalised.text, report);
          if (allow.some((phrase) => excerpt.toLowerCase().includes(phrase))) continue;
          findings.push(toFinding(rule, infos.get(rule.meta.id)!, council.rules[rule.meta.id] !== undefined, report, normalised.text, excerpt, p));
          // Its confidence is the reader's own calibrated probability, not the confidence model's.
          features.push(new Map([['reader', reading.p]]));
        }
      }
      const order = findings
        .map((_, i) => i)
        .sort((i, j) => findings[i]!.span.start - findings[j]!.span.start || SEVERITY_ORDER[findings[i]!.severity] - SEVERITY_ORDER[findings[j]!.severity]);
      return { findings: order.map((i) => findings[i]!), features: order.map((i) => features[i]!) };
    },
  };
  return linter;
}

function toFinding(rule: Rule, info: RuleInfo, councilSetSeverity: boolean, report: RawReport, text: string, excerpt: string, confidence: number): Finding {
  const template = report.messageId === 'reader' ? READER_MESSAGE : rule.meta.messages[report.messageId];
  if (template === undefined) throw new Error(`rule ${rule.meta.id} has no message "${report.messageId}"`);
  const message = template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => report.data?.[name] ?? '');
  // A council's explicit setting wins, and a good-practice rule stays at info; otherwise a rule may grade its own
  // case (an instruction to junior staff is an error, a Bcc on a fresh message a warning).
  const severity: Severity = info.severity === 'off' ? 'info' : info.goodPractice || councilSetSeverity ? info.severity : (report.severity ?? info.severity);
  return {
    rule: rule.meta.id,
    messageId: report.messageId,
    severity,
    message,
    span: spanOf(text, report.start, report.end),
    excerpt,
    clause: info.clauses[0] ?? null,
    ...(info.goodPractice ? { goodPractice: true } : {}),
    suggestion: rule.meta.suggestion,
    confidence,
  };
}

/** A reader finding names no single phrase: it says what the sentence as a whole reads like, and why. */
/** The learned reader's message template (its findings' messageId is `reader`), for every rule it reads. */
export const READER_MESSAGE = 'Read as a whole, this sentence looks like a breach of this rule ({{description}}). What weighed most: {{reasons}}.';

function cite(packs: ReadonlyMap<string, ProtocolPack>, protocol: string, ref: string, quote: string): ClauseCitation {
  return { protocol, title: packs.get(protocol)?.title ?? protocol, ref, quote };
}

function spanOf(text: string, start: number, end: number): Span {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < start; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { start, end, line, column: start - lineStart + 1 };
}

function excerptOf(text: string, report: RawReport): string {
  if (report.excerpt !== undefined) return report.excerpt.slice(0, EXCERPT_CHARS);
  const s = report.sentence;
  const raw = s ? s.text : text.slice(report.start, report.end);
  if (raw.length <= EXCERPT_CHARS) return raw;
  const offset = s ? report.start - s.start : 0;
  const from = Math.max(0, Math.min(offset - 40, raw.length - EXCERPT_CHARS));
  return `${from > 0 ? '…' : ''}${raw.slice(from, from + EXCERPT_CHARS)}…`;
}

/** The council's own words: group, party and ward names, people's names, job titles. */
function councilEntries(council: Council): Entry[] {
  const entries: (Entry | undefined)[] = [];
  for (const g of council.groups) {
    const bare = g.name.replace(/\s+group$/i, '');
    for (const phrase of new Set([g.name, bare, ...g.aliases])) {
      const e = localEntry('group-name', phrase, `${g.name} (council.yaml)`);
      if (e) entries.push({ ...e, kind: g.id });
    }
  }
  for (const p of council.words.parties) {
    const e = localEntry('party', p, 'A local party (council.yaml)');
    if (e) entries.push({ ...e, kind: 'name' });
  }
  for (const w of council.wards) {
    const e = localEntry('ward-name', w, `${w} ward (council.yaml)`);
    if (e) entries.push({ ...e, kind: w });
  }
  for (const t of council.words.titles) entries.push(localEntry('person-target', t, 'A job title (council.yaml)'));
  for (const person of council.people) {
    const bare = person.name.replace(/^cllr\s+/i, '');
    const parts = bare.split(/\s+/);
    const surname = parts.at(-1)!;
    // First names and surnames alone count only when capitalised (see SentenceView): "Price", "Field", "Mark".
    for (const phrase of new Set([bare, `Cllr ${surname}`, `Councillor ${surname}`, parts[0]!, surname])) {
      const e = localEntry('person-name', phrase, `${person.name} (council.yaml)`);
      if (e) entries.push({ ...e, kind: person.id });
    }
  }
  return entries.filter((e): e is Entry => e !== undefined);
}
