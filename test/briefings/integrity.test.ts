/**
 * A record that cannot be rewritten quietly, on a real Redis: someone with write access to Redis edits a stored
 * record, edits an event, re-hashes the whole chain after an edit, or cuts events off; each fails verification
 * with a message naming what is wrong. The ledger key signs every head and the checkpoint file outside Redis
 * keeps every signed head.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appendEvents, EMPTY_HEAD, type AuditDraft, type AuditEvent } from '../../src/briefings/audit.js';
import { CheckpointFile } from '../../src/briefings/checkpoint-store.js';
import { ledgerKeyFrom, signHead, verifyRecords } from '../../src/briefings/integrity.js';
import { RedisStore } from '../../src/briefings/redis-store.js';
import { BriefingService } from '../../src/briefings/service.js';
import { actors, clock, council, ids, LABOUR_REQUEST } from './fixtures.js';
import { deletePrefix, sharedRedis, uniquePrefix } from './redis-helpers.js';

const KEY = ledgerKeyFrom(generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
const ATTACKER_KEY = ledgerKeyFrom('11'.repeat(32));

let redis: Redis;
const cleanups: (() => Promise<void>)[] = [];
beforeAll(() => {
  redis = sharedRedis();
});
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});
afterAll(() => redis.disconnect());

/** A ledger with one approved round (a request, a decision, offers and notices) and its checkpoint file. */
async function ledger() {
  const prefix = uniquePrefix('integrity');
  const dir = mkdtempSync(join(tmpdir(), 'probity-checkpoints-'));
  const checkpoints = new CheckpointFile(join(dir, 'ledger.checkpoints'));
  const store = new RedisStore(redis, `${prefix}:ledger`);
  const svc = new BriefingService({ council: council(), store, clock: clock(), newId: ids('ig'), ledgerKey: KEY, checkpoints });
  cleanups.push(async () => {
    await deletePrefix(redis, prefix);
    rmSync(dir, { recursive: true, force: true });
  });
  const req = await svc.request(actors.labourLeader, LABOUR_REQUEST);
  const { round } = await svc.decide(actors.authoriser, req.id, { decision: 'approve' });
  const key = (kind: string, id: string) => `${store.prefix}:e:${kind}:${id}`;
  const events = async () => (await redis.lrange(`${store.prefix}:audit`, 0, -1)).map((raw) => JSON.parse(raw) as AuditEvent);
  return { svc, store, round: round!, checkpoints, key, events };
}

