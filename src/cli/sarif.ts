/**
 * `probity check --format sarif`: one SARIF 2.1.0 log for the run (https://docs.oasis-open.org/sarif/sarif/v2.1.0/),
 * which editors and code-scanning tools read. The driver lists every rule with the clause of the council's protocol
 * that backs it; each result has its level, message, place in the original file (source-position.ts) and, in its
 * properties, its confidence, clause and suggestion. Inputs that could not be read are the invocation's
 * notifications, and make it unsuccessful.
 */
import { isAbsolute, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import type { RuleInfo } from '../lint/engine.js';
import { protocolLabel } from '../lint/format/text.js';
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
      message: { text: finding.message },
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
      message: { text: message },
      ...(path !== undefined ? { locations: [{ physicalLocation: { artifactLocation: artifactLocation(path, this.cwd) } }] } : {}),
    });
  }

  toJSON(): Sarif.Log {
    const rules: Sarif.ReportingDescriptor[] = this.rules.map((rule) => ({
      id: rule.id,
      shortDescription: { text: rule.description },
      ...(rule.clauses.length
        ? {
            fullDescription: { text: `${rule.description} ${rule.clauses.map(clauseText).join(' ')}` },
            help: { text: `${rule.clauses.map(clauseText).join('\n')}${rule.suggestion ? `\n${rule.suggestion}` : ''}` },
          }
        : rule.suggestion
          ? { help: { text: rule.suggestion } }
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
