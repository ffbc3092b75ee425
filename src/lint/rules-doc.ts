/**
 * The rules' reference page (docs/rules.md), made from the rules' own metadata and examples and the protocol
 * packs, so it cannot drift from the code: `npm run docs:rules` writes it and a test checks it is current.
 */
import type { ProtocolPack } from '../directory/protocol-pack.js';
import type { Rule, RuleExample } from './rule.js';

const PACK_ORDER = ['kirklees', 'part-5', 'north-east-derbyshire', 'north-northamptonshire', 'wiltshire', 'model'];

export function rulesDoc(rules: readonly Rule[], packs: ReadonlyMap<string, ProtocolPack>): string {
  const lines: string[] = [
    '# Probity rules',
    '',
    'Made by `npm run docs:rules` from `src/lint/rules/*.ts` and `lexicons/protocols/*.yaml`; do not edit by hand.',
    "Each rule cites the configured council's own clause; where its protocol does not back the rule, the rule runs",
    'at `info` as good practice and cites the `model` pack.',
    '',
    'Every finding also carries a confidence (0–1) from the learned model in `lexicons/models/`; each channel shows a',
    'finding only when it is sure enough for that channel. What the number means and how a council sets the',
    'thresholds: [confidence.md](confidence.md).',
    '',
  ];
  for (const rule of rules) {
    const { id, severity, description, suggestion } = rule.meta;
    lines.push(`## \`${id}\``, '', `${description}`, '', `Default severity: **${severity}**.`, '', `Better: ${suggestion}`, '');
    lines.push('| protocol | clauses |', '|---|---|');
    for (const packId of PACK_ORDER) {
      const pack = packs.get(packId);
      if (!pack) continue;
      const clauses = pack.rules[id];
      const refs = clauses ? clauses.map((c) => (c.protocol ? `${c.protocol} ${c.ref}` : c.ref)).join('; ') : '— (good practice, at info)';
      lines.push(`| ${pack.title} (\`${pack.id}\`) | ${escapeCell(refs)} |`);
    }
    lines.push('', 'Flagged:', '');
    for (const ex of rule.examples.invalid) lines.push(example(ex));
    lines.push('', 'Not flagged:', '');
    for (const ex of rule.examples.valid) lines.push(example(ex));
    lines.push('');
  }
  return lines.join('\n');
}

function example(ex: RuleExample): string {
  const extra = [
    ex.cc?.length ? `cc ${ex.cc.join(', ')}` : '',
    ex.bcc?.length ? `bcc ${ex.bcc.join(', ')}` : '',
    ex.subject ? `subject “${ex.subject}”` : '',
    ex.sentAt ? `sent ${ex.sentAt}` : '',
  ].filter(Boolean);
  return `- ${ex.from} → ${ex.to.join(', ')}${extra.length ? ` (${extra.join('; ')})` : ''}: “${ex.text}”`;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
