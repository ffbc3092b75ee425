/**
 * Enquiries in Redis: metadata and the councillor's subject line only, never a message body. A change is one Lua
 * script that checks the record's revision and writes the record, its events, its index entries and its thread
 * keys together, so two workers reading the same reply cannot both apply it. A resolved enquiry's keys expire
 * after the council's retention period; `prune` then drops it from the long-lived indexes.
 *
 * Keys under the prefix (default `probity:enquiries`):
 *   <p>:e:<id>   record (JSON)          <p>:ev:<id>  events (list)       <p>:t:<thread key>  enquiry id
 *   <p>:i:all    every enquiry by receipt          <p>:i:open  unresolved, by next due instant
 *   <p>:i:c:<councillor>  theirs, by receipt       <p>:i:o:<officer>  unresolved with them, by next due
 *   <p>:i:os:<service>  <p>:i:ow:<ward>  unresolved, by next due (counts and overdue counts for the dashboard)
 *   <p>:i:d:ack|ans:<service>:<YYYY-MM>  time to acknowledge / answer (ms) of that month's enquiries (medians)
 *   <p>:i:t:ack|ans:<service>:<YYYY-MM>  1 when on time, 0 when late
 *   <p>:sent:<key>  a reminder's sent-marker
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { isResolved, nextDue, type Enquiry, type EnquiryEvent } from './model.js';

const COMMIT = `
local current = redis.call('GET', KEYS[1])
local rev = -1
if current then rev = cjson.decode(current).rev end
if rev ~= tonumber(ARGV[1]) then return 0 end
local p = cjson.decode(ARGV[2])
redis.call('SET', KEYS[1], p.record)
for _, e in ipairs(p.events) do redis.call('RPUSH', KEYS[2], e) end
for _, z in ipairs(p.zadd) do redis.call('ZADD', z[1], z[2], z[3]) end
for _, z in ipairs(p.zrem) do redis.call('ZREM', z[1], z[2]) end
for _, t in ipairs(p.threads) do redis.call('SET', t, p.id) end
local ttl = tonumber(p.ttl)
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[2], ttl)
  for _, t in ipairs(p.allThreads) do redis.call('PEXPIRE', t, ttl) end
else
  redis.call('PERSIST', KEYS[1])
  redis.call('PERSIST', KEYS[2])
end
return 1
`;
const MAX_RETRIES = 8;
/** The index name for an enquiry with no service (a mailbox enquiry not yet with an officer) or no ward. */
export const NONE = '-';
/** Records fetched per MGET. */
const MGET_CHUNK = 500;

type WithCommit = Redis & { probityEnquiryCommit(...args: (string | number)[]): Promise<number> };

export class ConflictError extends Error {
  constructor(id: string) {
    super(`enquiry ${id} changed under us too often`);
    this.name = 'ConflictError';
  }
}

/** A thread key for an email Message-ID (hashed: the key length is bounded whatever the header says). */
export function emailThreadKey(messageId: string): string {
  return `m:${createHash('sha256').update(messageId.trim().replace(/^<|>$/g, '').toLowerCase()).digest('base64url').slice(0, 32)}`;
}

export function slackThreadKey(channel: string, ts: string): string {
  return `s:${channel}:${ts}`;
}

export class EnquiryStore {
  constructor(
    readonly redis: Redis,
    readonly prefix = 'probity:enquiries',
    /** How long a resolved enquiry is kept, ms. */
    readonly retentionMs = 730 * 86_400_000,
  ) {
    if (!(redis as unknown as Partial<WithCommit>).probityEnquiryCommit) redis.defineCommand('probityEnquiryCommit', { numberOfKeys: 2, lua: COMMIT });
  }

  key(...parts: string[]): string {
    return [this.prefix, ...parts].join(':');
  }

  async get(id: string): Promise<Enquiry | undefined> {
    const raw = await this.redis.get(this.key('e', id));
    return raw ? (JSON.parse(raw) as Enquiry) : undefined;
  }

  async many(ids: readonly string[]): Promise<Enquiry[]> {
    const out: Enquiry[] = [];
    for (let i = 0; i < ids.length; i += MGET_CHUNK) {
      const chunk = ids.slice(i, i + MGET_CHUNK);
      if (chunk.length === 0) continue;
      const raws = await this.redis.mget(chunk.map((id) => this.key('e', id)));
      for (const raw of raws) if (raw) out.push(JSON.parse(raw) as Enquiry);
    }
    return out;
  }

