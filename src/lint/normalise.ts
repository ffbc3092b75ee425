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
import { createRequire } from 'node:module';
import { compile } from 'html-to-text';
import type { Message } from './types.js';

export interface QuotedBlock {
  kind: 'reply' | 'forward' | 'slack-quote';
  /** Sender as written in the block header ("Cllr Ruth Hale <ruth.hale@…>", "Ruth Hale"), if any. */
  from?: string;
  /** The email address or Slack user id found in that header, lower-cased, if any. */
  fromAddress?: string;
  text: string;
}

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
/** Nesting depth of quotes inside quotes that is still split into separate blocks. */
const MAX_QUOTE_DEPTH = 8;

// ---------------------------------------------------------------------------------------------------------------
// Characters

/** Well-formed UTF-16: a lone surrogate becomes U+FFFD (NFKC and regexes then behave). */
const ANY_SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Characters that render as nothing (or as nothing visible) and so can split a word without showing:
 * soft hyphen, combining grapheme joiner, Arabic letter mark, Hangul fillers, Mongolian vowel separator and
 * free variation selectors, zero-width space/joiners and directional marks (U+200B–U+200F), bidi embeddings and
 * isolates, word joiner and invisible operators (U+2060–U+206F), variation selectors, the BOM, and the tag and
 * variation-selector-supplement planes (U+E0000–U+E01EF).
 */
// The class lists single code points (joiners and variation selectors are what it removes), never a letter with its mark.
/* eslint-disable no-misleading-character-class */
const INVISIBLE =
  /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0]|\uDB40[\uDC00-\uDDEF]/g;
/* eslint-enable no-misleading-character-class */
const SINGLE_QUOTES = /[\u2018\u2019\u201A\u201B\u2032\u2035\u02BC]/g;
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F\u2033\u2036]/g;
const LINE_BREAKS = /\r\n?|[\u0085\u2028\u2029]/g;
/** Runs of horizontal space (NFKC has already turned no-break and typographic spaces into U+0020). */
const HORIZONTAL_SPACE = /[ \t\f\v]{2,}|[\t\f\v]/g;
const TRAILING_SPACE = / +$/gm;
/** Anything outside ASCII and Latin-1..Latin Extended-B: only then can a homoglyph be present. */
/** Last code point of Latin Extended-B: below it every letter is Latin script. */
const LATIN_END = 0x024f;
/** A word for homoglyph folding: letters and combining marks. */
const WORD = /[\p{L}\p{M}]+/gu;
const LATIN_LETTER = /\p{Script=Latin}/u;
const LETTER = /\p{L}/u;
const ASCII_LETTER = /^[A-Za-z]$/;

/**
 * Look-alike letters from the Unicode confusables data (UTS #39, via the `unhomoglyph` package's table), kept
 * only where a non-Latin letter folds to one ASCII letter.
 *  - STRICT: the table's own target (Cyrillic а→a, і→i, Greek ο→o…); used for a whole non-Latin word that sits
 *    among Latin words.
 *  - LOOSE: STRICT plus letters whose other case folds (Greek ε via Ε→E, Cyrillic т via Т→T); used only inside
 *    a word that already mixes Latin and non-Latin letters, where the mix itself shows the disguise.
 */
const { STRICT, LOOSE } = buildHomoglyphTables();

/** Does the text hold any letter of the table? Decides whether the word-by-word pass is needed at all. */
function hasLookAlike(text: string, from = 0, to = text.length): boolean {
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code <= LATIN_END) continue;
    if (LOOSE.has(code >= 0xd800 && code <= 0xdbff ? text.slice(i, i + 2) : text[i]!)) return true;
  }
  return false;
}

