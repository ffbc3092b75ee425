/**
 * An mbox file, streamed: messages are split on "From " separator lines (at the start of the file or after a
 * blank line, as mboxrd/mboxcl writers put them) while the file is read in chunks, so memory stays bounded
 * whatever the file's size. A message larger than the MIME limit is skipped (counted unreadable), not held.
 * The cursor is the byte offset where the next separator starts, so a resumed audit seeks straight there.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { describeBytes, MAX_EML_BYTES, parseEml } from '../../mail/eml.js';
import { InputError } from '../../mail/errors.js';
import type { AuditItem, AuditSource, Cursor } from '../types.js';

/** Read size: large enough that syscalls do not dominate, small enough to be irrelevant to peak memory. */
const CHUNK_BYTES = 1024 * 1024;
const FROM = Buffer.from('From ');
const LF = 0x0a;
const GT = 0x3e;

function isBlank(line: Buffer): boolean {
  return line.length === 0 || (line.length === 1 && line[0] === 0x0d);
}

/** `>From ` and `>>From ` lines were escaped by the writer (mboxrd): take one `>` off. */
function unescapeFrom(line: Buffer): Buffer {
  if (line[0] !== GT) return line;
  let i = 0;
  while (line[i] === GT) i++;
  return line.subarray(i, i + FROM.length).equals(FROM) ? line.subarray(1) : line;
}

export interface MboxEntry {
  /** Byte offsets of the separator line and of the end (the next separator, or the end of the file). */
  start: number;
  end: number;
  /** The message without its separator line; undefined when it was too large to keep. */
  raw: Buffer | undefined;
  /** Text before the first separator line, which is not an mbox entry. */
  preamble: boolean;
}

/** Split an mbox from `offset` (which must be the start of a separator line, or 0). */
export async function* mboxEntries(path: string, offset = 0, maxBytes = MAX_EML_BYTES): AsyncGenerator<MboxEntry> {
  const stream = createReadStream(path, { start: offset, highWaterMark: CHUNK_BYTES });
  let parts: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  let start = offset;
  let preamble = true;
  let anyContent = false;
  let prevBlank = true;
  let lineStart = offset;
  let carry: Buffer | null = null;

  const finish = (end: number): MboxEntry | undefined => {
    // The blank line before a separator belongs to the separator.
    if (!tooLarge && parts.length > 0 && isBlank(parts[parts.length - 1]!)) parts.pop();
    const entry: MboxEntry = { start, end, raw: tooLarge ? undefined : joinLines(parts), preamble };
    const keep = !preamble || anyContent;
    parts = [];
    size = 0;
    tooLarge = false;
    anyContent = false;
    return keep ? entry : undefined;
  };

  const onLine = (line: Buffer): MboxEntry | undefined => {
    let out: MboxEntry | undefined;
    if (prevBlank && line.length >= FROM.length && line.subarray(0, FROM.length).equals(FROM)) {
      out = finish(lineStart);
      start = lineStart;
      preamble = false;
      prevBlank = false;
      return out;
    }
    prevBlank = isBlank(line);
    if (!prevBlank) anyContent = true;
    if (tooLarge) return undefined;
    size += line.length + 1;
    if (size > maxBytes) {
      tooLarge = true;
      parts = [];
      return undefined;
    }
    parts.push(unescapeFrom(line));
    return undefined;
  };

  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
      carry = null;
      let pos = 0;
      for (;;) {
        const nl = buf.indexOf(LF, pos);
        if (nl < 0) break;
        const entry = onLine(buf.subarray(pos, nl));
        lineStart += nl - pos + 1;
        pos = nl + 1;
        if (entry) yield entry;
      }
      if (pos < buf.length) {
        carry = Buffer.from(buf.subarray(pos));
        // A line longer than the limit cannot be part of a message we keep.
        if (carry.length > maxBytes) {
          tooLarge = true;
          parts = [];
          prevBlank = false;
          lineStart += carry.length;
          carry = null;
        }
      }
    }
    if (carry) {
      const entry = onLine(carry);
      lineStart += carry.length;
      if (entry) yield entry;
    }
    const last = finish(lineStart);
    if (last) yield last;
  } finally {
    stream.destroy();
  }
}

function joinLines(lines: Buffer[]): Buffer {
  let total = 0;
  for (const l of lines) total += l.length + 1;
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const l of lines) {
    l.copy(out, at);
    at += l.length;
    out[at++] = LF;
  }
  return out;
}

export async function mboxSource(path: string): Promise<AuditSource> {
  const info = await stat(path);
  const name = basename(path);
  return {
    kind: 'mbox',
    label: name,
    identity: { kind: 'mbox', path: await realpath(path), size: info.size, mtimeMs: Math.round(info.mtimeMs) },
    total: info.size,
    unit: 'bytes',
    async *items(cursor: Cursor | undefined): AsyncGenerator<AuditItem> {
      const offset = typeof cursor?.offset === 'number' ? cursor.offset : 0;
      for await (const entry of mboxEntries(path, offset)) {
        const raw = entry.raw;
        const bytes = (): Buffer => {
          if (entry.preamble) throw new InputError('text before the first "From " line is not an mbox message');
          if (raw === undefined) throw new InputError(`message is larger than ${describeBytes(MAX_EML_BYTES)}`);
          return raw;
        };
        yield {
          cursor: { offset: entry.end },
          progress: entry.end,
          where: `${name}@${entry.start}`,
          raw: bytes,
          load: () => parseEml(bytes()),
        };
      }
    },
  };
}
