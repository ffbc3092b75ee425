/**
 * Structure: quoted replies, forwarded messages and Slack `>` quotes are separated from what the author wrote
 * (forwards keep `kind: 'forward'` and their sender, which `silent-copy` needs); the signature is cut.
 */
import type { Message } from '../types.js';

export interface QuotedBlock {
  kind: 'reply' | 'forward' | 'slack-quote';
  /** Sender as written in the block header ("Cllr Ruth Hale <ruth.hale@…>", "Ruth Hale"), if any. */
  from?: string;
  /** The email address or Slack user id found in that header, lower-cased, if any. */
  fromAddress?: string;
  text: string;
}

/** Nesting depth of quotes inside quotes that is still split into separate blocks. */
const MAX_QUOTE_DEPTH = 8;

/** A line quoted with `>` (email quoting, Slack's blockquote). */
const QUOTE_LINE = /^ {0,3}>/;
const QUOTE_PREFIX = /^ {0,3}> ?/;
/** Cheap first look: a line that could start a reply/forward marker or header block. */
const MARKER_START = /^[ \t]*(?:[-_*]|on\b|from\b|begin\b)/i;
/** Gmail "---------- Forwarded message ---------", Apple Mail "Begin forwarded message:". */
const FORWARD_MARKERS = [/^[ \t]*-{2,}[ \t]*Forwarded message[ \t]*-{2,}[ \t]*$/i, /^[ \t]*Begin forwarded message:[ \t]*$/i];
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
export const FORWARD_SUBJECT = /^[ \t]*(?:fwd?|fw)[ \t]*:/i;
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
export function splitStructure(lines: string[], ctx: SplitContext): Split {
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

export function trimBlankLines(text: string): string {
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
export function splitSignature(lines: string[]): { body: string[]; signature?: string } {
  let end = lines.length;
  while (end > 0 && (lines[end - 1]!.trim() === '' || RULE_LINE.test(lines[end - 1]!))) end--;
  if (end === 0) return { body: [] };

  for (let k = Math.max(0, end - MAX_DELIMITED_SIGNATURE_LINES - 1); k < end; k++) {
    if (SIGNATURE_DELIMITER.test(lines[k]!)) {
      return {
        body: lines.slice(0, k),
        signature: lines
          .slice(k + 1, end)
          .join('\n')
          .trim(),
      };
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