function buildHomoglyphTables(): { STRICT: Map<string, string>; LOOSE: Map<string, string> } {
  const data = createRequire(import.meta.url)('unhomoglyph/data.json') as Record<string, string>;
  const isCandidate = (ch: string) =>
    [...ch].length === 1 && LETTER.test(ch) && !LATIN_LETTER.test(ch) && ch.normalize('NFKC') === ch;
  const asciiTarget = (source: string, target: string | undefined): string | undefined => {
    if (target === undefined || !ASCII_LETTER.test(target)) return undefined;
    // The skeleton folds capital I to l; a capital look-alike (Greek Ι, Cyrillic І) should read as I.
    if (target === 'l' && source !== source.toLowerCase()) return 'I';
    return target;
  };
  const strict = new Map<string, string>();
  const loose = new Map<string, string>();
  const sources = new Set<string>();
  for (const key of Object.keys(data)) {
    if (!isCandidate(key)) continue;
    sources.add(key);
    sources.add(key.toLowerCase());
    sources.add(key.toUpperCase());
  }
  for (const ch of sources) {
    if (!isCandidate(ch)) continue;
    const direct = asciiTarget(ch, data[ch]);
    if (direct) {
      strict.set(ch, direct);
      loose.set(ch, direct);
      continue;
    }
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    if (ch !== upper) {
      const viaUpper = asciiTarget(upper, data[upper]);
      if (viaUpper) loose.set(ch, viaUpper.toLowerCase());
    } else if (ch !== lower) {
      const viaLower = asciiTarget(lower, data[lower]);
      if (viaLower) loose.set(ch, viaLower.toUpperCase());
    }
  }
  return { STRICT: strict, LOOSE: loose };
}

/**
 * The character-level part of normalisation alone: line breaks to LF, NFKC, invisible characters removed,
 * look-alike letters folded inside Latin words, curly quotes straightened, runs of spaces and tabs collapsed,
 * trailing spaces trimmed. Dashes and line structure are kept. Never throws.
 */
export function normaliseText(text: string): string {
  let out = ANY_SURROGATE.test(text) ? text.replace(LONE_SURROGATE, '\uFFFD') : text;
  out = out.replace(LINE_BREAKS, '\n');
  out = out.normalize('NFKC').replace(INVISIBLE, '');
  if (hasLookAlike(out)) out = foldHomoglyphs(out);
  return out
    .replace(SINGLE_QUOTES, "'")
    .replace(DOUBLE_QUOTES, '"')
    .replace(HORIZONTAL_SPACE, ' ')
    .replace(TRAILING_SPACE, '');
}

function wordScript(word: string): { latin: boolean; other: boolean } {
  let latin = false;
  let other = false;
  for (const ch of word) {
    if (ch.charCodeAt(0) <= LATIN_END) {
      if (LETTER.test(ch)) latin = true; // WORD also admits combining marks
    } else if (LATIN_LETTER.test(ch)) latin = true;
    else if (LETTER.test(ch)) other = true;
  }
  return { latin, other };
}

/** Fold look-alike letters to Latin in words that mix scripts, or in a wholly look-alike word among Latin words. */
function foldHomoglyphs(text: string): string {
  const words = [...text.matchAll(WORD)];
  const scripts: ({ latin: boolean; other: boolean } | undefined)[] = [];
  const script = (i: number) => (scripts[i] ??= wordScript(words[i]![0]));
  const latinOnly = (i: number) => i >= 0 && i < words.length && script(i).latin && !script(i).other;
  let out = '';
  let last = 0;
  for (let i = 0; i < words.length; i++) {
    const m = words[i]!;
    const word = m[0];
    if (!hasLookAlike(word)) continue;
    const s = script(i);
    let folded: string | undefined;
    if (s.latin && s.other) {
      folded = mapLetters(word, LOOSE, false);
    } else if (s.other && word.length >= 2 && (besideLatin(text, words, latinOnly, i, -1) || besideLatin(text, words, latinOnly, i, 1))) {
      folded = mapLetters(word, STRICT, true);
    }
    if (folded === undefined || folded === word) continue;
    out += text.slice(last, m.index) + folded;
    last = m.index! + word.length;
  }
  return last === 0 ? text : out + text.slice(last);
}

/** Replace non-Latin letters found in `table`; with `all`, only when every letter of the word is in it. */
function mapLetters(word: string, table: Map<string, string>, all: boolean): string | undefined {
  let out = '';
  for (const ch of word) {
    const mapped = table.get(ch);
    if (mapped !== undefined) out += mapped;
    else if (all && LETTER.test(ch)) return undefined;
    else out += ch;
  }
  return out;
}