describe('verification of the whole ledger', () => {
  it('passes on an untouched ledger, with the head signed and every commit checkpointed outside Redis', async () => {
    const { svc, store, checkpoints } = await ledger();
    const v = await svc.verifyAudit(actors.mo);
    expect(v).toMatchObject({ ok: true });
    const head = await store.head();
    expect(head.sig).toBeTruthy();
    const { checkpoints: cps, problems } = checkpoints.read();
    expect(problems).toEqual([]);
    expect(cps.at(-1)).toMatchObject({ seq: head.seq, hash: head.hash, keyId: KEY.keyId });
    expect(cps).toHaveLength(2); // one per commit
  });

  it('a tampered record fails, naming the record, the field and the event it disagrees with', async () => {
    const { svc, round, key } = await ledger();
    const offerId = round.offerIds.find((id) => id !== round.requesterOfferId)!;
    const raw = JSON.parse((await redis.get(key('offer', offerId)))!) as { status: string };
    await redis.set(key('offer', offerId), JSON.stringify({ ...raw, status: 'declined' }));
    const v = await svc.verifyAudit(actors.mo);
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.problem).toMatch(
      new RegExp(
        `^stored offer ${offerId} says status is "declined", but its last event \\(#\\d+, offer\\.made\\) says "open": the record was changed outside Probity$`,
      ),
    );
  });

  it('a record added or deleted outside Probity fails too', async () => {
    const { svc, round, key } = await ledger();
    await redis.set(key('offer', 'of-forged'), JSON.stringify({ id: 'of-forged', status: 'accepted' }));
    await redis.del(key('round', round.id));
    const v = await svc.verifyAudit(actors.mo);
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.problems).toContain('stored offer of-forged has no event in the chain: it was written outside Probity');
    expect(
      v.problems.some((p) => p.startsWith(`round ${round.id} is in the chain`) && p.endsWith('missing from the store: it was deleted outside Probity')),
    ).toBe(true);
  });

  it('a tampered event fails, naming the event', async () => {
    const { svc, store, events } = await ledger();
    const all = await events();
    const i = all.findIndex((e) => e.action === 'request.approved');
    const edited = { ...all[i]!, actor: 'o-walsh' };
    await redis.lset(`${store.prefix}:audit`, i, JSON.stringify(edited));
    const v = await svc.verifyAudit(actors.mo);
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.problem).toBe(`event ${i + 1} was altered (its hash does not match its content)`);
  });

  it('a re-hashed chain (event and record edited, every hash after recomputed, head rewritten) fails on the signature and the checkpoint', async () => {
    const { svc, store, round, key, events } = await ledger();
    const offerId = round.offerIds.find((id) => id !== round.requesterOfferId)!;
    const all = await events();
    // The attacker makes the offer "declined" everywhere: the event that made it, and the stored record.
    const drafts: AuditDraft[] = all.map(({ seq: _s, at: _a, prevHash: _p, hash: _h, ...draft }) => draft);
    const made = drafts.findIndex((d) => d.action === 'offer.made' && d.entity.id === offerId);
    (drafts[made]!.after as { status: string }).status = 'declined';
    const rehashed: AuditEvent[] = [];
    let head = EMPTY_HEAD;
    for (const [n, d] of drafts.entries()) {
      const sealed = appendEvents(head, [d], all[n]!.at);
      rehashed.push(...sealed.events);
      head = sealed.head;
    }
    await redis.del(`${store.prefix}:audit`);
    await redis.rpush(`${store.prefix}:audit`, ...rehashed.map((e) => JSON.stringify(e)));
    // Without the ledger key, the best the attacker can do is sign with a key of their own.
    await redis.set(`${store.prefix}:head`, JSON.stringify({ seq: head.seq, hash: head.hash, sig: signHead(ATTACKER_KEY, head) }));
    const stored = JSON.parse((await redis.get(key('offer', offerId)))!) as Record<string, unknown>;
    await redis.set(key('offer', offerId), JSON.stringify({ ...stored, status: 'declined' }));

    const v = await svc.verifyAudit(actors.mo);
    expect(v.ok).toBe(false);
    if (v.ok) return;
    // The chain itself is consistent, and so are the records: only what Redis does not hold shows the rewrite.
    expect(v.problems).toHaveLength(2);
    expect(v.problems[0]).toBe(
      `the chain head (event ${head.seq}) is not signed with the ledger key ${KEY.keyId}: the chain was written or re-hashed outside Probity`,
    );
    // The first checkpoint (after the request, event 1) still agrees; the second (after the approval) does not.
    expect(v.problems[1]).toMatch(
      /^event (\d+) has hash [0-9a-f]{12}…, but the checkpoint of \S+ recorded [0-9a-f]{12}…: the chain was rewritten after event 1 \(checkpoint of \S+, which still agrees\) and at or before event \1$/,
    );
    expect(v.seq).toBe(2);
  });

  it('cutting events off the end (and moving the head back to an earlier signed head) fails against the checkpoint', async () => {
    const { svc, store, checkpoints } = await ledger();
    const first = checkpoints.read().checkpoints[0]!;
    await redis.ltrim(`${store.prefix}:audit`, 0, first.seq - 1);
    await redis.set(`${store.prefix}:head`, JSON.stringify({ seq: first.seq, hash: first.hash, sig: first.sig }));
    const v = await svc.verifyAudit(actors.mo);
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.problems[0]).toMatch(new RegExp(`^the checkpoint of \\S+ records event \\d+, but the trail ends at event ${first.seq}: events were removed$`));
  });

  it('an edited checkpoint file is reported, not skipped', async () => {
    const { svc, checkpoints } = await ledger();
    writeFileSync(checkpoints.path, `${readFileSync(checkpoints.path, 'utf8')}{"seq": "x"}\n`);
    const v = await svc.verifyAudit(actors.mo);
    expect(v).toMatchObject({ ok: false, problem: `${checkpoints.path} line 3 is not a checkpoint: the file was edited` });
  });
});

