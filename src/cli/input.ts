/**
 * What `probity check` reads: an `.eml`, a `.json` message (or an array of them), a `.jsonl` file of messages, a
 * `.txt` file of plain text (a message body), or stdin, whose format is sniffed (plain text when it is neither JSON
 * nor starts with mail headers). Yields messages and per-message problems in order; a problem with the input as a
 * whole (missing, binary, too large, not a message) is thrown as an InputError naming the file.
 *
 * JSONL is streamed line by line, so an export of any size is fine. Lines are split on raw bytes rather than with
 * `readline`, because a line's bytes must be checked as UTF-8 before they are decoded: readline would have turned
 * invalid bytes into U+FFFD already.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Message } from '../lint/types.js';
import { assertLooksLikeMessage, describeBytes, MAX_EML_BYTES, parseEml } from '../mail/eml.js';
import { InputError } from '../mail/errors.js';
import { parseMessage } from './message-schema.js';
import { emlBodyStart, jsonBodyStart, type MessageSource } from './source-position.js';

export interface InputMessage {
  kind: 'message';
  message: Message;
  /** How the text output names it: `file`, `file#id`, `file:line`. */
  header: string;
  /** The id in JSON output: the message's own id, else the file (and line or index). */
  id: string;
  /** Plain text, which has no sender or recipients of its own (they come from `--from`/`--to`). */
  plainText?: true;
  /** Where the body is in the file, so that a finding can be placed in the file itself (source-position.ts). */
  source: MessageSource;
}

export interface InputProblem {
  kind: 'problem';
  /** `file:line`, `file[index]` or `file`. */
  where: string;
  reason: string;
}

export type InputItem = InputMessage | InputProblem;

type Format = 'eml' | 'json' | 'jsonl' | 'text';

/** One input file (or one JSONL line) may be at most this large; matches the MIME limit. */
export const MAX_INPUT_BYTES = MAX_EML_BYTES;
const MAX_INPUT = describeBytes(MAX_INPUT_BYTES);
/** How much of the start is read to tell the format and to spot binary content (NUL bytes), as git does. */
const SNIFF_BYTES = 8 * 1024;
const NEWLINE = 0x0a;
const EXTENSIONS: Record<string, Format> = { '.eml': 'eml', '.json': 'json', '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.txt': 'text' };
/** The extensions read from a folder or a glob. */
export const MESSAGE_EXTENSIONS: readonly string[] = Object.keys(EXTENSIONS);
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export const STDIN_NAME = '<stdin>';

export interface InputOptions {
  /** Only called when the input is '-': creating process.stdin has side effects. */
  stdin: () => NodeJS.ReadableStream;
  /** How the file is named in output and errors (default: `file` itself, or <stdin>). */
  name?: string;
  /** Sender and recipients of plain text (`--from`, `--to`). */
  plainText?: { from?: string; to?: readonly string[] };
}

/** Read `file` ('-' for stdin) and yield its messages, and the problems with individual messages, in order. */
export async function* readInput(file: string, options: InputOptions): AsyncGenerator<InputItem> {
  const name = options.name ?? (file === '-' ? STDIN_NAME : file);
  const source = file === '-' ? (options.stdin() as AsyncIterable<Buffer>) : await openFile(file, name);
  const peeked = await peek(source);
  if (peeked.head.subarray(0, SNIFF_BYTES).includes(0)) {
    throw new InputError(`${name}: binary content, not ${extname(file).toLowerCase() === '.eml' ? 'an email message' : 'a message'}`);
  }
  if (peeked.ended && isBlank(peeked.head)) return; // an empty file holds no messages: nothing to report

  const format = EXTENSIONS[extname(file).toLowerCase()] ?? sniff(peeked.head);
  if (format === 'jsonl') {
    yield* readJsonLines(name, peeked.chunks);
    return;
  }
  const whole = await collect(name, peeked.chunks);
  if (format === 'text') {
    yield plainTextMessage(name, whole, options.plainText ?? {});
    return;
  }
  if (format === 'eml') {
    try {
      const message = await parseEml(whole, { strictCharset: true });
      // The file as UTF-8 (an 8-bit charset's letters become U+FFFD; words with them fall back to the body's line).
      const text = withoutBom(whole).toString('utf8');
      yield { kind: 'message', message, header: name, id: message.id ?? name, source: { text, line: 1, bodyStart: emlBodyStart(text), encoding: 'plain' } };
    } catch (err) {
      if (err instanceof InputError) throw new InputError(`${name}: ${err.message}`);
      throw err;
    }
    return;
  }
  yield* readJson(name, whole);
}

