/**
 * A ledger that cannot be rewritten quietly. The hash chain (audit.ts) shows an edited event, but someone who can
 * write to Redis can edit an event and re-hash every event after it, or leave the events alone and edit a stored
 * record. Three more checks close those doors:
 *
 * 1. Records agree with their events. Every change to a record is an event whose `after` is the whole record,
 *    so replaying the chain gives what every stored record must be. A record edited in place, added outside
 *    Probity, or removed fails, naming the record and the field.
 * 2. The head is signed. Each commit signs the new head (sequence and hash) with the ledger key (Ed25519), which
 *    comes from the process's settings and is never written to Redis. A re-hashed chain ends in a head nobody
 *    could sign.
 * 3. Checkpoints outside Redis. Each commit's signed head is appended to a file (checkpoint-store.ts), and a daily
 *    checkpoint is mailed to the Monitoring Officer. A chain whose event N no longer has the hash a checkpoint
 *    recorded for N was rewritten; a chain shorter than a checkpoint lost events.
 *
 * Pure: keys and checkpoints are passed in.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson, EMPTY_HEAD, verifyChain, type AuditEvent, type AuditHead } from './audit.js';
import type { EntityKind } from './types.js';

// ---------- the ledger key ----------

export interface LedgerKey {
  privateKey?: KeyObject;
  publicKey: KeyObject;
  /** SHA-256 of the raw public key, first 16 hex digits: names the key in checkpoints and mail. */
  keyId: string;
}

export class LedgerKeyError extends Error {}

/** PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function withId(privateKey: KeyObject | undefined, publicKey: KeyObject): LedgerKey {
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new LedgerKeyError('the ledger key must be an Ed25519 key');
  const raw = publicKey.export({ format: 'der', type: 'spki' });
  return { ...(privateKey ? { privateKey } : {}), publicKey, keyId: createHash('sha256').update(raw).digest('hex').slice(0, 16) };
}

/**
 * The signing key from its setting: an Ed25519 private key in PEM (`openssl genpkey -algorithm ed25519`), or its
 * 32-byte seed in base64 or hex (`probity ledger key` prints one).
 */
export function ledgerKeyFrom(text: string, setting = 'PROBITY_LEDGER_KEY'): LedgerKey {
  const value = text.trim();
  try {
    if (value.includes('-----BEGIN')) {
      const privateKey = createPrivateKey(value);
      return withId(privateKey, createPublicKey(privateKey));
    }
    const seed = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
    if (seed.length !== 32) throw new LedgerKeyError(`${setting} must be an Ed25519 private key (PEM) or its 32-byte seed in base64 or hex`);
    const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
    return withId(privateKey, createPublicKey(privateKey));
  } catch (err) {
    if (err instanceof LedgerKeyError) throw err;
    throw new LedgerKeyError(`${setting} is not a usable Ed25519 key (${(err as Error).message})`);
  }
}

/** A key that can only verify (for the Monitoring Officer's copy): the public key in PEM. */
export function ledgerPublicKeyFrom(pem: string): LedgerKey {
  return withId(undefined, createPublicKey(pem.trim()));
}

const headMessage = (head: AuditHead) => Buffer.from(`probity-ledger-head:v1:${head.seq}:${head.hash}`);

export function signHead(key: LedgerKey, head: AuditHead): string {
  if (!key.privateKey) throw new LedgerKeyError('this ledger key can verify but not sign');
  return sign(null, headMessage(head), key.privateKey).toString('base64url');
}

export function headSignedBy(key: LedgerKey, head: AuditHead, sig: string | undefined): boolean {
  if (!sig) return false;
  try {
    return verify(null, headMessage(head), key.publicKey, Buffer.from(sig, 'base64url'));
  } catch {
    return false;
  }
}

// ---------- checkpoints ----------

/** A signed head kept outside Redis. */
export interface Checkpoint {
  seq: number;
  hash: string;
  sig: string;
  keyId: string;
  /** When it was taken (ISO). */
  at: string;
}

