/**
 * What `probity check` is given, as ESLint and Vale take it: files, folders (searched recursively for message
 * files) and glob patterns, or `-` for stdin. Each argument becomes files to read, in order (a folder's and a
 * pattern's files sorted), or one problem naming the argument; the other arguments are still checked.
 */
import { stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { fileError, MESSAGE_EXTENSIONS, STDIN_NAME } from './input.js';

export type Target =
  /** `path` to open ('-' for stdin), `name` as the user wrote it (a folder's files under the folder as written). */
  { kind: 'file'; path: string; name: string } | { kind: 'problem'; reason: string };

/** Never searched inside a folder or by a pattern: dependencies and version control, not mail. */
const IGNORED = ['**/node_modules/**', '**/.git/**'];
const EXTENSIONS_LIST = MESSAGE_EXTENSIONS.join(', ');

function isMessageFile(path: string): boolean {
  return MESSAGE_EXTENSIONS.includes(extname(path).toLowerCase());
}

/** Search `pattern` under `cwd`: message files only, dot files and IGNORED left out, sorted. */
async function messageFiles(pattern: string, cwd: string): Promise<string[]> {
  const found = await glob(pattern, { cwd, onlyFiles: true, dot: false, ignore: IGNORED, expandDirectories: false });
  return found.filter(isMessageFile).sort();
}

export async function expandTargets(args: readonly string[], cwd: string): Promise<Target[]> {
  const targets: Target[] = [];
  const seen = new Set<string>();
  const add = (path: string, name: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    targets.push({ kind: 'file', path, name });
  };
  for (const arg of args) {
    if (arg === '-') {
      add('-', STDIN_NAME);
      continue;
    }
    const path = resolve(cwd, arg);
    let info;
    try {
      info = await stat(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code === 'ENOENT' || code === 'ENOTDIR') && isDynamicPattern(arg)) {
        const files = await messageFiles(arg, cwd);
        if (files.length === 0) targets.push({ kind: 'problem', reason: `${arg}: no message files match (${EXTENSIONS_LIST})` });
        for (const file of files) add(resolve(cwd, file), file);
        continue;
      }
      if (code === 'ENOENT') {
        targets.push({ kind: 'problem', reason: `${arg}: no such file or folder` });
        continue;
      }
      targets.push({ kind: 'problem', reason: fileError(arg, err).message });
      continue;
    }
    if (!info.isDirectory()) {
      add(path, arg);
      continue;
    }
    const files = await messageFiles('**/*', path);
    if (files.length === 0) targets.push({ kind: 'problem', reason: `${arg}: no message files in this folder (${EXTENSIONS_LIST})` });
    for (const file of files) add(join(path, file), join(arg, file));
  }
  return targets;
}
