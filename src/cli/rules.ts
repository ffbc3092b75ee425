/** `probity rules`: the rules as the configured council runs them: severity, what they catch, the clauses they cite. */
import pc from 'picocolors';
import type { RuleInfo } from '../lint/engine.js';
import { protocolLabel } from '../lint/format/text.js';
import { councilFile, loadCouncilLinter } from './council-file.js';
import { EXIT, type Io } from './io.js';
import { useColor, write } from './output.js';
import type { OutputFormat } from './check.js';

export interface RulesOptions {
  council?: string;
  format: OutputFormat;
}

/** "North East Derbyshire 9.1, Appendix (Officers Don't); Kirklees 4.3": refs grouped by protocol, in order. */
function citations(rule: RuleInfo): string {
  const byProtocol = new Map<string, string[]>();
  for (const clause of rule.clauses) {
    const refs = byProtocol.get(clause.protocol) ?? [];
    refs.push(clause.ref);
    byProtocol.set(clause.protocol, refs);
  }
  const refs = [...byProtocol].map(([protocol, list]) => `${protocolLabel(protocol)} ${list.join(', ')}`).join('; ');
  if (rule.goodPractice) return `good practice${refs ? `, from ${refs}` : ''} (not in this council's protocol)`;
  return refs || '(no clause cited)';
}

export function formatRulesText(councilName: string, protocol: string, rules: readonly RuleInfo[], color: boolean): string {
  const c = pc.createColors(color);
  const idWidth = Math.max(0, ...rules.map((r) => r.id.length));
  const indent = ' '.repeat(2 + idWidth + 2 + 7 + 2);
  const lines = [c.bold(`${councilName}: rules and the ${protocolLabel(protocol)} clauses they cite`), ''];
  for (const rule of rules) {
    const severity = rule.severity.padEnd(7);
    const coloured =
      rule.severity === 'error'
        ? c.red(severity)
        : rule.severity === 'warning'
          ? c.yellow(severity)
          : rule.severity === 'off'
            ? c.dim(severity)
            : c.blue(severity);
    lines.push(`  ${rule.id.padEnd(idWidth)}  ${coloured}  ${rule.description}`);
    lines.push(`${indent}${c.cyan(citations(rule))}`);
  }
  lines.push('', `${rules.length} rule${rules.length === 1 ? '' : 's'}`);
  return lines.join('\n') + '\n';
}

export async function rules(options: RulesOptions, io: Io): Promise<number> {
  const linter = loadCouncilLinter(councilFile(options.council, io.env, io.cwd, io.stderr));
  const list = linter.rules();
  if (options.format === 'json') {
    await write(io.stdout, list.map((rule) => JSON.stringify(rule)).join('\n') + (list.length ? '\n' : ''));
  } else {
    await write(io.stdout, formatRulesText(linter.council.council, linter.council.protocol, list, useColor(io.stdout, io.env)));
  }
  return EXIT.ok;
}
