/**
 * The audit trail: every state change as an append-only event (who, what, when, before/after), each event
 * carrying the SHA-256 of its predecessor, so an edited, removed or reordered event breaks the chain. The head
 * (last sequence number and hash) is stored apart from the events; verification checks the chain against it, so
 * cutting events off the end shows too.
 */
import { createHash } from 'node:crypto';
import type { EntityKind } from './types.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditDraft {
  /** A person id, a service name (`notices-worker`) or `system`. */
  actor: string;
  /** What happened, as `entity.verb`: `request.created`, `offer.accepted`, `notice.sent`. */
  action: string;
  entity: { kind: EntityKind; id: string };
  before: unknown;
  after: unknown;
  /** Extra facts that are not entity state (a refused decline's reason). */
  note?: string;
}

export interface AuditEvent extends AuditDraft {
  seq: number;
  at: string;
  prevHash: string;
  hash: string;
}

export interface AuditHead {
  seq: number;
  hash: string;
  /** The ledger key's signature over seq and hash (integrity.ts); absent on an empty chain or without a key. */
  sig?: string;
}

export const EMPTY_HEAD: AuditHead = { seq: 0, hash: GENESIS_HASH };

/** JSON with keys sorted at every level, so the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function hashEvent(event: Omit<AuditEvent, 'hash'>): string {
  const { seq, at, actor, action, entity, before, after, note, prevHash } = event;
  return createHash('sha256').update(canonicalJson({ seq, at, actor, action, entity, before, after, note, prevHash })).digest('hex');
}

/** Seal drafts onto the chain after `head`. Returns the events and the new head. */
export function appendEvents(head: AuditHead, drafts: AuditDraft[], at: string): { events: AuditEvent[]; head: AuditHead } {
  let prev = head;
  const events: AuditEvent[] = [];
  for (const draft of drafts) {
    const unsealed = { ...draft, seq: prev.seq + 1, at, prevHash: prev.hash };
    // Round-trip through JSON so the hash covers exactly what is stored (no undefined, no class instances).
    const plain = JSON.parse(JSON.stringify(unsealed)) as Omit<AuditEvent, 'hash'>;
    const event: AuditEvent = { ...plain, hash: hashEvent(plain) };
    events.push(event);
    prev = { seq: event.seq, hash: event.hash };
  }
  return { events, head: prev };
}

export type Verification = { ok: true; count: number; head: AuditHead } | { ok: false; count: number; seq: number; problem: string };

/**
 * Check a trail: sequence, links and hashes, and that it ends where the stored head says. A part of the trail is
 * checked from `start`, the event before it (by default the trail starts at the beginning).
 */
export function verifyChain(events: AuditEvent[], head?: AuditHead, start: AuditHead = EMPTY_HEAD): Verification {
  let prev = start;
  for (const [i, event] of events.entries()) {
    const fail = (problem: string): Verification => ({ ok: false, count: events.length, seq: event?.seq ?? i + 1, problem });
    if (event.seq !== prev.seq + 1) return fail(`event ${i + 1} has sequence number ${event.seq}, expected ${prev.seq + 1}`);
    if (event.prevHash !== prev.hash) return fail(`event ${event.seq} does not follow event ${prev.seq} (previous hash differs)`);
    const { hash, ...rest } = event;
    if (hashEvent(rest) !== hash) return fail(`event ${event.seq} was altered (its hash does not match its content)`);
    prev = { seq: event.seq, hash };
  }
  if (head && (head.seq !== prev.seq || head.hash !== prev.hash)) {
    return { ok: false, count: events.length, seq: prev.seq + 1, problem: `the trail ends at event ${prev.seq} but the head records event ${head.seq}` };
  }
  return { ok: true, count: events.length, head: prev };
}