/** Plain text is a message body: an email from `--from` to `--to`, or from and to nobody the directory knows. */
function plainTextMessage(name: string, whole: Buffer, people: { from?: string; to?: readonly string[] }): InputMessage {
  const text = decodeUtf8(withoutBom(whole));
  if (text === undefined) throw new InputError(`${name}: not valid UTF-8`);
  const message: Message = { channel: 'email', from: people.from ?? '', to: [...(people.to ?? [])], cc: [], bcc: [], text };
  return { kind: 'message', message, header: name, id: name, plainText: true, source: { text, line: 1, bodyStart: 0, encoding: 'plain' } };
}

async function openFile(file: string, name = file): Promise<AsyncIterable<Buffer>> {
  let info;
  try {
    info = await stat(file);
  } catch (err) {
    throw fileError(name, err);
  }
  if (info.isDirectory()) throw new InputError(`${name}: is a directory, not a message file`);
  if (info.isFile() && info.size > MAX_INPUT_BYTES && !EXTENSIONS_STREAMED.has(extname(file).toLowerCase())) {
    throw new InputError(`${name}: message is larger than ${MAX_INPUT}`);
  }
  return createReadStream(file);
}

/** JSONL is read line by line, so the file as a whole may be larger than one message's limit. */
const EXTENSIONS_STREAMED = new Set(['.jsonl', '.ndjson']);

/** A one-line reason for a failed file operation (ENOENT and friends), as an InputError. */
export function fileError(file: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file',
    EACCES: 'permission denied',
    EISDIR: 'is a directory, not a message file',
    ENOTDIR: 'no such file (a part of the path is not a directory)',
  };
  if (code && reasons[code]) return new InputError(`${file}: ${reasons[code]}`);
  return err instanceof Error ? err : new Error(String(err));
}

interface Peeked {
  /** At least SNIFF_BYTES (or all of the input), and for input starting with `{` its whole first line. */
  head: Buffer;
  ended: boolean;
  /** The whole input again, head first. */
  chunks: AsyncIterable<Buffer>;
}

