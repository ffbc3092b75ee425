/**
 * Input normalisation: turns a message from any channel into the text the rules read.
 *
 * Three layers, in this order:
 *  1. the body: HTML-only email to text, Slack markup to plain words;
 *  2. characters: NFKC, invisible characters removed, look-alike letters folded to Latin inside Latin words,
 *     curly quotes straightened, spaces collapsed (`normaliseText`);
 *  3. structure: quoted replies, forwarded messages and Slack `>` quotes are separated from what the author
 *     wrote (forwards keep `kind: 'forward'` and their sender, which `silent-copy` needs); the signature is cut.
 *
 * Pure: no I/O, no clock. Every pattern is anchored to a line and bounded, so the cost stays linear in the input.
 */
import type { Message } from '../types.js';
import { htmlToPlain, slackToPlain } from './bodies.js';
import { normaliseText } from './characters.js';
import { FORWARD_SUBJECT, splitSignature, splitStructure, trimBlankLines, type QuotedBlock } from './structure.js';

export { normaliseText } from './characters.js';
export type { QuotedBlock } from './structure.js';

export interface NormalisedMessage {
  /** What the author wrote, normalised. Spans in findings are offsets into this string. */
  text: string;
  /** Normalised the same way, on one line ('' when none). */
  subject: string;
  /** Quoted replies, forwarded messages, Slack '>' quotes: separated from `text`, in reading order. */
  quoted: QuotedBlock[];
  /** The separated signature (sign-off included), if one was found. */
  signature?: string;
  /** The authored text was longer than maxChars (or the body far longer than that) and was cut. */
  truncated: boolean;
  /** Length of the body as received (`text`, or `html` for HTML-only email), in UTF-16 code units. */
  originalLength: number;
}

/** The engine analyses at most this many characters of authored text (the CLI says so in an info finding). */
export const MAX_ANALYSED_CHARS = 100_000;

/**
 * Only this multiple of maxChars of the raw body is looked at. Normalisation can only shrink text by removing
 * invisible characters and quoted parts; past 4× the cap, the rest cannot reach the analysed text in any
 * realistic message, and reading a 50 MB body in full would cost seconds.
 */
const RAW_SCAN_FACTOR = 4;
/** HTML carries markup: allow more raw characters before the converted text reaches the cap. */
const HTML_SCAN_FACTOR = 10;
/** Removing a quote from between paragraphs leaves a run of blank lines. */
const BLANK_LINE_RUN = /\n{3,}/g;

/** Cut `text` to at most `max` characters, at a whitespace boundary when one is near, never inside a surrogate pair. */
function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max;
  const space = Math.max(text.lastIndexOf(' ', max), text.lastIndexOf('\n', max));
  if (space >= max * 0.8) cut = space;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return text.slice(0, Math.max(0, cut)).trimEnd();
}

/** Normalise a message for the rules: the authored text, subject, quoted blocks and signature, separated. */
export function normalise(message: Message, options: { maxChars?: number } = {}): NormalisedMessage {
  const maxChars = Math.max(0, Math.floor(options.maxChars ?? MAX_ANALYSED_CHARS));
  const text = typeof message.text === 'string' ? message.text : '';
  const html = typeof message.html === 'string' ? message.html : '';
  const useHtml = text.trim() === '' && html.trim() !== '';
  const raw = useHtml ? html : text;
  const originalLength = raw.length;

  const scanLimit = maxChars * (useHtml ? HTML_SCAN_FACTOR : RAW_SCAN_FACTOR) + 1;
  let body = raw.length > scanLimit ? raw.slice(0, scanLimit) : raw;
  let truncated = body.length < raw.length;
  if (useHtml) body = htmlToPlain(body);
  else if (message.channel === 'slack') body = slackToPlain(body);

  const subjectRaw = typeof message.subject === 'string' ? message.subject : '';
  const subject = normaliseText(subjectRaw.slice(0, maxChars))
    .replace(/\s*\n\s*/g, ' ')
    .trim();

  const lines = normaliseText(body).split('\n');
  const structure = splitStructure(lines, {
    channel: message.channel,
    depth: 0,
    inForward: false,
    forwardSubject: FORWARD_SUBJECT.test(subject),
  });
  const { body: authoredLines, signature } = splitSignature(structure.authored);

  // Removing a quote from between paragraphs leaves a run of blank lines: keep one.
  let authored = trimBlankLines(authoredLines.join('\n')).replace(BLANK_LINE_RUN, '\n\n');
  if (authored.length > maxChars) {
    authored = capText(authored, maxChars);
    truncated = true;
  }
  const result: NormalisedMessage = {
    text: authored,
    subject,
    quoted: structure.quoted.map((q) => ({ ...q, text: capText(q.text, maxChars) })),
    truncated,
    originalLength,
  };
  if (signature) result.signature = signature;
  return result;
}
