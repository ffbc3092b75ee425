/**
 * Protocol packs (`lexicons/protocols/<id>.yaml`): for one council's protocol, the clauses that back each rule,
 * quoted exactly. Parsing is pure; `test/protocol-packs.test.ts` proves every quote against the source text.
 */
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { RULE_IDS, type RuleId } from './rule-ids.js';

const clause = z
  .object({
    ref: z.string().min(1),
    quote: z.string().min(10),
    /** Only in the `model` pack: the pack whose source the quote comes from. */
    protocol: z.string().optional(),
  })
  .strict();

const packSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    title: z.string().min(1),
    council: z.string().min(1),
    /** File name in ../shared/protocols, or null for the model pack (which quotes the others). */
    source: z.string().nullable(),
    rules: z.partialRecord(z.enum(RULE_IDS), z.array(clause).min(1)),
  })
  .strict();

export type Clause = z.infer<typeof clause>;
export type ProtocolPack = z.infer<typeof packSchema>;

export class ProtocolPackError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.join('; ')}`);
    this.name = 'ProtocolPackError';
  }
}

export function parseProtocolPack(text: string, file: string): ProtocolPack {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ProtocolPackError(
      file,
      doc.errors.map((e) => `line ${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`),
    );
  }
  const parsed = packSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    throw new ProtocolPackError(
      file,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`),
    );
  }
  const pack = parsed.data;
  if (pack.id === 'model') {
    for (const [rule, clauses] of Object.entries(pack.rules)) {
      for (const c of clauses ?? []) if (!c.protocol) throw new ProtocolPackError(file, [`rules.${rule}: a model clause names its protocol`]);
    }
  }
  return pack;
}

/** Collapse the PDF-extraction layout noise (runs of whitespace, curly quotes) so a quote can be found verbatim. */
export function normaliseForQuote(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Every quote (fragments separated by " … " must appear in order) appears in the protocol's text. */
export function missingQuotes(pack: ProtocolPack, sourceText: (file: string) => string, sourceOf: (packId: string) => string | null): string[] {
  const missing: string[] = [];
  for (const [rule, clauses] of Object.entries(pack.rules) as [RuleId, Clause[]][]) {
    for (const c of clauses) {
      const file = c.protocol ? sourceOf(c.protocol) : pack.source;
      if (!file) {
        missing.push(`${rule} ${c.ref}: no source for protocol "${c.protocol}"`);
        continue;
      }
      const haystack = normaliseForQuote(sourceText(file));
      let from = 0;
      for (const fragment of c.quote.split(' … ').map(normaliseForQuote)) {
        const at = haystack.indexOf(fragment, from);
        if (at < 0) {
          missing.push(`${rule} ${c.ref}: "${fragment.slice(0, 60)}…" is not in ${file}`);
          break;
        }
        from = at + fragment.length;
      }
    }
  }
  return missing;
}
