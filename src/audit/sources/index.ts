/** Which kind of input a path is: an mbox file, a Maildir, a folder of .eml, or a Slack export (folder or .zip). */
import { existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Council } from '../../directory/council.js';
import { InputError } from '../../mail/errors.js';
import type { AuditSource } from '../types.js';
import { emlFolderSource, maildirSource } from './files.js';
import { mboxSource } from './mbox.js';
import { slackExportSource } from './slack-export.js';

export type InputKind = 'mbox' | 'maildir' | 'eml' | 'slack';

export async function detectKind(path: string): Promise<InputKind> {
  const info = statSync(path);
  if (info.isFile()) return /\.zip$/i.test(path) ? 'slack' : 'mbox';
  if (!info.isDirectory()) throw new InputError(`${path}: not a file or a folder`);
  if (existsSync(join(path, 'cur')) || existsSync(join(path, 'new'))) return 'maildir';
  const names = await readdir(path);
  if (names.includes('users.json') || names.includes('channels.json')) return 'slack';
  if (names.some((n) => /\.eml$/i.test(n))) return 'eml';
  throw new InputError(`${path}: not a Maildir (cur/, new/), a folder of .eml files or a Slack export (users.json)`);
}

export async function openPath(path: string, kind: InputKind | undefined, council: Council): Promise<AuditSource> {
  if (!existsSync(path)) throw new InputError(`${path}: no such file or folder`);
  const k = kind ?? (await detectKind(path));
  switch (k) {
    case 'mbox':
      return mboxSource(path);
    case 'maildir':
      return maildirSource(path);
    case 'eml':
      return emlFolderSource(path);
    case 'slack':
      return slackExportSource(path, council);
  }
}
