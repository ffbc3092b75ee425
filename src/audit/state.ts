/**
 * The resume file kept next to the output while an audit runs: which input (its identity: path, size, mtime or
 * UIDVALIDITY), how far (the source's cursor and the count done) and the counts so far. Never message text.
 * Written atomically (temp file + rename) at checkpoints, so a crash leaves the last consistent one; removed
 * when the audit completes.
 *
 * It also holds the pseudonym key when the key was random (there is no other way to resume with the same
 * pseudonyms), which is why the file is created 0600 and deleted at the end.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Cursor } from './types.js';
import type { Tally } from './tally.js';

export const STATE_VERSION = 1;

export interface AuditState {
  version: typeof STATE_VERSION;
  identity: Record<string, string | number>;
  /** The options that change what is counted, or how people are named. */
  settings: { council: string; names: boolean; excerpts: boolean; keyFingerprint: string; minConfidence?: number };
  /** Present only when no key was given. */
  randomKey?: string;
  cursor: Cursor | null;
  done: number;
  startedAt: string;
  tally: Tally;
}

export function readState(path: string): AuditState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const state = JSON.parse(text) as AuditState;
    return state && state.version === STATE_VERSION ? state : undefined;
  } catch {
    return undefined;
  }
}

export function writeState(path: string, state: AuditState): void {
  const temp = `${path}.tmp`;
  writeFileSync(temp, JSON.stringify(state), { mode: 0o600 });
  renameSync(temp, path);
}

export function removeState(path: string): void {
  rmSync(path, { force: true });
}

/** Why a state file cannot be resumed with this input and these options, or undefined when it can. */
export function mismatch(state: AuditState, identity: Record<string, string | number>, settings: AuditState['settings']): string | undefined {
  for (const key of new Set([...Object.keys(state.identity), ...Object.keys(identity)])) {
    if (state.identity[key] !== identity[key]) return key === 'path' || key === 'kind' ? 'it was for another input' : `the input has changed since (${key})`;
  }
  if (state.settings.council !== settings.council) return 'it used another council file';
  if (state.settings.names !== settings.names) return `it was run ${state.settings.names ? 'with' : 'without'} --names`;
  if (state.settings.excerpts !== settings.excerpts) return `it was run ${state.settings.excerpts ? 'with' : 'without'} --excerpts`;
  if (state.settings.keyFingerprint !== settings.keyFingerprint && !state.randomKey) return 'it used another pseudonym key';
  // A state file from before thresholds counted everything.
  if ((state.settings.minConfidence ?? 0) !== (settings.minConfidence ?? 0)) {
    return `it counted findings at confidence ${state.settings.minConfidence ?? 0} and up (--min-confidence)`;
  }
  return undefined;
}
