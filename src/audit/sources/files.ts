/**
 * A Maildir (its `cur/` and `new/`) or a folder of `.eml` files: one message per file, read one at a time, in
 * name order so that the cursor (the last file done) resumes in the same place even if files were added since.
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describeBytes, MAX_EML_BYTES, parseEml } from '../../mail/eml.js';
import { InputError } from '../../mail/errors.js';
import type { AuditItem, AuditSource, Cursor } from '../types.js';

async function listFiles(dir: string, filter: (name: string) => boolean): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isFile() && !e.name.startsWith('.') && filter(e.name)).map((e) => e.name);
}

async function fileSource(kind: 'maildir' | 'eml-folder', root: string, files: string[]): Promise<AuditSource> {
  files.sort();
  return {
    kind,
    label: basename(root),
    identity: { kind, path: await realpath(root) },
    total: files.length,
    unit: 'files',
    async *items(cursor: Cursor | undefined): AsyncGenerator<AuditItem> {
      const last = typeof cursor?.last === 'string' ? cursor.last : undefined;
      let done = last === undefined ? 0 : files.filter((f) => f <= last).length;
      for (const file of last === undefined ? files : files.filter((f) => f > last)) {
        done++;
        const path = join(root, file);
        yield {
          cursor: { last: file },
          progress: done,
          where: file,
          raw: async () => {
            const info = await stat(path);
            if (info.size > MAX_EML_BYTES) throw new InputError(`message is larger than ${describeBytes(MAX_EML_BYTES)}`);
            return readFile(path);
          },
          async load() {
            return parseEml(await this.raw!());
          },
        };
      }
    },
  };
}

/** A Maildir: the messages in `cur/` and `new/` (`tmp/` holds deliveries in progress). */
export async function maildirSource(dir: string): Promise<AuditSource> {
  const files: string[] = [];
  for (const sub of ['cur', 'new']) {
    try {
      files.push(...(await listFiles(join(dir, sub), () => true)).map((f) => `${sub}/${f}`));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return fileSource('maildir', dir, files);
}

export async function emlFolderSource(dir: string): Promise<AuditSource> {
  return fileSource('eml-folder', dir, await listFiles(dir, (name) => /\.eml$/i.test(name)));
}