/** Read enough of the start to sniff the format without losing it for the reader that follows. */
async function peek(source: AsyncIterable<Buffer>): Promise<Peeked> {
  const it = source[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let size = 0;
  let sawNewline = false;
  let ended = false;
  let startsWithBrace: boolean | undefined;
  for (;;) {
    if (size >= SNIFF_BYTES) {
      startsWithBrace ??= firstChar(Buffer.concat(parts)) === '{';
      // To tell one JSON object from JSON Lines the first line must be whole (bounded by the size limit).
      if (!startsWithBrace || sawNewline || size > MAX_INPUT_BYTES) break;
    }
    const next = await it.next();
    if (next.done) {
      ended = true;
      break;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    parts.push(chunk);
    size += chunk.length;
    if (chunk.includes(NEWLINE)) sawNewline = true;
  }
  const head = Buffer.concat(parts);
  const chunks = (async function* () {
    yield head;
    if (ended) return;
    for (let next = await it.next(); !next.done; next = await it.next()) {
      yield typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    }
  })();
  return { head, ended, chunks };
}

function withoutBom(buffer: Buffer): Buffer {
  return buffer.subarray(0, 3).equals(UTF8_BOM) ? buffer.subarray(3) : buffer;
}

function firstChar(buffer: Buffer): string | undefined {
  const text = withoutBom(buffer).subarray(0, 4096).toString('latin1').trimStart();
  return text[0];
}

function isBlank(buffer: Buffer): boolean {
  return withoutBom(buffer).toString('latin1').trim() === '';
}

/**
 * '[' or a multi-line object → JSON; an object on the first line → JSON Lines; a header block → MIME; anything else
 * → plain text. (A file named `.eml` is MIME whatever it holds, and one without headers is refused.)
 */
function sniff(head: Buffer): Format {
  const first = firstChar(head);
  if (first === '[') return 'json';
  if (first !== '{') return looksLikeMime(head) ? 'eml' : 'text';
  const body = withoutBom(head);
  const end = body.indexOf(NEWLINE);
  try {
    JSON.parse(body.subarray(0, end < 0 ? body.length : end).toString('utf8'));
    return 'jsonl';
  } catch {
    return 'json';
  }
}

function looksLikeMime(head: Buffer): boolean {
  try {
    assertLooksLikeMessage(head);
    return true;
  } catch {
    return false;
  }
}

async function collect(name: string, chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.length;
    if (size > MAX_INPUT_BYTES) throw new InputError(`${name}: message is larger than ${MAX_INPUT}`);
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function decodeUtf8(bytes: Buffer): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function* readJson(name: string, whole: Buffer): Generator<InputItem> {
  const text = decodeUtf8(whole);
  if (text === undefined) throw new InputError(`${name}: not valid UTF-8`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InputError(`${name}: not valid JSON`);
  }
  if (!Array.isArray(value)) {
    const parsed = parseMessage(value);
    if (!parsed.ok) throw new InputError(`${name}: ${parsed.reason}`);
    const id = parsed.message.id;
    yield { kind: 'message', message: parsed.message, header: id ? `${name}#${id}` : name, id: id ?? name, source: jsonSource(text, 1, parsed.message) };
    return;
  }
  let from = 0;
  for (const [index, element] of value.entries()) {
    const parsed = parseMessage(element);
    const where = `${name}[${index}]`;
    if (!parsed.ok) {
      yield { kind: 'problem', where, reason: parsed.reason };
      continue;
    }
    const id = parsed.message.id;
    const source = jsonSource(text, 1, parsed.message, from);
    from = source.bodyStart;
    yield { kind: 'message', message: parsed.message, header: id ? `${name}#${id}` : where, id: id ?? where, source };
  }
}

/** A JSON message's body is its `text` (or, for HTML-only mail, its `html`) value, JSON-escaped. */
function jsonSource(text: string, line: number, message: Message, from = 0): MessageSource {
  const body = message.text !== '' ? message.text : (message.html ?? '');
  return { text, line, bodyStart: jsonBodyStart(text, body, from), encoding: 'json' };
}

async function* readJsonLines(name: string, chunks: AsyncIterable<Buffer>): AsyncGenerator<InputItem> {
  for await (const { number, bytes } of splitLines(chunks, MAX_INPUT_BYTES)) {
    const where = `${name}:${number}`;
    if (bytes === null) {
      yield { kind: 'problem', where, reason: `message is larger than ${MAX_INPUT}` };
      continue;
    }
    let line = bytes[bytes.length - 1] === 0x0d ? bytes.subarray(0, -1) : bytes;
    if (number === 1) line = withoutBom(line);
    const text = decodeUtf8(line);
    if (text === undefined) {
      yield { kind: 'problem', where, reason: 'not valid UTF-8' };
      continue;
    }
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      yield { kind: 'problem', where, reason: 'not valid JSON' };
      continue;
    }
    const parsed = parseMessage(value);
    if (!parsed.ok) {
      yield { kind: 'problem', where, reason: parsed.reason };
      continue;
    }
    const id = parsed.message.id;
    yield { kind: 'message', message: parsed.message, header: id ? `${name}#${id}` : where, id: id ?? where, source: jsonSource(text, number, parsed.message) };
  }
}

/** Split a byte stream into lines (without the LF). A line longer than `maxBytes` comes out as `bytes: null`, unread. */
async function* splitLines(chunks: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<{ number: number; bytes: Buffer | null }> {
  let parts: Buffer[] = [];
  let size = 0;
  let number = 0;
  const take = (last: Buffer): Buffer | null => {
    const tooLong = size + last.length > maxBytes;
    const bytes = tooLong ? null : parts.length === 0 ? last : Buffer.concat([...parts, last]);
    parts = [];
    size = 0;
    return bytes;
  };
  for await (const chunk of chunks) {
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      number++;
      yield { number, bytes: take(chunk.subarray(start, nl)) };
      start = nl + 1;
    }
    const rest = chunk.subarray(start);
    if (rest.length > 0) {
      // Past the limit, keep counting but stop holding the bytes.
      if (size + rest.length <= maxBytes) parts.push(rest);
      else parts = [];
      size += rest.length;
    }
  }
  if (size > 0) {
    number++;
    yield { number, bytes: take(Buffer.alloc(0)) };
  }
}
