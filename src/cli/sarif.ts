/**
 * `probity check --format sarif`: one SARIF 2.1.0 log for the run (https://docs.oasis-open.org/sarif/sarif/v2.1.0/),
 * which editors and code-scanning tools read. The driver lists every rule with the clause of the council's protocol
 * that backs it and its message templates (`messageStrings`); each result has its level, its message (the text, and
 * the template's id with the words that vary as arguments, so that viewers can group results by message), its place
 * in the original file (source-position.ts) and, in its properties, its confidence, clause and suggestion. Inputs that
 * could not be read are the invocation's notifications, and make it unsuccessful.
 */
import { isAbsolute, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { READER_MESSAGE, type RuleInfo } from '../lint/engine.js';
import { protocolLabel } from '../lint/format/text.js';
import { RULES } from '../lint/rules/index.js';
import type { ClauseCitation, Finding, Severity } from '../lint/types.js';
import type { Region } from './source-position.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

const LEVEL: Record<Severity, Sarif.ReportingConfiguration.level> = { error: 'error', warning: 'warning', info: 'note' };

/** A file the user named, as a SARIF URI: relative to the working directory (SRCROOT) when it is inside it. */
function artifactLocation(path: string | undefined, cwd: string): Sarif.ArtifactLocation {
  if (path === undefined) return { description: { text: 'standard input' } };
  const absolute = isAbsolute(path) ? path : `${cwd}${sep}${path}`;
  const inside = relative(cwd, absolute);
  if (inside && !inside.startsWith('..') && !isAbsolute(inside)) {
    return { uri: inside.split(sep).map(encodeURIComponent).join('/'), uriBaseId: 'SRCROOT' };
  }
  return { uri: pathToFileURL(absolute).href };
}

/** A SARIF message string: "{" and "}" are written "{{" and "}}", since "{0}" is a placeholder (§3.11.5). */
function messageString(text: string): string {
  return text.replace(/[{}]/g, '$&$&');
}

/**
 * One of a rule's message templates as SARIF has it (§3.49.11): its `{{name}}` placeholders numbered `{0}`, `{1}`…
 * in the order they first appear, and a pattern that takes a finding's message back apart into those arguments.
 */
interface MessageTemplate {
  text: string;
  pattern: RegExp;
  placeholders: number;
}

function messageTemplate(template: string): MessageTemplate {
  const names: string[] = [];
  let text = '';
  let pattern = '';
  template.split(/\{\{(\w+)\}\}/).forEach((part, i) => {
    // split() puts the literal text at even indices and the placeholder names at odd ones.
    if (i % 2 === 0) {
      text += messageString(part);
      pattern += part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return;
    }
    const seen = names.indexOf(part);
    const n = seen >= 0 ? seen : names.push(part) - 1;
    text += `{${n}}`;
    pattern += seen >= 0 ? `\\k<a${n}>` : `(?<a${n}>[\\s\\S]*?)`;
  });
  return { text, pattern: new RegExp(`^${pattern}$`), placeholders: names.length };
}

/**
 * Every rule's message templates by rule id and message id, as each rule's file declares them, and the learned
 * reader's (`reader`), which speaks in any rule's name.
 */
const TEMPLATES = new Map(
  RULES.map((rule) => [
    rule.meta.id as string,
    new Map([...Object.entries(rule.meta.messages), ['reader', READER_MESSAGE] as const].map(([id, template]) => [id, messageTemplate(template)])),
  ]),
);

/**
 * A finding's message: its text, and, when its rule's template is known and gives the text back, the template's id
 * and the words that filled it. (The truncation notice is about the input, not a rule, and carries its text alone.)
 */
function resultMessage(finding: Finding): Sarif.Message {
  const text = messageString(finding.message);
  const template = TEMPLATES.get(finding.rule)?.get(finding.messageId);
  const match = template?.pattern.exec(finding.message);
  if (!template || !match) return { text };
  if (template.placeholders === 0) return { text, id: finding.messageId };
  return { text, id: finding.messageId, arguments: Array.from({ length: template.placeholders }, (_, n) => match.groups![`a${n}`]!) };
}

function clauseText(clause: ClauseCitation): string {
  return `${protocolLabel(clause.protocol)} ${clause.ref}: "${clause.quote}"`;
}

export class SarifLog {
  private readonly results: Sarif.Result[] = [];
  private readonly notifications: Sarif.Notification[] = [];
  private readonly ruleIndex: Map<string, number>;

  constructor(
    private readonly rules: readonly RuleInfo[],
    private readonly cwd: string,
    private readonly version: string,
  ) {
    this.ruleIndex = new Map(rules.map((rule, i) => [rule.id, i]));
  }

  /** One finding, at its place in `path` (undefined for stdin); `messageId` names the message in a file of many. */
  add(finding: Finding, path: string | undefined, region: Region, messageId: string): void {
    const index = this.ruleIndex.get(finding.rule);
    const result: Sarif.Result = {
      ruleId: finding.rule,
      ...(index !== undefined ? { ruleIndex: index } : {}),
      level: LEVEL[finding.severity],
      message: index !== undefined ? resultMessage(finding) : { text: messageString(finding.message) },
      locations: [
        {
          physicalLocation: {
            artifactLocation: artifactLocation(path, this.cwd),
            region: {
              startLine: region.startLine,
              startColumn: region.startColumn,
              endLine: region.endLine,
              endColumn: region.endColumn,
              ...(finding.excerpt ? { snippet: { text: finding.excerpt } } : {}),
            },
          },
          logicalLocations: [{ name: messageId, kind: 'message' }],
        },
      ],
      // SARIF's rank is 0–100: how sure Probity is, as a percentage.
      rank: Math.round(finding.confidence * 1000) / 10,
      properties: {
        confidence: finding.confidence,
        ...(finding.clause ? { clause: finding.clause } : {}),
        ...(finding.goodPractice ? { goodPractice: true } : {}),
        ...(finding.suggestion ? { suggestion: finding.suggestion } : {}),
        ...(region.approximate ? { approximateLocation: true } : {}),
      },
    };
    this.results.push(result);
  }

  /** An input that could not be read: `where` as the error line names it. */
  problem(message: string, path?: string): void {
    this.notifications.push({
      level: 'error',
      message: { text: messageString(message) },
      ...(path !== undefined ? { locations: [{ physicalLocation: { artifactLocation: artifactLocation(path, this.cwd) } }] } : {}),
    });
  }

  toJSON(): Sarif.Log {
    const rules: Sarif.ReportingDescriptor[] = this.rules.map((rule) => ({
      id: rule.id,
      shortDescription: { text: messageString(rule.description) },
      ...(rule.clauses.length
        ? {
            fullDescription: { text: messageString(`${rule.description} ${rule.clauses.map(clauseText).join(' ')}`) },
            help: { text: messageString(`${rule.clauses.map(clauseText).join('\n')}${rule.suggestion ? `\n${rule.suggestion}` : ''}`) },
          }
        : rule.suggestion
          ? { help: { text: messageString(rule.suggestion) } }
          : {}),
      ...(TEMPLATES.has(rule.id)
        ? { messageStrings: Object.fromEntries([...TEMPLATES.get(rule.id)!].map(([id, template]) => [id, { text: template.text }])) }
        : {}),
      defaultConfiguration: rule.severity === 'off' ? { enabled: false } : { level: LEVEL[rule.severity] },
      properties: { clauses: rule.clauses, goodPractice: rule.goodPractice, tags: ['member-officer-protocol'] },
    }));
    return {
      $schema: SARIF_SCHEMA,
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: 'Probity', semanticVersion: this.version, version: this.version, rules } },
          originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(this.cwd.endsWith(sep) ? this.cwd : `${this.cwd}${sep}`).href } },
          invocations: [{ executionSuccessful: this.notifications.length === 0, toolExecutionNotifications: this.notifications }],
          columnKind: 'utf16CodeUnits',
          results: this.results,
        },
      ],
    };
  }
}