describe('verification a page at a time', () => {
  /** Every page from event 1, following `next`. */
  async function walk(svc: BriefingService, limit: number) {
    const pages = [];
    for (let from: number | undefined = 1; from !== undefined;) {
      const page = await svc.verifyAuditPage(actors.mo, from, limit);
      pages.push(page);
      from = page.ok ? page.next : undefined;
    }
    return pages;
  }

  it('walks an untouched chain in bounded pages, the last one checking the signed head', async () => {
    const { svc, store } = await ledger();
    const head = await store.head();
    const pages = await walk(svc, 3);
    expect(pages.every((p) => p.ok)).toBe(true);
    expect(pages.map((p) => [p.from, p.to])).toEqual(Array.from({ length: Math.ceil(head.seq / 3) }, (_, i) => [i * 3 + 1, Math.min(head.seq, i * 3 + 3)]));
    expect(pages.at(-1)).not.toHaveProperty('next');
    expect(pages.reduce((n, p) => n + (p.ok ? p.checkpoints : 0), 0)).toBe(2);
    await expect(svc.verifyAuditPage(actors.mo, head.seq + 2, 10)).rejects.toMatchObject({
      code: 'invalid',
      message: `from: the trail ends at event ${head.seq}`,
    });
    await expect(svc.verifyAuditPage(actors.labourLeader, 1, 10)).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('names a tampered event in the page that holds it, and a broken link in the page after', async () => {
    const { svc, store, events } = await ledger();
    const all = await events();
    // An event inside a commit: neither a checkpoint nor the head.
    const i = all.findIndex((e) => e.action === 'offer.made');
    await redis.lset(`${store.prefix}:audit`, i, JSON.stringify({ ...all[i]!, actor: 'o-walsh' }));
    const page = await svc.verifyAuditPage(actors.mo, i + 1, 1);
    expect(page).toMatchObject({ ok: false, seq: i + 1, problem: `event ${i + 1} was altered (its hash does not match its content)` });
    // Re-hash only the edited event: its own page now passes, but the next event no longer follows it.
    const { seq: _s, at, prevHash: _p, hash: _h, ...draft } = { ...all[i]!, actor: 'o-walsh' };
    const resealed = appendEvents({ seq: i, hash: all[i - 1]!.hash }, [draft], at).events[0]!;
    await redis.lset(`${store.prefix}:audit`, i, JSON.stringify(resealed));
    expect(await svc.verifyAuditPage(actors.mo, i + 1, 1)).toMatchObject({ ok: true });
    expect(await svc.verifyAuditPage(actors.mo, i + 2, 1)).toMatchObject({
      ok: false,
      problem: `event ${i + 2} does not follow event ${i + 1} (previous hash differs)`,
    });
  });

  it('shares one whole verification among callers who ask at the same time', async () => {
    const { svc, store } = await ledger();
    let reads = 0;
    const auditEvents = store.auditEvents.bind(store);
    store.auditEvents = (...args) => {
      reads++;
      return auditEvents(...args);
    };
    const answers = await Promise.all(Array.from({ length: 20 }, () => svc.verifyAudit(actors.mo)));
    expect(answers.every((a) => a.ok)).toBe(true);
    expect(reads).toBe(1);
    await svc.verifyAudit(actors.mo);
    expect(reads).toBe(2);
  });
});

describe('records against events (pure)', () => {
  it('ignores events that change nothing (a read of confidential details)', () => {
    const { events } = appendEvents(
      EMPTY_HEAD,
      [
        { actor: 'x', action: 'request.created', entity: { kind: 'request', id: 'br-1' }, before: null, after: { id: 'br-1', status: 'pending' } },
        { actor: 'y', action: 'request.read', entity: { kind: 'request', id: 'br-1' }, before: null, after: null },
      ],
      '2026-01-01T00:00:00.000Z',
    );
    expect(verifyRecords(events, [{ kind: 'request', id: 'br-1', value: { status: 'pending', id: 'br-1' } }])).toEqual([]);
  });
});
