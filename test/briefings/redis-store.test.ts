import type { Redis } from 'ioredis';
import { Redis as IORedis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/briefings/audit.js';
import { RedisStore } from '../../src/briefings/redis-store.js';
import { BriefingService } from '../../src/briefings/service.js';
import { actors, clock, council, ids, LABOUR_REQUEST } from './fixtures.js';
import { deletePrefix, OwnRedis, sharedRedis, uniquePrefix } from './redis-helpers.js';

describe('the ledger in Redis', () => {
  let redis: Redis;
  let other: Redis;
  const prefix = uniquePrefix('ledger');
  const c = council();
  let n = 0;
  const svcOn = (conn: Redis, sub: string) =>
    new BriefingService({ council: c, store: new RedisStore(conn, `${prefix}:${sub}`), clock: clock(), newId: ids(`${sub}${n++}`) });

  beforeAll(() => {
    redis = sharedRedis();
    other = sharedRedis();
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
    other.disconnect();
  });

  it('stores, indexes and reads back a whole round', async () => {
    const svc = svcOn(redis, 'a');
    const req = await svc.request(actors.labourLeader, LABOUR_REQUEST);
    const { round } = await svc.decide(actors.authoriser, req.id, { decision: 'approve' });
    const view = await svc.roundView(round!.id);
    expect(view.offers).toHaveLength(5);
    expect(view.offers.flatMap((o) => o.notices)).toHaveLength(10);
    expect(await svc.listRequests(actors.office, ['approved'])).toHaveLength(1);
    expect((await svc.verifyAudit(actors.mo)).ok).toBe(true);
    const outbox = await svc.store.outbox();
    expect(outbox.map((o) => o.kind)).toEqual(['round']);
  });

  it('two approvals in parallel, on two connections, open exactly one round', async () => {
    const sub = 'race';
    const one = svcOn(redis, sub);
    const two = svcOn(other, sub);
    for (let i = 0; i < 5; i++) {
      const req = await one.request(actors.labourLeader, { ...LABOUR_REQUEST, matter: `Matter ${i}` });
      const results = await Promise.allSettled([
        one.decide(actors.authoriser, req.id, { decision: 'approve' }),
        two.decide(actors.authoriser, req.id, { decision: 'approve' }),
        one.decide(actors.authoriser, req.id, { decision: 'approve' }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'conflict', rule: 'already-decided' });
    }
    const rounds = await one.store.reader().index('rounds');
    expect(rounds).toHaveLength(5);
    const offers = await one.store.reader().getMany('round', rounds);
    expect(offers.every((r) => r.offerIds.length === 5)).toBe(true);
    expect((await one.verifyAudit(actors.office)).ok).toBe(true);
  });

  it('keeps the chain whole under many concurrent writers', async () => {
    const svc = svcOn(redis, 'busy');
    const svc2 = svcOn(other, 'busy');
    const reqs = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? svc : svc2).request(actors.labourLeader, { ...LABOUR_REQUEST, matter: `Busy ${i}` })),
    );
    expect(new Set(reqs.map((r) => r.id)).size).toBe(20);
    const events = await svc.store.auditEvents();
    expect(verifyChain(events, await svc.store.head()).ok).toBe(true);
    expect(events.filter((e) => e.action === 'request.created')).toHaveLength(20);
  });

  it('makes the sent-marker a set-once flag', async () => {
    const store = new RedisStore(redis, `${prefix}:marker`);
    expect(await store.markSent('n-1-email', '<a@x>')).toBe(true);
    expect(await store.markSent('n-1-email', '<b@x>')).toBe(false);
    expect(await store.sentMarker('n-1-email')).toBe('<a@x>');
  });

  it('detects tampering with the stored trail', async () => {
    const svc = svcOn(redis, 'tamper');
    await svc.request(actors.labourLeader, LABOUR_REQUEST);
    await svc.request(actors.toryLeader, LABOUR_REQUEST);
    const key = `${prefix}:tamper:audit`;
    const raw = JSON.parse((await redis.lindex(key, 0))!);
    raw.after.details = 'something else';
    await redis.lset(key, 0, JSON.stringify(raw));
    expect(await svc.verifyAudit(actors.mo)).toMatchObject({ ok: false, seq: 1 });
  });
});

describe('the ledger survives a Redis crash (own redis-server, AOF always)', () => {
  let server: OwnRedis;
  beforeAll(async () => {
    server = await OwnRedis.start();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('keeps every acknowledged commit across SIGKILL and restart', async () => {
    const conn = new IORedis(server.url, { maxRetriesPerRequest: null });
    conn.on('error', () => {}); // expected while the server is down; ioredis reconnects
    const svc = new BriefingService({ council: council(), store: new RedisStore(conn), clock: clock(), newId: ids('crash') });
    const req = await svc.request(actors.labourLeader, LABOUR_REQUEST);
    const { round } = await svc.decide(actors.authoriser, req.id, { decision: 'approve' });
    const tory = (await svc.roundView(round!.id)).offers.find((o) => o.party.id === 'conservative')!;
    await svc.respondToOffer(actors.toryLeader, tory.id, 'accept'); // acknowledged: must survive
    const headBefore = await svc.store.head();
    await server.crash();
    await server.start();
    await conn.ping(); // ioredis reconnects
    expect(await svc.store.head()).toEqual(headBefore);
    const view = await svc.roundView(round!.id);
    expect(view.offers.find((o) => o.party.id === 'conservative')!.status).toBe('accepted');
    expect((await svc.verifyAudit(actors.mo)).ok).toBe(true);
    expect(await svc.store.outbox()).toHaveLength(1);
    conn.disconnect();
  });
});
