/** Which kind of input a path is: an mbox file, a Maildir, a folder of .eml, or a Slack export (folder or .zip). */
import { existsSync, statSync } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Council } from '../../directory/council.js';
import { InputError } from '../../mail/errors.js';
import type { AuditSource } from '../types.js';
import { emlFolderSource, maildirSource } from './files.js';
import { mboxSource } from './mbox.js';
import { slackExportSource } from './slack-export.js';

export type InputKind = 'mbox' | 'maildir' | 'eml' | 'slack';

/** Said whenever an input is refused, so the reader knows what to give instead. */
const ACCEPTS = 'audit reads an mbox file, a Maildir, a folder of .eml files, a Slack export (folder or .zip) or --imap <mailbox>';

/** Exports people try that audit cannot read, and how to turn them into one it can. */
const HINTS: Record<string, string> = {
  '.pst': 'an Outlook data file (.pst) is not read directly: convert it to mbox first (readpst -o out/ mail.pst, from pst-utils) and audit the result',
  '.ost':
    'an Outlook offline data file (.ost) is not read directly: export the mailbox from Outlook or Exchange as .pst, convert it to mbox (readpst) and audit the result',
  '.msg': 'an Outlook message (.msg) is not read directly: save messages as .eml (or convert them with msgconvert) into a folder and audit the folder',
  '.eml': 'one message: check it with probity check, or audit the folder it is in',
};

/** How much of a file is read to see whether it is an mbox. */
const MBOX_SNIFF_BYTES = 4096;

/** An mbox starts (after any blank lines) with a "From " separator line; anything else would be one unreadable entry. */
async function assertMbox(path: string): Promise<void> {
  const hint = HINTS[extname(path).toLowerCase()];
  if (hint) throw new InputError(`${path}: ${hint}`);
  const file = await open(path, 'r');
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(MBOX_SNIFF_BYTES);
    const { bytesRead } = await file.read(buffer, 0, MBOX_SNIFF_BYTES, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
  if (head.length === 0) throw new InputError(`${path}: an empty file; ${ACCEPTS}`);
  const text = head
    .toString('latin1')
    .replace(/^\xEF\xBB\xBF/, '')
    .replace(/^(?:[ \t]*\r?\n)+/, '');
  if (!text.startsWith('From ')) throw new InputError(`${path}: not an mbox file (it does not start with a "From " line); ${ACCEPTS}`);
}

export async function detectKind(path: string): Promise<InputKind> {
  const info = statSync(path);
  if (info.isFile()) return /\.zip$/i.test(path) ? 'slack' : 'mbox';
  if (!info.isDirectory()) throw new InputError(`${path}: not a file or a folder; ${ACCEPTS}`);
  if (existsSync(join(path, 'cur')) || existsSync(join(path, 'new'))) return 'maildir';
  const names = await readdir(path);
  if (names.includes('users.json') || names.includes('channels.json')) return 'slack';
  if (names.some((n) => /\.eml$/i.test(n))) return 'eml';
  throw new InputError(`${path}: not a Maildir (cur/, new/), a folder of .eml files or a Slack export (users.json); ${ACCEPTS}`);
}

export async function openPath(path: string, kind: InputKind | undefined, council: Council): Promise<AuditSource> {
  if (!existsSync(path)) throw new InputError(`${path}: no such file or folder`);
  const k = kind ?? (await detectKind(path));
  switch (k) {
    case 'mbox':
      if (statSync(path).isDirectory()) throw new InputError(`${path}: a folder, not an mbox file; ${ACCEPTS}`);
      await assertMbox(path);
      return mboxSource(path);
    case 'maildir':
      return maildirSource(path);
    case 'eml':
      return emlFolderSource(path);
    case 'slack':
      return slackExportSource(path, council);
  }
}
