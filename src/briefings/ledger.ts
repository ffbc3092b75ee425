/**
 * How commands meet storage. A command reads through a `Tx` and records what it changes; `transact` seals the
 * audit events onto the chain and asks the store to commit everything at once, on condition that the audit head
 * is still the one it read. Every write appends to the chain, so an unchanged head means nothing changed since
 * the command's reads: the commit is all-or-nothing and two racing commands cannot both act on the same state.
 * A lost race is retried from fresh reads.
 */
import { appendEvents, type AuditDraft, type AuditEvent, type AuditHead } from './audit.js';
import { DomainError } from './errors.js';
import type { EntityKind, EntityMap } from './types.js';

/** Indexes: sorted sets of ids (score = time in ms, or 0). */
export type IndexName =
  | 'requests'
  | 'rounds'
  | 'sessions'
  | 'invitations'
  | 'notices' // every notice, for the office's list of notices that need action
  | `matter:${string}` // request ids by matter key
  | `matter-invitations:${string}`; // invitation ids by matter key

export interface IndexAdd {
  name: IndexName;
  member: string;
  score: number;
}

/** Work for the notice queue, written in the same commit as the state that calls for it. */
export interface OutboxItem {
  id: string;
  /** `round`: a flow with one parent for the round and a child per notice. `notices`: plain jobs. */
  kind: 'round' | 'notices' | 'timers';
  roundId?: string;
  noticeIds: string[];
  timers?: Timer[];
}

export interface Timer {
  /** Deterministic job id (no ':'). */
  jobId: string;
  name: 'reminder' | 'expire';
  offerId: string;
  reminder?: number;
  at: string;
}

export interface Put {
  kind: EntityKind;
  id: string;
  value: unknown;
}

export interface Changes {
  puts: Put[];
  indexes: IndexAdd[];
  outbox: OutboxItem[];
}

export interface LedgerReader {
  get<K extends EntityKind>(kind: K, id: string): Promise<EntityMap[K] | undefined>;
  getMany<K extends EntityKind>(kind: K, ids: string[]): Promise<EntityMap[K][]>;
  index(name: IndexName): Promise<string[]>;
}

export interface LedgerStore {
  /** A reader; a fresh one per transaction attempt. */
  reader(): LedgerReader;
  head(): Promise<AuditHead>;
  /** Apply everything iff the head is still `expected`. False when another commit came first. */
  commit(expected: AuditHead, changes: Changes, events: AuditEvent[], head: AuditHead): Promise<boolean>;
  /** Wait a little before retrying a lost race (the store owns timers; the domain has none). */
  pause(attempt: number): Promise<void>;
  auditEvents(fromSeq?: number, count?: number): Promise<AuditEvent[]>;
  /** Every stored record, for checking records against their events. */
  records(): Promise<{ kind: EntityKind; id: string; value: unknown }[]>;
  outbox(): Promise<OutboxItem[]>;
  outboxDone(id: string): Promise<void>;
  /** The stored sent-marker for a notice (its Message-ID or Slack ts), if it was sent. */
  sentMarker(noticeId: string): Promise<string | undefined>;
  /** Set the sent-marker unless one exists; true when this call set it. */
  markSent(noticeId: string, marker: string): Promise<boolean>;
}

/** A command's view of the ledger: reads see the command's own earlier writes. */
export class Tx {
  readonly changes: Changes = { puts: [], indexes: [], outbox: [] };
  readonly events: AuditDraft[] = [];
  refusal?: DomainError;
  private readonly written = new Map<string, unknown>();

  constructor(
    private readonly reader: LedgerReader,
    readonly now: Date,
  ) {}

  get nowIso(): string {
    return this.now.toISOString();
  }

  async get<K extends EntityKind>(kind: K, id: string): Promise<EntityMap[K] | undefined> {
    const key = `${kind}/${id}`;
    if (this.written.has(key)) return structuredClone(this.written.get(key)) as EntityMap[K];
    return this.reader.get(kind, id);
  }

  async getMany<K extends EntityKind>(kind: K, ids: string[]): Promise<EntityMap[K][]> {
    const pending = ids.filter((id) => !this.written.has(`${kind}/${id}`));
    const fetched = new Map((await this.reader.getMany(kind, pending)).map((e) => [(e as { id: string }).id, e]));
    return ids
      .map((id) => (this.written.has(`${kind}/${id}`) ? (structuredClone(this.written.get(`${kind}/${id}`)) as EntityMap[K]) : fetched.get(id)))
      .filter((e): e is EntityMap[K] => e !== undefined);
  }

  async index(name: IndexName): Promise<string[]> {
    const stored = await this.reader.index(name);
    const added = this.changes.indexes.filter((i) => i.name === name && !stored.includes(i.member)).map((i) => i.member);
    return [...stored, ...added];
  }

  /** Write a record and its audit event (`before` undefined for a new record). */
  put<K extends EntityKind>(kind: K, before: EntityMap[K] | undefined, after: EntityMap[K], actor: string, action: string, note?: string): void {
    const id = (after as { id: string }).id;
    this.written.set(`${kind}/${id}`, structuredClone(after));
    const existing = this.changes.puts.findIndex((p) => p.kind === kind && p.id === id);
    if (existing >= 0) this.changes.puts.splice(existing, 1);
    this.changes.puts.push({ kind, id, value: structuredClone(after) });
    this.events.push({ actor, action, entity: { kind, id }, before: before ?? null, after, ...(note ? { note } : {}) });
  }

  /** An event with no change of state (a refused action that must still be on record). */
  record(draft: AuditDraft): void {
    this.events.push(draft);
  }

  addIndex(name: IndexName, member: string, score: number): void {
    this.changes.indexes.push({ name, member, score });
  }

  enqueue(item: OutboxItem): void {
    this.changes.outbox.push(item);
  }

  /** Commit what was recorded, then refuse the command with this error. */
  refuse(error: DomainError): void {
    this.refusal = error;
  }

  get empty(): boolean {
    return this.events.length === 0 && this.changes.puts.length === 0 && this.changes.outbox.length === 0;
  }
}

export interface Committed<T> {
  value: T;
  events: AuditEvent[];
  /** The head after the commit (absent when nothing was written). */
  head?: AuditHead;
}

/** Retries of a lost race before giving up with 503; each retry re-reads, so this only bites under heavy contention. */
const MAX_ATTEMPTS = 200;

/**
 * What happens to a new head: `sign` signs it (integrity.ts's signHead with the ledger key) and the store writes
 * the signature with it; `committed` is told of it once the commit is in (to checkpoint it outside Redis).
 */
export interface HeadSeal {
  sign?: (head: AuditHead) => string;
  committed?: (head: AuditHead) => void;
}

export async function transact<T>(store: LedgerStore, clock: () => Date, command: (tx: Tx) => Promise<T>, seal: HeadSeal = {}): Promise<Committed<T>> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const head = await store.head();
    const tx = new Tx(store.reader(), clock());
    const value = await command(tx);
    if (tx.empty) {
      if (tx.refusal) throw tx.refusal;
      return { value, events: [] };
    }
    const sealed = appendEvents(head, tx.events, tx.nowIso);
    const next = seal.sign ? { ...sealed.head, sig: seal.sign(sealed.head) } : sealed.head;
    if (await store.commit(head, tx.changes, sealed.events, next)) {
      seal.committed?.(next);
      if (tx.refusal) throw tx.refusal;
      return { value, events: sealed.events, head: next };
    }
    await store.pause(attempt);
  }
  throw new DomainError('busy', 'the briefing ledger is busy; try again');
}
