/**
 * Where a finding is in the file the user gave, rather than in the text the engine analysed: an editor or a
 * code-scanning tool opens the file at this place. The engine's span is an offset into the normalised body of
 * the message (headers, JSON quoting and Unicode folding gone), so the words it covers are looked for in the file
 * itself: in a message body, after the body's start, the same occurrence of the same words (whitespace and line
 * breaks may differ; in JSON the words are JSON-escaped). Where the file holds the body encoded (quoted-printable,
 * base64, HTML), the place is the body's line plus the finding's line in it, which is where a reader would look.
 */
import type { Span } from '../lint/types.js';

/** Where a message's body is in its file, and how it is written there. */
export interface MessageSource {
  /** The file's text (or, for a JSON Lines record, the line's). Held in memory only, never written anywhere. */
  text: string;
  /** The file line on which `text` starts (a JSONL record's line number; 1 otherwise). */
  line: number;
  /** Where the body starts in `text`: after the header block of an email, at the `"text"` value of JSON. */
  bodyStart: number;
  /** `json`: the body is a JSON string, its line breaks written `\n`. */
  encoding: 'plain' | 'json';
}

/** 1-based lines and columns (UTF-16 code units, as SARIF counts by default); `end` is just after the last character. */
export interface Region {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  /** The words were not found in the file (an encoded body): the place is the body's line plus the finding's. */
  approximate?: true;
}

const WORD = /\S+/g;

/** A pattern for `words` that lets whitespace (and, in JSON, escaped line breaks and tabs) differ between them. */
function wordsPattern(words: readonly string[], encoding: MessageSource['encoding']): RegExp {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const literal = (w: string) => escape(encoding === 'json' ? JSON.stringify(w).slice(1, -1) : w);
  const gap = encoding === 'json' ? '(?:\\s|\\\\[nrt])+' : '\\s+';
  return new RegExp(words.map(literal).join(gap), 'g');
}

/** Start offset of every match of `pattern` in `text` from `from` on. */
function matches(pattern: RegExp, text: string, from: number, until = Infinity): number[][] {
  const found: number[][] = [];
  pattern.lastIndex = from;
  for (let m = pattern.exec(text); m !== null && m.index < until; m = pattern.exec(text)) {
    found.push([m.index, m.index + m[0].length]);
    if (m[0].length === 0) pattern.lastIndex++;
  }
  return found;
}

/** 1-based line and column of `offset` in `text`, counted from `firstLine`. */
function lineColumn(text: string, offset: number, firstLine: number): { line: number; column: number } {
  let line = firstLine;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * The finding's place in the file: `analysed` is the normalised body the span indexes into (`normalise(message).text`).
 */
export function regionInFile(source: MessageSource, analysed: string, span: Span): Region {
  const words = analysed.slice(span.start, span.end).match(WORD) ?? [];
  if (words.length > 0) {
    // Which occurrence of these words the finding is, in the analysed text; the same one is taken in the file.
    const nth = matches(wordsPattern(words, 'plain'), analysed, 0, span.start + 1).length - 1;
    const inFile = matches(wordsPattern(words, source.encoding), source.text, source.bodyStart);
    const hit = inFile[Math.max(0, nth)] ?? inFile[0];
    if (hit) {
      const start = lineColumn(source.text, hit[0]!, source.line);
      const end = lineColumn(source.text, hit[1]!, source.line);
      return { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column };
    }
  }
  // Not in the file as written: the body's line plus the finding's line within the body.
  const body = lineColumn(source.text, source.bodyStart, source.line);
  if (source.encoding === 'json') return { startLine: body.line, startColumn: body.column, endLine: body.line, endColumn: body.column, approximate: true };
  const line = body.line + span.line - 1;
  const column = span.line === 1 ? body.column + span.column - 1 : span.column;
  return { startLine: line, startColumn: column, endLine: line, endColumn: column + Math.max(0, span.end - span.start), approximate: true };
}

/** Where the body of an email starts: after the first blank line that ends the header block. */
export function emlBodyStart(text: string): number {
  const m = /\r?\n\r?\n/.exec(text);
  return m ? m.index + m[0].length : text.length;
}

/** Where the body of a JSON message starts: its `"text"` value, found as JSON would write it (else the object's start). */
export function jsonBodyStart(text: string, body: string, from = 0): number {
  const exact = text.indexOf(JSON.stringify(body), from);
  if (exact !== -1) return exact + 1;
  const key = /"text"\s*:\s*"/g;
  key.lastIndex = from;
  const m = key.exec(text);
  return m ? m.index + m[0].length : from;
}
