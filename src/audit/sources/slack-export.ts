/**
 * A Slack workspace export, as a folder or the .zip Slack gives: `users.json` and one folder per channel of daily
 * JSON arrays (`general/2026-05-12.json`). Days are read one file at a time (a zip entry is inflated on its own,
 * never the whole archive), in name order; the cursor is the day file and the next message in it.
 *
 * A day file that is not valid JSON counts as one unreadable entry and the audit goes on; so does an element
 * that is not a message object. Joins, topic changes and other system events are not messages and are skipped.
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import yauzl from 'yauzl';
import { resolve, type Council } from '../../directory/council.js';
import type { Message } from '../../lint/types.js';
import { InputError } from '../../mail/errors.js';
import { fromSlackMarkup } from '../../slack/message-text.js';
import type { AuditItem, AuditSource, Cursor } from '../types.js';

/** A day of one busy channel is a few MB; anything past this is not a day file we should hold in memory. */
const MAX_DAY_FILE_BYTES = 64 * 1024 * 1024;
const DAY_FILE = /^(?:(.*)\/)?([^/]+)\/(\d{4}-\d{2}-\d{2})\.json$/;
/** Subtypes that are someone writing; everything else with a subtype is an event (join, topic, pin…). */
const WRITTEN_SUBTYPES = new Set(['thread_broadcast', 'me_message', 'file_share']);
const END_OF_FILE = Number.MAX_SAFE_INTEGER;

interface Tree {
  names: string[];
  read(name: string): Promise<Buffer>;
  close(): Promise<void>;
}

async function folderTree(root: string): Promise<Tree> {
  const names: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (entry.isFile()) names.push(entry.name);
    else if (entry.isDirectory()) {
      for (const sub of await readdir(join(root, entry.name), { withFileTypes: true })) {
        if (sub.isFile()) names.push(`${entry.name}/${sub.name}`);
      }
    }
  }
  return {
    names,
    read: async (name) => {
      const path = join(root, name);
      if ((await stat(path)).size > MAX_DAY_FILE_BYTES) throw new InputError('file too large for a Slack export day');
      return readFile(path);
    },
    close: async () => {},
  };
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((ok, fail) =>
    yauzl.open(path, { lazyEntries: true, autoClose: false }, (err, zip) => (err || !zip ? fail(err ?? new Error('zip')) : ok(zip))),
  );
}

async function zipTree(path: string): Promise<Tree> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(path);
  } catch (err) {
    throw new InputError(`${basename(path)}: not a readable zip file (${err instanceof Error ? err.message : 'unknown error'})`);
  }
  const entries = new Map<string, yauzl.Entry>();
  await new Promise<void>((ok, fail) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      if (!entry.fileName.endsWith('/')) entries.set(entry.fileName, entry);
      zip.readEntry();
    });
    zip.once('end', ok);
    zip.once('error', fail);
    zip.readEntry();
  });
  return {
    names: [...entries.keys()],
    read: (name) =>
      new Promise((ok, fail) => {
        const entry = entries.get(name)!;
        if (entry.uncompressedSize > MAX_DAY_FILE_BYTES) return fail(new InputError('file too large for a Slack export day'));
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream) return fail(err ?? new Error('zip entry'));
          const chunks: Buffer[] = [];
          let size = 0;
          stream.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_DAY_FILE_BYTES) stream.destroy(new InputError('file too large for a Slack export day'));
            else chunks.push(chunk);
          });
          stream.once('error', fail);
          stream.once('end', () => ok(Buffer.concat(chunks)));
        });
      }),
    close: async () => zip.close(),
  };
}

interface SlackUser {
  email?: string;
}

function parseUsers(buffer: Buffer | undefined): Map<string, SlackUser> {
  const users = new Map<string, SlackUser>();
  if (!buffer) return users;
  let list: unknown;
  try {
    list = JSON.parse(buffer.toString('utf8'));
  } catch {
    throw new InputError('users.json is not valid JSON');
  }
  if (!Array.isArray(list)) throw new InputError('users.json is not a list of users');
  for (const u of list as Array<{ id?: unknown; profile?: { email?: unknown } }>) {
    if (typeof u?.id !== 'string') continue;
    const email = u.profile?.email;
    users.set(u.id, typeof email === 'string' ? { email: email.toLowerCase() } : {});
  }
  return users;
}

