/**
 * The ledger in memory, with the same contract as the Redis store: for unit tests of the domain and for
 * running the API without Redis in development. Not durable.
 */
import { EMPTY_HEAD, type AuditEvent, type AuditHead } from './audit.js';
import type { Changes, IndexName, LedgerReader, LedgerStore, OutboxItem } from './ledger.js';
import type { EntityKind, EntityMap } from './types.js';

export class MemoryStore implements LedgerStore {
  readonly entities = new Map<string, string>();
  readonly indexes = new Map<string, Map<string, number>>();
  readonly events: AuditEvent[] = [];
  readonly pending = new Map<string, OutboxItem>();
  readonly sent = new Map<string, string>();
  private currentHead: AuditHead = EMPTY_HEAD;

  reader(): LedgerReader {
    return {
      get: async <K extends EntityKind>(kind: K, id: string) => {
        const raw = this.entities.get(`${kind}/${id}`);
        return raw === undefined ? undefined : (JSON.parse(raw) as EntityMap[K]);
      },
      getMany: async <K extends EntityKind>(kind: K, ids: string[]) =>
        ids.flatMap((id) => {
          const raw = this.entities.get(`${kind}/${id}`);
          return raw === undefined ? [] : [JSON.parse(raw) as EntityMap[K]];
        }),
      index: async (name: IndexName) => [...(this.indexes.get(name)?.entries() ?? [])].sort((a, b) => a[1] - b[1]).map(([member]) => member),
    };
  }

  async head(): Promise<AuditHead> {
    return this.currentHead;
  }

  async commit(expected: AuditHead, changes: Changes, events: AuditEvent[], head: AuditHead): Promise<boolean> {
    if (expected.seq !== this.currentHead.seq || expected.hash !== this.currentHead.hash) return false;
    for (const put of changes.puts) this.entities.set(`${put.kind}/${put.id}`, JSON.stringify(put.value));
    for (const add of changes.indexes) {
      let set = this.indexes.get(add.name);
      if (!set) this.indexes.set(add.name, (set = new Map()));
      set.set(add.member, add.score);
    }
    for (const item of changes.outbox) this.pending.set(item.id, item);
    this.events.push(...events);
    this.currentHead = head;
    return true;
  }

  async pause(): Promise<void> {
    await Promise.resolve();
  }

  async auditEvents(fromSeq = 1, count = Number.MAX_SAFE_INTEGER): Promise<AuditEvent[]> {
    return this.events.slice(fromSeq - 1, fromSeq - 1 + count);
  }

  async records(): Promise<{ kind: EntityKind; id: string; value: unknown }[]> {
    return [...this.entities].map(([key, raw]) => {
      const slash = key.indexOf('/');
      return { kind: key.slice(0, slash) as EntityKind, id: key.slice(slash + 1), value: JSON.parse(raw) as unknown };
    });
  }

  async outbox(): Promise<OutboxItem[]> {
    return [...this.pending.values()];
  }

  async outboxDone(id: string): Promise<void> {
    this.pending.delete(id);
  }

  async sentMarker(noticeId: string): Promise<string | undefined> {
    return this.sent.get(noticeId);
  }

  async markSent(noticeId: string, marker: string): Promise<boolean> {
    if (this.sent.has(noticeId)) return false;
    this.sent.set(noticeId, marker);
    return true;
  }
}