  async events(id: string): Promise<EnquiryEvent[]> {
    return (await this.redis.lrange(this.key('ev', id), 0, -1)).map((e) => JSON.parse(e) as EnquiryEvent);
  }

  async byThread(threadKeys: readonly string[]): Promise<string | undefined> {
    if (threadKeys.length === 0) return undefined;
    const ids = await this.redis.mget(threadKeys.map((t) => this.key('t', t)));
    // The latest message in the chain that is known wins (a follow-up enquiry in an old thread has its own id).
    for (let i = ids.length - 1; i >= 0; i--) if (ids[i]) return ids[i]!;
    return undefined;
  }

  /**
   * Write `next` (whose rev must be the stored one; -1 with rev 0 for a new record) with its events, moving it
   * between indexes as its state says, and pointing `threads` at it. Returns false when another writer won.
   */
  async commit(next: Enquiry, previousRev: number, events: EnquiryEvent[], threads: string[] = [], now = Date.now()): Promise<boolean> {
    const saved: Enquiry = { ...next, rev: previousRev + 1 };
    const resolved = isResolved(saved);
    const due = nextDue(saved);
    const zadd: [string, number, string][] = [
      [this.key('i', 'all'), Date.parse(saved.receivedAt), saved.id],
      [this.key('i', 'c', saved.councillor), Date.parse(saved.receivedAt), saved.id],
    ];
    const zrem: [string, string][] = [];
    const service = saved.service ?? NONE;
    const ward = saved.ward ?? NONE;
    if (due) {
      const score = Date.parse(due.by);
      zadd.push([this.key('i', 'open'), score, saved.id], [this.key('i', 'os', service), score, saved.id], [this.key('i', 'ow', ward), score, saved.id]);
      if (saved.officer) zadd.push([this.key('i', 'o', saved.officer), score, saved.id]);
    } else {
      zrem.push([this.key('i', 'open'), saved.id], [this.key('i', 'os', service), saved.id], [this.key('i', 'ow', ward), saved.id]);
    }
    // An enquiry leaves every list it was on once resolved, reassigned or moved to another service.
    const prev = previousRev >= 0 ? await this.get(saved.id) : undefined;
    if (prev?.officer && (prev.officer !== saved.officer || !due)) zrem.push([this.key('i', 'o', prev.officer), saved.id]);
    if (prev && (prev.service ?? NONE) !== service) zrem.push([this.key('i', 'os', prev.service ?? NONE), saved.id]);
    // Response times, for the medians per service and month (a closed "not an enquiry" counts in neither).
    const month = saved.receivedAt.slice(0, 7);
    if (saved.acknowledgedAt && saved.status !== 'closed')
      zadd.push([this.key('i', 'd', 'ack', service, month), Date.parse(saved.acknowledgedAt) - Date.parse(saved.receivedAt), saved.id]);
    if (saved.answeredAt && saved.status === 'answered')
      zadd.push([this.key('i', 'd', 'ans', service, month), Date.parse(saved.answeredAt) - Date.parse(saved.receivedAt), saved.id]);
    // On time or not (1 or 0), by the date in force: a holding reply's new date is the protocol's own way to move it.
    if (saved.acknowledgedAt && saved.status !== 'closed')
      zadd.push([this.key('i', 't', 'ack', service, month), saved.acknowledgedAt <= saved.acknowledgeBy ? 1 : 0, saved.id]);
    if (saved.answeredAt && saved.status === 'answered')
      zadd.push([this.key('i', 't', 'ans', service, month), saved.answeredAt <= saved.answerBy ? 1 : 0, saved.id]);
    if (prev && (prev.service ?? NONE) !== service) zrem.push([this.key('i', 'd', 'ack', prev.service ?? NONE, month), saved.id]);
    const threadKeys = threads.map((t) => this.key('t', t));
    const allThreads = resolved ? [...new Set([...threadKeys, ...(await this.threadsOf(saved.id)).map((t) => this.key('t', t))])] : [];
    if (threads.length > 0) await this.redis.sadd(this.key('th', saved.id), ...threads);
    const ttl = resolved ? Math.max(1, this.retentionMs - (now - Date.parse(saved.answeredAt ?? saved.closedAt ?? new Date(now).toISOString()))) : 0;
    if (resolved) await this.redis.pexpire(this.key('th', saved.id), ttl);
    const payload = JSON.stringify({
      id: saved.id,
      record: JSON.stringify(saved),
      events: events.map((e) => JSON.stringify(e)),
      zadd,
      zrem,
      threads: threadKeys,
      allThreads,
      ttl,
    });
    const ok = await (this.redis as WithCommit).probityEnquiryCommit(this.key('e', saved.id), this.key('ev', saved.id), previousRev, payload);
    return ok === 1;
  }