/** One element of a day file → a Message; undefined for events that nobody wrote; throws for junk. */
export function slackExportMessage(value: unknown, channel: string, council: Council | undefined, users: Map<string, SlackUser>): Message | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError('not a Slack message object');
  const m = value as { type?: unknown; subtype?: unknown; user?: unknown; text?: unknown; ts?: unknown };
  if (m.type !== 'message') return undefined;
  if (typeof m.subtype === 'string' && !WRITTEN_SUBTYPES.has(m.subtype)) return undefined;
  if (typeof m.user !== 'string' || typeof m.text !== 'string') throw new InputError('a Slack message without user or text');
  // A person the directory knows only by email still resolves: users.json carries the email.
  const address = (id: string) => (council && !resolve(council, id) && users.get(id)?.email) || id;
  const { text, mentions } = fromSlackMarkup(m.text, council);
  const ts = typeof m.ts === 'string' ? Number(m.ts) : NaN;
  const message: Message = {
    id: `slack-${channel}-${typeof m.ts === 'string' ? m.ts : ''}`,
    channel: 'slack',
    from: address(m.user),
    to: mentions.filter((id) => id !== m.user).map(address),
    cc: [],
    bcc: [],
    text,
  };
  if (Number.isFinite(ts)) message.sentAt = new Date(ts * 1000).toISOString();
  return message;
}

export async function slackExportSource(path: string, council: Council | undefined): Promise<AuditSource> {
  const info = await stat(path);
  const tree = info.isDirectory() ? await folderTree(path) : await zipTree(path);
  // Exports made from a folder put everything under one top folder; find it from users.json.
  const usersName = tree.names.filter((n) => /(^|\/)users\.json$/.test(n)).sort((a, b) => a.length - b.length)[0];
  const prefix = usersName ? usersName.slice(0, -'users.json'.length) : '';
  let users: Map<string, SlackUser>;
  try {
    users = parseUsers(usersName ? await tree.read(usersName) : undefined);
  } catch (err) {
    await tree.close();
    throw err;
  }
  const days = tree.names
    .filter((n) => n.startsWith(prefix) && DAY_FILE.test(n.slice(prefix.length)) && n.slice(prefix.length).split('/').length === 2)
    .map((n) => n.slice(prefix.length))
    .sort();
  if (days.length === 0) {
    await tree.close();
    throw new InputError(`${basename(path)}: not a Slack export (no channel folders of daily .json files)`);
  }
  return {
    kind: 'slack-export',
    label: basename(path),
    identity: info.isDirectory()
      ? { kind: 'slack-export', path: await realpath(path), days: days.length }
      : { kind: 'slack-export', path: await realpath(path), size: info.size, mtimeMs: Math.round(info.mtimeMs) },
    total: days.length,
    unit: 'files',
    close: () => tree.close(),
    async *items(cursor: Cursor | undefined): AsyncGenerator<AuditItem> {
      const fromFile = typeof cursor?.file === 'string' ? cursor.file : '';
      const fromIndex = typeof cursor?.next === 'number' ? cursor.next : 0;
      for (let d = 0; d < days.length; d++) {
        const day = days[d]!;
        if (day < fromFile) continue;
        const channel = day.split('/')[0]!;
        let list: unknown;
        try {
          list = JSON.parse((await tree.read(prefix + day)).toString('utf8'));
          if (!Array.isArray(list)) throw new Error('not an array');
        } catch (err) {
          if (day === fromFile && fromIndex > 0) continue;
          // JSON.parse's own message quotes the text around the error: never pass it on.
          const reason = err instanceof InputError ? err.message : 'not a valid Slack export day (a JSON array)';
          yield { cursor: { file: day, next: END_OF_FILE }, progress: d + 1, where: day, load: () => Promise.reject(new InputError(reason)) };
          continue;
        }
        const start = day === fromFile ? fromIndex : 0;
        for (let i = start; i < list.length; i++) {
          let message: Message | undefined;
          let problem: unknown;
          try {
            message = slackExportMessage(list[i], channel, council, users);
          } catch (err) {
            problem = err;
          }
          if (!message && !problem) continue;
          yield {
            cursor: { file: day, next: i + 1 },
            progress: d + (i + 1) / list.length,
            where: `${day}[${i}]`,
            load: () => {
              if (problem) throw problem;
              return message!;
            },
          };
        }
      }
    },
  };
}