/** Is the neighbouring word (before or after) a Latin word on the same line? */
function besideLatin(text: string, words: RegExpMatchArray[], latinOnly: (i: number) => boolean, i: number, step: 1 | -1): boolean {
  const j = i + step;
  const here = words[i]!;
  const there = words[j];
  if (!there || !latinOnly(j)) return false;
  const [from, to] = step < 0 ? [there.index! + there[0].length, here.index!] : [here.index! + here[0].length, there.index!];
  return !text.slice(from, to).includes('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// Bodies: HTML-only email and Slack markup

let htmlConverter: ((html: string) => string) | undefined;

/** HTML to plain text: no link targets, no images, paragraphs and line breaks kept, blockquotes as `> ` lines. */
function htmlToPlain(html: string): string {
  htmlConverter ??= compile({
    wordwrap: false,
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
      // Outlook lays out signatures and headers in tables: one cell per line reads better than glued cells.
      { selector: 'table', format: 'block' },
      { selector: 'tr', format: 'block' },
      { selector: 'td', format: 'block' },
      { selector: 'th', format: 'block' },
    ],
  });
  return htmlConverter(html);
}

/** `<…>` tokens in Slack's message format (mentions, channels, special mentions, links). */
const SLACK_TOKEN = /<([^<>\n]{1,3000})>/g;
const SLACK_SPECIAL_MENTION = /^!(here|channel|everyone)\b/;
const SLACK_LINK = /^(?:[a-z][a-z0-9+.-]{0,20}:|www\.)/i;
/** `:thumbsup:`, `:+1:`, `:white_check_mark::skin-tone-3:`; not times like 10:30:00 (no letter) nor URLs. */
const SLACK_EMOJI = /(?<![\p{L}\p{N}_:/]):([a-z0-9_+'-]{1,60}):(?::skin-tone-[2-6]:)?(?![\p{L}\p{N}])/gu;
/** An emoji name has a letter (":thumbsup:"), or is one of the numeric ones (":+1:", ":-1:", ":100:"). */
const SLACK_EMOJI_NAME = /[a-z]|^(?:[+-]1|100)$/;
const SLACK_BOLD = /(?<![\p{L}\p{N}*\\])\*([^*\s](?:[^*\n]{0,998}[^*\s])?)\*(?![\p{L}\p{N}*])/gu;
const SLACK_ITALIC = /(?<![\p{L}\p{N}_\\])_([^_\s](?:[^_\n]{0,998}[^_\s])?)_(?![\p{L}\p{N}_])/gu;
const SLACK_STRIKE = /(?<![\p{L}\p{N}~\\])~([^~\s](?:[^~\n]{0,998}[^~\s])?)~(?![\p{L}\p{N}~])/gu;
const SLACK_CODE_FENCE = /```/g;
const SLACK_INLINE_CODE = /`([^`\n]{1,1000})`/g;

function slackToken(whole: string, inner: string): string {
  const bar = inner.indexOf('|');
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? undefined : inner.slice(bar + 1);
  switch (inner[0]) {
    case '@':
      return '@' + target.slice(1); // keep the user id: the directory resolves it
    case '#':
      return '#' + (label ?? target.slice(1));
    case '!': {
      const special = SLACK_SPECIAL_MENTION.exec(inner);
      if (special) return '@' + special[1];
      if (label !== undefined) return label; // user groups ("@planning"), dates: Slack's fallback text
      return '@' + target.slice(1).split('^')[0];
    }
    default:
      if (!SLACK_LINK.test(target)) return whole; // not Slack markup: leave it alone
      if (label !== undefined && label !== '') return label;
      return target.replace(/^mailto:/i, '');
  }
}

/** Slack's message format to plain text. Entities are decoded after tokens, as Slack escapes a literal `<`. */
function slackToPlain(text: string): string {
  return text
    .replace(SLACK_TOKEN, slackToken)
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(SLACK_EMOJI, (whole: string, name: string) => (SLACK_EMOJI_NAME.test(name) ? ' ' : whole))
    .replace(SLACK_CODE_FENCE, '')
    .replace(SLACK_INLINE_CODE, '$1')
    .replace(SLACK_BOLD, '$1')
    .replace(SLACK_ITALIC, '$1')
    .replace(SLACK_STRIKE, '$1');
}

// ---------------------------------------------------------------------------------------------------------------
// Structure: quotes, forwards, signatures

/** A line quoted with `>` (email quoting, Slack's blockquote). */
const QUOTE_LINE = /^ {0,3}>/;
const QUOTE_PREFIX = /^ {0,3}> ?/;
/** Cheap first look: a line that could start a reply/forward marker or header block. */
const MARKER_START = /^[ \t]*(?:[-_*]|on\b|from\b|begin\b)/i;
/** Gmail "---------- Forwarded message ---------", Apple Mail "Begin forwarded message:". */
const FORWARD_MARKERS = [
  /^[ \t]*-{2,}[ \t]*Forwarded message[ \t]*-{2,}[ \t]*$/i,
  /^[ \t]*Begin forwarded message:[ \t]*$/i,
];
/** Outlook's and others' "-----Original Message-----". */
const REPLY_MARKERS = [/^[ \t]*-{2,}[ \t]*(?:Original|Reply) Message[ \t]*-{2,}[ \t]*$/i];
/** Outlook's rule line above the header block of a reply or forward. */
const OUTLOOK_RULE = /^[ \t]*_{10,}[ \t]*$/;
/** "On Mon, 3 Mar 2025 at 10:12, Ruth Hale <ruth.hale@…> wrote:" (one line, or two when wrapped). */
const ON_WROTE = /^[ \t]*On[ \t](.{1,300})[ \t]wrote:[ \t]*$/i;
const ON_WROTE_START = /^[ \t]*On[ \t]/i;
/** "Ruth Hale wrote:", "<@U0HALE> said:" just above a `>` block. */
const WROTE_HEADER = /^[ \t]*(.{1,200}?)[ \t](?:wrote|said|writes):[ \t]*$/i;
/** One field of a quoted header block; Gmail's and Slack's bold (`*From:*`) allowed. */
const HEADER_FIELD = /^[ \t]*\*?(From|Sent|Date|To|Cc|Bcc|Subject|Reply-To|Importance)\*?[ \t]*:\*?[ \t]*(.*)$/i;
/** Header blocks are short; stop looking after this many lines. */
const MAX_HEADER_LINES = 20;
const FORWARD_SUBJECT = /^[ \t]*(?:fwd?|fw)[ \t]*:/i;
const EMAIL_ADDRESS = /[A-Za-z0-9._%+'-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}/;
const SLACK_USER = /@([UW][A-Z0-9]{2,20})\b/;

/** The RFC 3676 signature delimiter "-- " (its trailing space is already trimmed). */
const SIGNATURE_DELIMITER = /^--$/;
/** Lines after "-- " still counted as a signature; more than this and the dashes were a divider. */
const MAX_DELIMITED_SIGNATURE_LINES = 20;
/** A sign-off line, optionally with a name after it ("Thanks, Ruth"): the name is checked by SIGN_OFF_NAME. */
const SIGN_OFF =
  /^(?:(?:(?:kind|best|warm|warmest|with kind|with best)[ \t]+)?(?:regards|wishes)|many thanks|thanks(?: again| very much)?|thank you(?: very much)?|cheers|best|all the best|yours(?: sincerely| faithfully| truly)?|speak soon)[ \t]*[,.!]?(?:[ \t]+(.{1,80}))?$/i;
/** Up to three capitalised words: "Ruth", "Cllr Hale", "Amir P." (case-sensitive, unlike SIGN_OFF). */
const SIGN_OFF_NAME = /^\p{Lu}[\p{L}'.-]{0,30}(?:[ \t]+\p{Lu}[\p{L}'.-]{0,30}){0,2}$/u;
/** Mail clients' footers, treated as a signature when they end the message. */
const MOBILE_FOOTER = /^(?:Sent from my .{1,40}|Sent from (?:Outlook|Mail) for .{1,30}|Get Outlook for .{1,30})$/i;
/** A signature after a sign-off: at most this many lines, each short and not a sentence of its own. */
const MAX_SIGNATURE_LINES = 6;
const MAX_SIGNATURE_LINE_CHARS = 60;
const MAX_SIGNATURE_LINE_WORDS = 8;
const BLANK_LINE_RUN = /\n{3,}/g;
/** A horizontal rule left at the end of the authored text (HTML <hr> above a quoted reply). */
const RULE_LINE = /^[ \t]*[-_=*]{3,}[ \t]*$/;

interface Header {
  from?: string;
  fromAddress?: string;
  subject?: string;
}

interface Cut {
  kind: 'reply' | 'forward';
  header: Header;
  /** Index of the first body line after the marker and header. */
  bodyStart: number;
}

interface SplitContext {
  channel: Message['channel'];
  depth: number;
  inForward: boolean;
  /** The top-level message's subject says it is a forward (FW:/Fwd:). */
  forwardSubject: boolean;
}

interface Split {
  authored: string[];
  quoted: QuotedBlock[];
}

function addressIn(text: string): string | undefined {
  const email = EMAIL_ADDRESS.exec(text);
  if (email) return email[0].toLowerCase();
  const slack = SLACK_USER.exec(text);
  return slack ? slack[1]!.toLowerCase() : undefined;
}

function headerFrom(from: string | undefined): Header {
  const trimmed = from?.replace(/^\*+|\*+$/g, '').trim();
  if (!trimmed) return {};
  const address = addressIn(trimmed);
  return address ? { from: trimmed, fromAddress: address } : { from: trimmed };
}

/** The sender in "On <date>, <sender> wrote:": the part after the last ", " (dates carry commas, names rarely). */
function onWroteSender(inner: string): string {
  const angle = inner.lastIndexOf(' <');
  const comma = inner.lastIndexOf(', ', angle > 0 ? angle : inner.length);
  return (comma >= 0 ? inner.slice(comma + 2) : inner).trim();
}

/** Read a header block (From:/Sent:/To:/Subject:…) starting at `start`; returns the fields and where the body begins. */
function readHeaderBlock(lines: string[], start: number): { header: Header; end: number; fields: Set<string> } | undefined {
  let i = start;
  while (i < lines.length && i < start + 2 && lines[i]!.trim() === '') i++;
  const fields = new Set<string>();
  let from: string | undefined;
  let subject: string | undefined;
  let lastField = '';
  const limit = Math.min(lines.length, i + MAX_HEADER_LINES);
  for (; i < limit; i++) {
    const line = lines[i]!;
    const field = HEADER_FIELD.exec(line);
    if (field) {
      lastField = field[1]!.toLowerCase();
      fields.add(lastField);
      if (lastField === 'from' && from === undefined) from = field[2];
      if (lastField === 'subject' && subject === undefined) subject = field[2];
      continue;
    }
    if (line.trim() === '') break;
    // A wrapped To:/Cc: list continues on the next line.
    if (fields.size > 0 && (lastField === 'to' || lastField === 'cc' || lastField === 'bcc')) continue;
    break;
  }
  if (fields.size === 0) return undefined;
  return { header: { ...headerFrom(from), subject }, end: i, fields };
}

/** An Outlook-style header block without a marker line: From: plus Sent:/Date: plus To:/Subject:. */
function isBareHeaderBlock(fields: Set<string>): boolean {
  return fields.has('from') && (fields.has('sent') || fields.has('date')) && (fields.has('to') || fields.has('subject'));
}

/** Does a reply/forward marker start at line `i`? Everything from there on is quoted. */
function findCut(lines: string[], i: number): Cut | undefined {
  const line = lines[i]!;
  if (!MARKER_START.test(line)) return undefined;

  if (FORWARD_MARKERS.some((re) => re.test(line))) {
    const block = readHeaderBlock(lines, i + 1);
    return { kind: 'forward', header: block?.header ?? {}, bodyStart: block?.end ?? i + 1 };
  }
  if (REPLY_MARKERS.some((re) => re.test(line)) || OUTLOOK_RULE.test(line)) {
    const block = readHeaderBlock(lines, i + 1);
    if (!block && OUTLOOK_RULE.test(line)) return undefined; // just a rule line
    const kind = block?.header.subject && FORWARD_SUBJECT.test(block.header.subject) ? 'forward' : 'reply';
    return { kind, header: block?.header ?? {}, bodyStart: block?.end ?? i + 1 };
  }
  if (HEADER_FIELD.test(line) && /^[ \t]*\*?from/i.test(line)) {
    const block = readHeaderBlock(lines, i);
    if (!block || !isBareHeaderBlock(block.fields)) return undefined;
    const kind = block.header.subject && FORWARD_SUBJECT.test(block.header.subject) ? 'forward' : 'reply';
    return { kind, header: block.header, bodyStart: block.end };
  }
  const onWrote = matchOnWrote(lines, i);
  if (onWrote) return { kind: 'reply', header: headerFrom(onWroteSender(onWrote.inner)), bodyStart: onWrote.next };
  return undefined;
}

function matchOnWrote(lines: string[], i: number): { inner: string; next: number } | undefined {
  const line = lines[i]!;
  if (!ON_WROTE_START.test(line)) return undefined;
  const one = ON_WROTE.exec(line);
  if (one) return { inner: one[1]!, next: i + 1 };
  const next = lines[i + 1];
  if (next === undefined || line.length > 300 || next.length > 300) return undefined;
  const two = ON_WROTE.exec(line + ' ' + next.trim());
  return two ? { inner: two[1]!, next: i + 2 } : undefined;
}

function nextNonBlank(lines: string[], i: number): number {
  while (i < lines.length && lines[i]!.trim() === '') i++;
  return i;
}

/** Separate authored lines from quoted blocks, recursively for quotes within quotes. */
function splitStructure(lines: string[], ctx: SplitContext): Split {
  const authored: string[] = [];
  const quoted: QuotedBlock[] = [];
  if (ctx.depth >= MAX_QUOTE_DEPTH) return { authored: lines, quoted };
  /** The latest header seen: later `>` blocks of an inline reply quote the same sender. */
  let lastHeader: Header = {};

  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;

    if (QUOTE_LINE.test(line)) {
      let end = i;
      while (end < lines.length) {
        if (QUOTE_LINE.test(lines[end]!)) end++;
        else if (lines[end]!.trim() === '' && end + 1 < lines.length && QUOTE_LINE.test(lines[end + 1]!)) end++;
        else break;
      }
      const header = popWroteHeader(authored) ?? lastHeader;
      lastHeader = header;
      const inner = lines.slice(i, end).map((l) => l.replace(QUOTE_PREFIX, ''));
      const kind = ctx.inForward ? 'forward' : ctx.channel === 'slack' ? 'slack-quote' : 'reply';
      pushBlock(quoted, kind, header, inner, ctx);
      i = end;
      continue;
    }

    // "On … wrote:" followed by `>` lines is an inline reply: the header belongs to that block, authored text
    // may follow it. Otherwise it starts a top-posted quote that runs to the end.
    const onWrote = matchOnWrote(lines, i);
    if (onWrote) {
      const after = nextNonBlank(lines, onWrote.next);
      if (after < lines.length && QUOTE_LINE.test(lines[after]!)) {
        authored.push(...lines.slice(i, onWrote.next));
        i = onWrote.next;
        continue;
      }
    }

    const cut = findCut(lines, i);
    if (cut) {
      const forwardHere = cut.kind === 'forward' || (ctx.depth === 0 && quoted.length === 0 && ctx.forwardSubject && cut.kind === 'reply' && !onWrote);
      const kind = ctx.inForward || forwardHere ? 'forward' : 'reply';
      pushBlock(quoted, kind, cut.header, lines.slice(cut.bodyStart), ctx);
      return { authored, quoted };
    }

    authored.push(line);
    i++;
  }
  return { authored, quoted };
}

/** If the authored text so far ends with "X wrote:" (blank lines allowed), take it off as the quote's header. */
function popWroteHeader(authored: string[]): Header | undefined {
  let k = authored.length - 1;
  while (k >= 0 && authored[k]!.trim() === '') k--;
  if (k < 0) return undefined;
  const line = authored[k]!;
  let header: Header | undefined;
  const on = ON_WROTE.exec(line);
  if (on) header = headerFrom(onWroteSender(on[1]!));
  else if (k > 0 && ON_WROTE_START.test(authored[k - 1]!)) {
    const two = ON_WROTE.exec(authored[k - 1]! + ' ' + line.trim());
    if (two) {
      header = headerFrom(onWroteSender(two[1]!));
      k--;
    }
  }
  if (!header) {
    const wrote = WROTE_HEADER.exec(line);
    if (!wrote) return undefined;
    header = headerFrom(wrote[1]);
  }
  authored.length = k;
  return header;
}

function pushBlock(quoted: QuotedBlock[], kind: QuotedBlock['kind'], header: Header, lines: string[], ctx: SplitContext): void {
  const inner = splitStructure(lines, { ...ctx, depth: ctx.depth + 1, inForward: ctx.inForward || kind === 'forward' });
  const text = trimBlankLines(inner.authored.join('\n'));
  if (text !== '' || header.from !== undefined) {
    const block: QuotedBlock = { kind, text };
    if (header.from !== undefined) block.from = header.from;
    if (header.fromAddress !== undefined) block.fromAddress = header.fromAddress;
    quoted.push(block);
  }
  quoted.push(...inner.quoted);
}

function trimBlankLines(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text[start] === '\n' || text[start] === ' ')) start++;
  while (end > start && (text[end - 1] === '\n' || text[end - 1] === ' ')) end--;
  return text.slice(start, end);
}

function isSignatureLine(line: string): boolean {
  const t = line.trim();
  if (t.length > MAX_SIGNATURE_LINE_CHARS || /[?!]$/.test(t)) return false;
  return t.split(/\s+/).length <= MAX_SIGNATURE_LINE_WORDS;
}

/** Cut the signature off the authored lines: a "-- " delimiter, a mail client footer, or a sign-off near the end. */
function splitSignature(lines: string[]): { body: string[]; signature?: string } {
  let end = lines.length;
  while (end > 0 && (lines[end - 1]!.trim() === '' || RULE_LINE.test(lines[end - 1]!))) end--;
  if (end === 0) return { body: [] };

  for (let k = Math.max(0, end - MAX_DELIMITED_SIGNATURE_LINES - 1); k < end; k++) {
    if (SIGNATURE_DELIMITER.test(lines[k]!)) {
      return { body: lines.slice(0, k), signature: lines.slice(k + 1, end).join('\n').trim() };
    }
  }

  let footerAt = end;
  if (MOBILE_FOOTER.test(lines[end - 1]!.trim())) footerAt = end - 1;

  // Walk back over at most MAX_SIGNATURE_LINES short non-blank lines looking for the sign-off.
  let nonBlank = 0;
  for (let k = footerAt - 1; k >= 0; k--) {
    const line = lines[k]!.trim();
    if (line === '') continue;
    const signOff = SIGN_OFF.exec(line);
    if (signOff && (signOff[1] === undefined || SIGN_OFF_NAME.test(signOff[1]))) {
      return { body: lines.slice(0, k), signature: lines.slice(k, end).join('\n').trim() };
    }
    if (++nonBlank > MAX_SIGNATURE_LINES || !isSignatureLine(line)) break;
  }
  if (footerAt < end) return { body: lines.slice(0, footerAt), signature: lines[footerAt]!.trim() };
  return { body: lines.slice(0, end) };
}

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

// ---------------------------------------------------------------------------------------------------------------

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
  const subject = normaliseText(subjectRaw.slice(0, maxChars)).replace(/\s*\n\s*/g, ' ').trim();

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