  private async threadsOf(id: string): Promise<string[]> {
    return this.redis.smembers(this.key('th', id));
  }

  /** Read, change, write, retrying when another writer got there first. `change` returns undefined for "nothing to do". */
  async update(
    id: string,
    change: (e: Enquiry) => { enquiry: Enquiry; event: EnquiryEvent } | undefined,
    threads: string[] = [],
  ): Promise<{ enquiry: Enquiry; changed: boolean } | undefined> {
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      const current = await this.get(id);
      if (!current) return undefined;
      const step = change(current);
      if (!step) {
        if (threads.length > 0) await this.linkThreads(current, threads);
        return { enquiry: current, changed: false };
      }
      if (await this.commit(step.enquiry, current.rev, [step.event], threads)) return { enquiry: { ...step.enquiry, rev: current.rev + 1 }, changed: true };
      await new Promise((r) => setTimeout(r, Math.random() * 20));
    }
    throw new ConflictError(id);
  }

  /** Point more messages of the thread at the enquiry (an officer's reply, the councillor's "thanks!"). */
  async linkThreads(e: Enquiry, threads: string[]): Promise<void> {
    if (threads.length === 0) return;
    const multi = this.redis.multi();
    for (const t of threads) {
      multi.set(this.key('t', t), e.id);
      if (isResolved(e)) multi.pexpire(this.key('t', t), this.retentionMs);
    }
    multi.sadd(this.key('th', e.id), ...threads);
    await multi.exec();
  }

  async create(e: Enquiry, event: EnquiryEvent, threads: string[]): Promise<Enquiry> {
    if (!(await this.commit(e, -1, [event], threads))) throw new ConflictError(e.id);
    // Who asked, kept beside the index so `prune` can clear the councillor's list after the record has expired.
    await this.redis.hset(this.key('i', 'who'), e.id, JSON.stringify({ c: e.councillor, m: e.receivedAt.slice(0, 7) }));
    return { ...e, rev: 0 };
  }

  async appendEvent(id: string, event: EnquiryEvent): Promise<void> {
    await this.redis.rpush(this.key('ev', id), JSON.stringify(event));
  }

  /** Unresolved enquiries whose next due instant is at or before `until` (ms), soonest first. */
  async dueBy(until: number, limit = 1000, offset = 0): Promise<string[]> {
    return this.redis.zrangebyscore(this.key('i', 'open'), '-inf', until, 'LIMIT', offset, limit);
  }

  async openIds(): Promise<string[]> {
    return this.redis.zrange(this.key('i', 'open'), 0, -1);
  }

  /** Unresolved enquiries with the officer, soonest due first (a page: the list on the page shows the first 200). */
  async ofOfficer(officer: string, limit = 200): Promise<string[]> {
    return this.redis.zrange(this.key('i', 'o', officer), 0, limit - 1);
  }

  async ofCouncillor(councillor: string, limit = 500): Promise<string[]> {
    return this.redis.zrevrange(this.key('i', 'c', councillor), 0, limit - 1);
  }

  /** Enquiries received in [from, to) ms, newest first. */
  async receivedBetween(from: number, to: number, limit = 100_000): Promise<string[]> {
    return this.redis.zrevrangebyscore(this.key('i', 'all'), `(${to}`, from, 'LIMIT', 0, limit);
  }

  /** A reminder or escalation sent-marker: true when this call set it (the send may go ahead). */
  async markSent(key: string, value: string, ttlMs = this.retentionMs): Promise<boolean> {
    return (await this.redis.set(this.key('sent', key), value, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async sentMarker(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.key('sent', key))) ?? undefined;
  }

  /** For each name: [unresolved, overdue at `now`] in the index family `os` (service) or `ow` (ward) or `o` (officer). */
  async openCounts(family: 'os' | 'ow' | 'o', names: readonly string[], now: number): Promise<Map<string, { open: number; overdue: number }>> {
    const pipe = this.redis.pipeline();
    for (const n of names) pipe.zcard(this.key('i', family, n)).zcount(this.key('i', family, n), '-inf', now);
    const res = (await pipe.exec()) ?? [];
    const out = new Map<string, { open: number; overdue: number }>();
    names.forEach((n, i) => out.set(n, { open: Number(res[2 * i]?.[1] ?? 0), overdue: Number(res[2 * i + 1]?.[1] ?? 0) }));
    return out;
  }

  /** Median and count of the response times (ms) per service and month, for acknowledgement or answer. */
  async medians(kind: 'ack' | 'ans', services: readonly string[], months: readonly string[]): Promise<Map<string, { median: number | null; n: number }>> {
    const keys = services.flatMap((svc) => months.map((m) => [svc, m] as const));
    const counts = (await keys.reduce((p, [svc, m]) => p.zcard(this.key('i', 'd', kind, svc, m)), this.redis.pipeline()).exec()) ?? [];
    const pipe = this.redis.pipeline();
    keys.forEach(([svc, m], i) => {
      const n = Number(counts[i]?.[1] ?? 0);
      // The median of n values: the middle one, or the two middle ones (averaged below).
      if (n > 0) pipe.zrange(this.key('i', 'd', kind, svc, m), Math.floor((n - 1) / 2), Math.floor(n / 2), 'WITHSCORES');
    });
    const mids = (await pipe.exec()) ?? [];
    const out = new Map<string, { median: number | null; n: number }>();
    let j = 0;
    keys.forEach(([svc, m], i) => {
      const n = Number(counts[i]?.[1] ?? 0);
      if (n === 0) return out.set(`${svc}|${m}`, { median: null, n: 0 });
      const values = ((mids[j++]?.[1] as string[]) ?? []).filter((_, k) => k % 2 === 1).map(Number);
      out.set(`${svc}|${m}`, { median: values.reduce((a, b) => a + b, 0) / values.length, n });
    });
    return out;
  }

  /** Per service, over the months: how many were acknowledged / answered, and how many of those on time. */
  async onTime(kind: 'ack' | 'ans', services: readonly string[], months: readonly string[]): Promise<Map<string, { done: number; onTime: number }>> {
    const pipe = this.redis.pipeline();
    for (const svc of services) for (const m of months) pipe.zcard(this.key('i', 't', kind, svc, m)).zcount(this.key('i', 't', kind, svc, m), 1, 1);
    const res = (await pipe.exec()) ?? [];
    const out = new Map<string, { done: number; onTime: number }>();
    let i = 0;
    for (const svc of services) {
      const total = { done: 0, onTime: 0 };
      for (const _m of months) {
        total.done += Number(res[i++]?.[1] ?? 0);
        total.onTime += Number(res[i++]?.[1] ?? 0);
      }
      out.set(svc, total);
    }
    return out;
  }

  /** Unresolved enquiries, most overdue first (their next due instant ascending). */
  async openPage(offset: number, limit: number): Promise<string[]> {
    return this.redis.zrange(this.key('i', 'open'), offset, offset + limit - 1);
  }

  /** Drop from the indexes every enquiry older than the retention period whose record has expired. */
  async prune(now: number): Promise<number> {
    // A bounded slice per call (the sweep calls it every run): the oldest first.
    const old = await this.redis.zrangebyscore(this.key('i', 'all'), '-inf', now - this.retentionMs, 'LIMIT', 0, MGET_CHUNK);
    let dropped = 0;
    for (let i = 0; i < old.length; i += MGET_CHUNK) {
      const chunk = old.slice(i, i + MGET_CHUNK);
      const exists = await this.redis.mget(chunk.map((id) => this.key('e', id)));
      const gone = chunk.filter((_, k) => exists[k] === null);
      if (gone.length === 0) continue;
      const who = await this.redis.hmget(this.key('i', 'who'), ...gone);
      const multi = this.redis
        .multi()
        .zrem(this.key('i', 'all'), ...gone)
        .hdel(this.key('i', 'who'), ...gone);
      gone.forEach((id, k) => {
        if (!who[k]) return;
        const { c } = JSON.parse(who[k]!) as { c: string; m: string };
        multi.zrem(this.key('i', 'c', c), id);
      });
      await multi.exec();
      dropped += gone.length;
    }
    return dropped;
  }
}
