/**
 * The briefing ledger in Redis. Records are JSON strings, indexes are sorted sets, the audit trail is a list
 * with its head (sequence and hash) in its own key, and the outbox is a hash of queue work not yet handed to
 * BullMQ. A commit is one Lua script: it checks the head is still the one the command read and then writes
 * records, indexes, events, outbox and head together, so a crash or a second click never leaves half a round
 * and two racing commands cannot both win. (WATCH/MULTI would need a connection per transaction; a script
 * works on the shared one.) Run Redis with `appendonly yes` and `appendfsync always` for the ledger.
 *
 * Keys, under a configurable prefix so tests and deployments can share a server:
 *   <p>:e:<kind>:<id>  record        <p>:i:<index>  sorted set     <p>:audit  list of events
 *   <p>:head           audit head    <p>:outbox     hash           <p>:sent:<notice id>  sent-marker
 */
import type { Redis } from 'ioredis';
import type { AuditEvent, AuditHead } from './audit.js';
import { EMPTY_HEAD } from './audit.js';
import type { Changes, IndexName, LedgerReader, LedgerStore, OutboxItem } from './ledger.js';
import type { EntityKind, EntityMap } from './types.js';

const COMMIT_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if (current or '') ~= ARGV[1] then return 0 end
local p = cjson.decode(ARGV[2])
for _, put in ipairs(p.puts) do redis.call('SET', KEYS[put[1]], put[2]) end
for _, z in ipairs(p.zadds) do redis.call('ZADD', KEYS[z[1]], z[2], z[3]) end
for _, e in ipairs(p.events) do redis.call('RPUSH', KEYS[2], e) end
for _, o in ipairs(p.outbox) do redis.call('HSET', KEYS[3], o[1], o[2]) end
redis.call('SET', KEYS[1], ARGV[3])
return 1
`;

/** Keys fetched per MGET: large enough for a 50-group round in one trip, small enough not to block Redis. */
const MGET_CHUNK = 500;
/** Keys asked for per SCAN step when listing every record for verification. */
const SCAN_COUNT = 1000;
/** Ceiling on the wait between retries of a lost commit race; jittered so racers spread out. */
const MAX_RETRY_WAIT_MS = 25;

/** The connection once the commit script is defined on it. */
type WithCommit = Redis & { probityLedgerCommit(...args: (string | number)[]): Promise<number> };

export class RedisStore implements LedgerStore {
  constructor(
    private readonly redis: Redis,
    readonly prefix = 'probity:ledger',
  ) {
    if (!(redis as unknown as { probityLedgerCommit?: unknown }).probityLedgerCommit) {
      redis.defineCommand('probityLedgerCommit', { lua: COMMIT_SCRIPT });
    }
  }

  private entityKey(kind: EntityKind, id: string): string {
    return `${this.prefix}:e:${kind}:${id}`;
  }

  private indexKey(name: IndexName): string {
    return `${this.prefix}:i:${name}`;
  }

  private get headKey() {
    return `${this.prefix}:head`;
  }
  private get auditKey() {
    return `${this.prefix}:audit`;
  }
  private get outboxKey() {
    return `${this.prefix}:outbox`;
  }

  reader(): LedgerReader {
    return {
      get: async <K extends EntityKind>(kind: K, id: string) => {
        const raw = await this.redis.get(this.entityKey(kind, id));
        return raw === null ? undefined : (JSON.parse(raw) as EntityMap[K]);
      },
      getMany: async <K extends EntityKind>(kind: K, ids: string[]) => {
        const out: EntityMap[K][] = [];
        for (let i = 0; i < ids.length; i += MGET_CHUNK) {
          const chunk = ids.slice(i, i + MGET_CHUNK);
          const raws = await this.redis.mget(...chunk.map((id) => this.entityKey(kind, id)));
          for (const raw of raws) if (raw !== null) out.push(JSON.parse(raw) as EntityMap[K]);
        }
        return out;
      },
      index: async (name: IndexName) => this.redis.zrange(this.indexKey(name), 0, -1),
    };
  }

  async head(): Promise<AuditHead> {
    const raw = await this.redis.get(this.headKey);
    return raw ? (JSON.parse(raw) as AuditHead) : EMPTY_HEAD;
  }

  /** The head as stored; the commit script compares this exact string, so the field order is fixed here. */
  private static headValue(head: AuditHead): string {
    return head.seq === 0 ? '' : JSON.stringify({ seq: head.seq, hash: head.hash, ...(head.sig ? { sig: head.sig } : {}) });
  }

  async commit(expected: AuditHead, changes: Changes, events: AuditEvent[], head: AuditHead): Promise<boolean> {
    const keys = [this.headKey, this.auditKey, this.outboxKey];
    const keyIndex = (key: string) => {
      let i = keys.indexOf(key);
      if (i < 0) i = keys.push(key) - 1;
      return i + 1; // Lua arrays are 1-based
    };
    const payload = {
      puts: changes.puts.map((p) => [keyIndex(this.entityKey(p.kind, p.id)), JSON.stringify(p.value)]),
      zadds: changes.indexes.map((z) => [keyIndex(this.indexKey(z.name)), z.score, z.member]),
      events: events.map((e) => JSON.stringify(e)),
      outbox: changes.outbox.map((o) => [o.id, JSON.stringify(o)]),
    };
    // cjson turns an empty table into {} rather than []; ipairs over {} is still a no-op, so that is harmless.
    const result = await (this.redis as unknown as WithCommit).probityLedgerCommit(
      keys.length,
      ...keys,
      RedisStore.headValue(expected),
      JSON.stringify(payload),
      RedisStore.headValue(head),
    );
    return result === 1;
  }

  async pause(attempt: number): Promise<void> {
    const ceiling = Math.min(MAX_RETRY_WAIT_MS, 1 + attempt * 2);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
  }

  async auditEvents(fromSeq = 1, count = -1): Promise<AuditEvent[]> {
    const start = Math.max(0, fromSeq - 1);
    const stop = count < 0 ? -1 : start + count - 1;
    return (await this.redis.lrange(this.auditKey, start, stop)).map((raw) => JSON.parse(raw) as AuditEvent);
  }

  async records(): Promise<{ kind: EntityKind; id: string; value: unknown }[]> {
    const marker = `${this.prefix}:e:`;
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', `${marker}*`, 'COUNT', SCAN_COUNT);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    const out: { kind: EntityKind; id: string; value: unknown }[] = [];
    for (let i = 0; i < keys.length; i += MGET_CHUNK) {
      const chunk = keys.slice(i, i + MGET_CHUNK);
      const raws = await this.redis.mget(...chunk);
      chunk.forEach((key, j) => {
        const raw = raws[j];
        if (raw === null || raw === undefined) return;
        const rest = key.slice(marker.length);
        const colon = rest.indexOf(':');
        let value: unknown;
        try {
          value = JSON.parse(raw);
        } catch {
          value = raw; // not JSON: still a record, and it will not match its events
        }
        out.push({ kind: rest.slice(0, colon) as EntityKind, id: rest.slice(colon + 1), value });
      });
    }
    return out;
  }

  async outbox(): Promise<OutboxItem[]> {
    return Object.values(await this.redis.hgetall(this.outboxKey)).map((raw) => JSON.parse(raw) as OutboxItem);
  }

  async outboxDone(id: string): Promise<void> {
    await this.redis.hdel(this.outboxKey, id);
  }

  async sentMarker(noticeId: string): Promise<string | undefined> {
    return (await this.redis.get(`${this.prefix}:sent:${noticeId}`)) ?? undefined;
  }

  async markSent(noticeId: string, marker: string): Promise<boolean> {
    return (await this.redis.set(`${this.prefix}:sent:${noticeId}`, marker, 'NX')) === 'OK';
  }
}

/** What Redis says about its persistence: whether AOF is on, and how often it fsyncs (when CONFIG is allowed). */
export interface Persistence {
  aof: boolean;
  fsync?: string;
}

export async function ledgerPersistence(redis: Redis): Promise<Persistence> {
  let aof: boolean | undefined;
  try {
    // INFO is allowed on managed Redis services that disable CONFIG.
    const info = await redis.info('persistence');
    const m = /^aof_enabled:(\d)/m.exec(info);
    if (m) aof = m[1] === '1';
  } catch {
    // fall through to CONFIG GET
  }
  let fsync: string | undefined;
  try {
    const config = (await redis.config('GET', 'append*')) as string[];
    const get = (name: string) => config[config.indexOf(name) + 1];
    if (aof === undefined && config.includes('appendonly')) aof = get('appendonly') === 'yes';
    if (config.includes('appendfsync')) fsync = get('appendfsync');
  } catch {
    // CONFIG refused (a managed service): INFO's answer stands.
  }
  if (aof === undefined) throw new Error('could not tell whether Redis has append-only persistence (neither INFO persistence nor CONFIG GET answered)');
  return { aof, ...(fsync ? { fsync } : {}) };
}

/**
 * Refuse to run the ledger on a Redis that would lose an acknowledged commit in a crash: without AOF, an approval
 * whose emails went out can vanish. `allow: 'test'` (PROBITY_LEDGER_ALLOW_NO_AOF=test) says this is a test.
 * Returns a warning to log when AOF is on but fsyncs less often than every write.
 */
export async function assertDurableLedger(redis: Redis, allow?: 'test'): Promise<string | undefined> {
  const p = await ledgerPersistence(redis);
  if (!p.aof) {
    if (allow === 'test') return 'Redis has no append-only persistence; running anyway because PROBITY_LEDGER_ALLOW_NO_AOF=test';
    throw new Error(
      'the briefing ledger needs Redis with append-only persistence (appendonly yes, appendfsync always): this Redis has none (CONFIG GET appendonly: no), so an acknowledged approval would be lost in a crash. Turn AOF on, or set PROBITY_LEDGER_ALLOW_NO_AOF=test in a test.',
    );
  }
  if (p.fsync && p.fsync !== 'always') return `Redis fsyncs its append-only file "${p.fsync}", not "always": a crash can lose the last second of commits`;
  return undefined;
}
