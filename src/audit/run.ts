/**
 * The audit loop: every item of a source through the same `lint` call as every other channel, into counts.
 * Stops between two messages when the signal fires (Ctrl-C), checkpointing the cursor and the counts together so
 * that `--resume` ends with the same totals as an uninterrupted run.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Linter } from '../lint/engine.js';
import type { Message } from '../lint/types.js';
import { InputError } from '../mail/errors.js';
import { keyFingerprint, people, type PseudonymKey } from './pseudonym.js';
import { mismatch, readState, removeState, writeState, type AuditState } from './state.js';
import { addMessage, addUnreadable, emptyTally, type Example, type Tally } from './tally.js';
import type { AuditSource, Cursor } from './types.js';

/** Checkpoint at least this often (messages)… */
const CHECKPOINT_MESSAGES = 5_000;
/** …or this often (ms): little lost on a crash, and a write every few seconds costs nothing next to linting. */
const CHECKPOINT_MS = 5_000;

export interface ProgressSink {
  start(total: number | undefined, unit: AuditSource['unit'], at: number, done: number): void;
  update(at: number, done: number): void;
  stop(): void;
}

export interface RunOptions {
  source: AuditSource;
  linter: Linter;
  /** For the state file: resuming with another council is refused. */
  councilFile: string;
  statePath: string;
  resume: boolean;
  names: boolean;
  excerpts: boolean;
  key: PseudonymKey;
  signal?: AbortSignal;
  progress?: ProgressSink;
  /** One-line notes for the person running it (stderr). */
  note?: (line: string) => void;
  clock?: () => number;
}

export interface RunResult {
  tally: Tally;
  examples: Example[] | undefined;
  complete: boolean;
  /** Messages already done by an earlier run that this one resumed. */
  resumedAt: number;
  /** Items done (messages and unreadable entries). */
  done: number;
  startedAt: string;
  key: PseudonymKey;
}

/** A reason of our own words: parsers' messages can quote the input, so only InputError's are passed on. */
export function reasonOf(err: unknown): string {
  if (err instanceof InputError) {
    const m = err.message;
    if (m.startsWith('not a readable email message')) return 'not a readable email message';
    return m;
  }
  return 'could not be read';
}

function examplesPath(statePath: string): string {
  return `${statePath}.excerpts.json`;
}

export async function runAudit(options: RunOptions): Promise<RunResult> {
  const { source, linter, statePath } = options;
  const clock = options.clock ?? Date.now;
  let key = options.key;
  const settings = { council: options.councilFile, names: options.names, excerpts: options.excerpts, keyFingerprint: keyFingerprint(key.key) };

  let tally = emptyTally();
  let cursor: Cursor | null = null;
  let done = 0;
  let startedAt = new Date(clock()).toISOString();
  let examples: Example[] | undefined = options.excerpts ? [] : undefined;

  const previous = readState(statePath);
  if (options.resume && previous) {
    const why = mismatch(previous, source.identity, settings);
    if (why) throw new InputError(`cannot resume from ${statePath}: ${why}`);
    if (previous.randomKey && key.source === 'random') key = { key: Buffer.from(previous.randomKey, 'hex'), source: 'random' };
    else if (previous.randomKey) throw new InputError(`cannot resume from ${statePath}: it used a random pseudonym key; resume without --pseudonym-key or PROBITY_AUDIT_KEY`);
    tally = previous.tally;
    cursor = previous.cursor;
    done = previous.done;
    startedAt = previous.startedAt;
    if (examples) {
      try {
        examples = JSON.parse(readFileSync(examplesPath(statePath), 'utf8')) as Example[];
      } catch {
        examples = [];
      }
    }
    options.note?.(`resuming after ${done} entries`);
  } else if (options.resume) {
    options.note?.('nothing to resume: starting from the beginning');
  } else if (previous) {
    options.note?.(`an earlier audit stopped part way; starting afresh (--resume continues it)`);
  }
  const resumedAt = done;
  settings.keyFingerprint = keyFingerprint(key.key);
  const who = people(linter.council, key.key, options.names);
  const timeZone = linter.council.timezone;

  const checkpoint = () => {
    const state: AuditState = { version: 1, identity: source.identity, settings, cursor, done, startedAt, tally };
    if (key.source === 'random') state.randomKey = key.key.toString('hex');
    writeState(statePath, state);
    if (examples) writeFileSync(examplesPath(statePath), JSON.stringify(examples), { mode: 0o600 });
  };

  let complete = true;
  let lastCheckpoint = clock();
  let sinceCheckpoint = 0;
  options.progress?.start(source.total, source.unit, 0, done);
  try {
    for await (const item of source.items(cursor ?? undefined)) {
      if (options.signal?.aborted) {
        complete = false;
        break;
      }
      let message: Message | undefined;
      try {
        message = await item.load();
      } catch (err) {
        addUnreadable(tally, item.where, reasonOf(err));
      }
      if (message) {
        try {
          const { findings } = linter.lint(message);
          addMessage(tally, message, findings, { people: who, timeZone, where: item.where, ...(examples ? { examples } : {}) });
        } catch {
          // An engine bug on one message must not stop an audit of millions: count it and go on.
          addUnreadable(tally, item.where, 'internal error in the engine');
        }
      }
      cursor = item.cursor;
      done++;
      options.progress?.update(item.progress, done);
      if (++sinceCheckpoint >= CHECKPOINT_MESSAGES || clock() - lastCheckpoint >= CHECKPOINT_MS) {
        checkpoint();
        sinceCheckpoint = 0;
        lastCheckpoint = clock();
      }
    }
    if (options.signal?.aborted) complete = false;
  } finally {
    options.progress?.stop();
    await source.close?.();
  }
  if (complete) {
    removeState(statePath);
    rmSync(examplesPath(statePath), { force: true });
  } else checkpoint();
  return { tally, examples, complete, resumedAt, done, startedAt, key };
}
