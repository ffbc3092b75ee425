/**
 * Checkpoints of the ledger's signed head in an append-only file outside Redis (PROBITY_LEDGER_CHECKPOINTS):
 * one JSON line per commit, appended with O_APPEND so the API and the notice worker can share the file, and
 * fsynced so an acknowledged commit's checkpoint survives a crash. Probity never rewrites or truncates it; keep
 * it on a volume Redis's administrators cannot write, and back it up with the council's other records.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Checkpoint } from './integrity.js';

export class CheckpointFile {
  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
  }

  /** Append one checkpoint (a single write of one line, so concurrent writers never interleave within a line). */
  append(cp: Checkpoint): void {
    const fd = openSync(this.path, 'a', 0o640);
    try {
      writeSync(fd, `${JSON.stringify(cp)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Every checkpoint in the file; a line that is not a checkpoint is reported, not skipped silently. */
  read(): { checkpoints: Checkpoint[]; problems: string[] } {
    if (!existsSync(this.path)) return { checkpoints: [], problems: [] };
    const checkpoints: Checkpoint[] = [];
    const problems: string[] = [];
    readFileSync(this.path, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (!line.trim()) return;
        try {
          const cp = JSON.parse(line) as Checkpoint;
          if (typeof cp.seq !== 'number' || typeof cp.hash !== 'string' || typeof cp.sig !== 'string') throw new Error('not a checkpoint');
          checkpoints.push(cp);
        } catch {
          problems.push(`${this.path} line ${i + 1} is not a checkpoint: the file was edited`);
        }
      });
    return { checkpoints, problems };
  }
}
