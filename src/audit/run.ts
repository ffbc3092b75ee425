/**
 * The audit loop: every item of a source through the same `lint` call as every other channel, into counts.
 * Stops between two messages when the signal fires (Ctrl-C), checkpointing the cursor and the counts together so
 * that `--resume` ends with the same totals as an uninterrupted run.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { atConfidence, thresholdFor } from '../lint/confidence.js';
import type { Linter } from '../lint/engine.js';
import type { Finding, Message } from '../lint/types.js';
import { InputError } from '../mail/errors.js';
import { LintPool } from './pool.js';
import { reasonOf } from './reason.js';
import { keyFingerprint, people, type PseudonymKey } from './pseudonym.js';
import { mismatch, readState, removeState, writeState, type AuditState } from './state.js';
import { addMessage, addUnreadable, emptyTally, type Example, type Tally } from './tally.js';
import type { AuditItem, AuditSource, Cursor } from './types.js';

export { reasonOf } from './reason.js';

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
  /** Worker threads that parse and lint (default 1: all in this thread). */
  jobs?: number;
  /**
   * Count only findings at least this sure (0–1). Default: the council's `audit` threshold, 0 unless it says
   * otherwise, so the audit shows everything with its confidence.
   */
  minConfidence?: number;
}

/** Messages in flight per worker: enough that none waits for the next while this thread reads and counts. */
const IN_FLIGHT_PER_JOB = 8;

type Outcome = { message: Message; findings: Finding[] } | { reason: string };

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
  /** The threshold applied, and whether the council's or `--min-confidence`'s. */
  confidence: { threshold: number; source: 'council' | 'option' };
}

function examplesPath(statePath: string): string {
  return `${statePath}.excerpts.json`;
}

export async function runAudit(options: RunOptions): Promise<RunResult> {
  const { source, linter, statePath } = options;
  const clock = options.clock ?? Date.now;
  let key = options.key;
  const threshold = options.minConfidence ?? thresholdFor(linter.council, 'audit');
  // The council as the audit applies it: `--min-confidence` in place of its own audit threshold.
  const thresholds = { ...linter.council, confidence: { ...linter.council.confidence, audit: threshold } };
  const settings = {
    council: options.councilFile,
    names: options.names,
    excerpts: options.excerpts,
    keyFingerprint: keyFingerprint(key.key),
    minConfidence: threshold,
  };

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
    else if (previous.randomKey)
      throw new InputError(`cannot resume from ${statePath}: it used a random pseudonym key; resume without --pseudonym-key or PROBITY_AUDIT_KEY`);
    // A state file from before a count was added lacks it: start that count from empty.
    tally = { ...emptyTally(), ...previous.tally };
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
  const jobs = Math.max(1, Math.floor(options.jobs ?? 1));
  const pool = jobs > 1 ? LintPool.start(jobs, { councilFile: options.councilFile, excerpts: options.excerpts }) : undefined;

  const check = async (item: AuditItem): Promise<Outcome> => {
    if (pool) {
      let reply;
      try {
        reply = item.raw ? await pool.check({ raw: await item.raw() }) : await pool.check({ message: await item.load() });
      } catch (err) {
        return { reason: reasonOf(err) };
      }
      return reply.ok ? { message: reply.message, findings: reply.findings } : { reason: reply.reason };
    }
    let message: Message;
    try {
      message = await item.load();
    } catch (err) {
      return { reason: reasonOf(err) };
    }
    try {
      return { message, findings: linter.lint(message).findings };
    } catch {
      // An engine bug on one message must not stop an audit of millions: count it and go on.
      return { reason: 'internal error in the engine' };
    }
  };

  // Results are applied in input order, so the cursor and the counts always describe a prefix of the input.
  const apply = (item: AuditItem, outcome: Outcome) => {
    if ('reason' in outcome) addUnreadable(tally, item.where, outcome.reason);
    else {
      const findings = atConfidence(outcome.findings, thresholds, 'audit');
      addMessage(tally, outcome.message, findings, { people: who, timeZone, where: item.where, ...(examples ? { examples } : {}) });
    }
    cursor = item.cursor;
    done++;
    options.progress?.update(item.progress, done);
    if (++sinceCheckpoint >= CHECKPOINT_MESSAGES || clock() - lastCheckpoint >= CHECKPOINT_MS) {
      checkpoint();
      sinceCheckpoint = 0;
      lastCheckpoint = clock();
    }
  };

  const window = pool ? jobs * IN_FLIGHT_PER_JOB : 1;
  const pending: Array<{ item: AuditItem; outcome: Promise<Outcome> }> = [];
  const applyFirst = async () => {
    const { item, outcome } = pending.shift()!;
    apply(item, await outcome);
  };
  try {
    for await (const item of source.items(cursor ?? undefined)) {
      if (options.signal?.aborted) {
        complete = false;
        break;
      }
      pending.push({ item, outcome: check(item) });
      while (pending.length >= window) await applyFirst();
    }
    // Messages already read are finished even when stopping: they are in memory, and it keeps the cursor simple.
    while (pending.length > 0) await applyFirst();
    if (options.signal?.aborted) complete = false;
  } finally {
    options.progress?.stop();
    await pool?.close();
    await source.close?.();
  }
  if (complete) {
    removeState(statePath);
    rmSync(examplesPath(statePath), { force: true });
  } else checkpoint();
  return {
    tally,
    examples,
    complete,
    resumedAt,
    done,
    startedAt,
    key,
    confidence: { threshold, source: options.minConfidence === undefined ? 'council' : 'option' },
  };
}