export function checkpointOf(key: LedgerKey, head: AuditHead, at: string): Checkpoint {
  return { seq: head.seq, hash: head.hash, sig: head.sig ?? signHead(key, head), keyId: key.keyId, at };
}

// ---------- records against events ----------

export interface StoredRecord {
  kind: EntityKind;
  id: string;
  value: unknown;
}

/** What the chain says every record is: the `after` of the last event that wrote it, and that event's number. */
export function replay(events: AuditEvent[]): Map<string, { value: unknown; seq: number; action: string }> {
  const state = new Map<string, { value: unknown; seq: number; action: string }>();
  for (const e of events) {
    // Events that change nothing (a read, a refused action) carry no `after` record.
    if (e.after === null || typeof e.after !== 'object' || (e.after as { id?: unknown }).id !== e.entity.id) continue;
    state.set(`${e.entity.kind}/${e.entity.id}`, { value: e.after, seq: e.seq, action: e.action });
  }
  return state;
}

const show = (v: unknown) => {
  const s = v === undefined ? 'nothing' : JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
};

/** The first field (dotted path) where two JSON values differ, with both values. */
function firstDifference(stored: unknown, chained: unknown, path = ''): { path: string; stored: unknown; chained: unknown } | undefined {
  if (canonicalJson(stored) === canonicalJson(chained)) return undefined;
  if (stored && chained && typeof stored === 'object' && typeof chained === 'object' && !Array.isArray(stored) && !Array.isArray(chained)) {
    const keys = [...new Set([...Object.keys(stored), ...Object.keys(chained)])].sort();
    for (const k of keys) {
      const d = firstDifference((stored as Record<string, unknown>)[k], (chained as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      if (d) return d;
    }
  }
  return { path: path || '(the whole record)', stored, chained };
}

/** Every way the stored records disagree with the chain, each naming the record and what is wrong. */
export function verifyRecords(events: AuditEvent[], records: StoredRecord[]): string[] {
  const chained = replay(events);
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    const key = `${r.kind}/${r.id}`;
    seen.add(key);
    const c = chained.get(key);
    if (!c) {
      problems.push(`stored ${r.kind} ${r.id} has no event in the chain: it was written outside Probity`);
      continue;
    }
    const d = firstDifference(r.value, c.value);
    if (d) {
      problems.push(
        `stored ${r.kind} ${r.id} says ${d.path} is ${show(d.stored)}, but its last event (#${c.seq}, ${c.action}) says ${show(d.chained)}: the record was changed outside Probity`,
      );
    }
  }
  for (const [key, c] of chained) {
    if (!seen.has(key))
      problems.push(`${key.replace('/', ' ')} is in the chain (event #${c.seq}, ${c.action}) but missing from the store: it was deleted outside Probity`);
  }
  return problems;
}

// ---------- the whole verification ----------

export interface IntegrityInput {
  events: AuditEvent[];
  head: AuditHead;
  records: StoredRecord[];
  key?: LedgerKey;
  checkpoints?: Checkpoint[];
}

export type Integrity =
  | { ok: true; count: number; head: AuditHead; records: number; checkpoint?: Checkpoint }
  | { ok: false; count: number; seq: number; problem: string; problems: string[] };

/** Chain, head signature, checkpoints and records: everything that is wrong, the most basic first. */
export function verifyLedger(input: IntegrityInput): Integrity {
  const { events, head } = input;
  const problems: string[] = [];
  /** The events each problem points at; the answer names the earliest. */
  const at: number[] = [];
  const chain = verifyChain(events, head);
  if (!chain.ok) {
    problems.push(chain.problem);
    at.push(chain.seq);
  }
  if (input.key && head.seq > 0 && !headSignedBy(input.key, head, head.sig)) {
    problems.push(
      `the chain head (event ${head.seq}) is not signed with the ledger key ${input.key.keyId}: the chain was written or re-hashed outside Probity`,
    );
    at.push(head.seq);
  }
  const checkpoints = [...(input.checkpoints ?? [])].sort((a, b) => a.seq - b.seq);
  let lastGood: Checkpoint | undefined;
  for (const cp of checkpoints) {
    if (input.key && (cp.keyId !== input.key.keyId || !headSignedBy(input.key, cp, cp.sig))) {
      problems.push(`the checkpoint of ${cp.at} (event ${cp.seq}) is not signed with the ledger key ${input.key.keyId}; it is not evidence`);
      continue;
    }
    const event = events[cp.seq - 1];
    if (!event) {
      problems.push(`the checkpoint of ${cp.at} records event ${cp.seq}, but the trail ends at event ${events.length}: events were removed`);
      at.push(events.length + 1);
      break;
    }
    if (event.hash !== cp.hash) {
      const since = lastGood ? `after event ${lastGood.seq} (checkpoint of ${lastGood.at}, which still agrees) and ` : '';
      problems.push(
        `event ${cp.seq} has hash ${event.hash.slice(0, 12)}…, but the checkpoint of ${cp.at} recorded ${cp.hash.slice(0, 12)}…: the chain was rewritten ${since}at or before event ${cp.seq}`,
      );
      at.push((lastGood?.seq ?? 0) + 1);
      break;
    }
    lastGood = cp;
  }
  const recordProblems = verifyRecords(events, input.records);
  problems.push(...recordProblems);
  if (recordProblems.length > 0) at.push(head.seq);
  if (problems.length > 0) return { ok: false, count: events.length, seq: Math.min(...at), problem: problems[0]!, problems };
  return { ok: true, count: events.length, head: chain.ok ? chain.head : head, records: input.records.length, ...(lastGood ? { checkpoint: lastGood } : {}) };
}

// ---------- one page of the chain ----------

export interface ChainPageInput {
  /** Events `from` onwards, in order. */
  events: AuditEvent[];
  /** Event `from - 1`, which the first event must follow (absent when `from` is 1). */
  link?: AuditEvent;
  head: AuditHead;
  from: number;
  key?: LedgerKey;
  checkpoints?: Checkpoint[];
}

export type IntegrityPage =
  | { ok: true; from: number; to: number; head: AuditHead; next?: number; checkpoints: number }
  | { ok: false; from: number; to: number; head: AuditHead; seq: number; problem: string; problems: string[] };

/** A page of the chain checked on its own (see BriefingService.verifyAuditPage). */
export function verifyChainPage(input: ChainPageInput): IntegrityPage {
  const { events, head, from } = input;
  const to = from + events.length - 1;
  const reachesHead = to >= head.seq;
  const start = input.link ? { seq: input.link.seq, hash: input.link.hash } : EMPTY_HEAD;
  const problems: string[] = [];
  const at: number[] = [];
  const chain = verifyChain(events, reachesHead ? head : undefined, start);
  if (!chain.ok) {
    problems.push(chain.problem);
    at.push(chain.seq);
  }
  if (reachesHead && input.key && head.seq > 0 && !headSignedBy(input.key, head, head.sig)) {
    problems.push(
      `the chain head (event ${head.seq}) is not signed with the ledger key ${input.key.keyId}: the chain was written or re-hashed outside Probity`,
    );
    at.push(head.seq);
  }
  let checked = 0;
  for (const cp of (input.checkpoints ?? []).filter((c) => c.seq >= from && c.seq <= to)) {
    if (input.key && (cp.keyId !== input.key.keyId || !headSignedBy(input.key, cp, cp.sig))) {
      problems.push(`the checkpoint of ${cp.at} (event ${cp.seq}) is not signed with the ledger key ${input.key.keyId}; it is not evidence`);
      continue;
    }
    const event = events[cp.seq - from];
    if (event && event.hash !== cp.hash) {
      problems.push(
        `event ${cp.seq} has hash ${event.hash.slice(0, 12)}…, but the checkpoint of ${cp.at} recorded ${cp.hash.slice(0, 12)}…: the chain was rewritten at or before event ${cp.seq}`,
      );
      at.push(cp.seq);
    }
    checked++;
  }
  if (problems.length > 0) return { ok: false, from, to, head, seq: Math.min(...at), problem: problems[0]!, problems };
  return { ok: true, from, to, head, ...(reachesHead ? {} : { next: to + 1 }), checkpoints: checked };
}
