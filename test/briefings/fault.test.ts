/**
 * Faults with real processes: the notice worker SIGKILLed in the middle of a round of 50 groups' notices, and
 * Redis SIGKILLed and restarted (from its AOF) in the middle of one. Every group must end with exactly one
 * notice, and nothing acknowledged may be lost.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../src/briefings/redis-store.js';
import { BriefingService } from '../../src/briefings/service.js';
import { parseCouncil } from '../../src/directory/council.js';
import { ChannelHealth } from '../../src/notices/channel-health.js';
import { ids } from './fixtures.js';
import { deletePrefix, OwnRedis, sharedRedis, SHARED_REDIS_URL, uniquePrefix } from './redis-helpers.js';
import { SmtpSink } from './sinks.js';
import { until } from './world.js';
import { bigCouncilFile, WorkerProcess } from './worker-process.js';

const GROUPS = 50;
const { file, leaderEmail, yaml } = bigCouncilFile(GROUPS);
const council = parseCouncil(yaml);
// Channels: this council has no Slack ids, so each group gets one email notice.

async function openRound(redis: Redis, ledgerPrefix: string) {
  const svc = new BriefingService({ council, store: new RedisStore(redis, ledgerPrefix), clock: () => new Date(), newId: ids(ledgerPrefix.slice(-5)) });
  const req = await svc.request(
    { id: 'cllr-g01-a', role: 'group-leader', group: 'g01' },
    { matter: 'Waste collection contract renewal', details: 'confidential detail' },
  );
  const { round } = await svc.decide({ id: 'o-dir', role: 'authoriser' }, req.id, { decision: 'approve' });
  const view = await svc.roundView(round!.id);
  return { svc, round: round!, noticeIds: view.offers.flatMap((o) => o.noticeIds) };
}

function workerEnv(redisUrl: string, ledgerPrefix: string, queuePrefix: string, smtpPort: number): Record<string, string> {
  return {
    PROBITY_COUNCIL: file,
    REDIS_URL: redisUrl,
    PROBITY_LEDGER_PREFIX: ledgerPrefix,
    PROBITY_QUEUE_PREFIX: queuePrefix,
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtpPort),
    SMTP_IGNORE_TLS: 'true',
    NOTICE_CONCURRENCY: '4',
    // Short lock so the next worker picks up the killed one's jobs within seconds, not the default 30.
    NOTICE_LOCK_MS: '2000',
    NOTICE_STALLED_MS: '1000',
    NOTICE_BACKOFF_MS: '100',
    OUTBOX_INTERVAL_MS: '500',
  };
}

function perGroup(sink: SmtpSink): number[] {
  return Array.from({ length: GROUPS }, (_, i) => sink.to(leaderEmail(i + 1)).length);
}

async function sentMarkers(redis: Redis, ledgerPrefix: string): Promise<number> {
  let cursor = '0';
  let n = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${ledgerPrefix}:sent:*`, 'COUNT', 1000);
    cursor = next;
    // One marker per copy sent (`<notice id>-<person id>`); the notice's own marker follows once all are out.
    n += keys.filter((k) => !/-(email|slack)$/.test(k)).length;
  } while (cursor !== '0');
  return n;
}

describe('fault: the notice worker is SIGKILLed mid-round', () => {
  const redis = sharedRedis();
  const prefix = uniquePrefix('fault-worker');
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('a new worker finishes the round and every group gets exactly one email', async () => {
    const ledgerPrefix = `${prefix}:ledger`;
    const KILL_AFTER = 15;
    let phase: 'before' | 'holding' | 'after' = 'before';
    const held: (() => void)[] = [];
    const sink = await SmtpSink.start({
      // After KILL_AFTER accepted messages, hold every further reply until the kill: those messages are in
      // flight, not delivered (the worker never sees "250 OK" for them).
      reply: (_mail, count) => {
        if (phase === 'after' || (phase === 'before' && count <= KILL_AFTER)) return undefined;
        phase = 'holding';
        return new Promise<number>((resolve) => held.push(() => resolve(421)));
      },
    });
    const { svc, round, noticeIds } = await openRound(redis, ledgerPrefix);
    expect(noticeIds).toHaveLength(GROUPS);
    const env = workerEnv(SHARED_REDIS_URL, ledgerPrefix, `${prefix}-bull`, sink.port);

    const first = WorkerProcess.start(env);
    await until(() => phase === 'holding' && held.length > 0, 'a message in flight');
    // Kill only once every accepted message has its sent-marker: the in-flight ones are the interesting ones.
    await until(async () => (await sentMarkers(redis, ledgerPrefix)) === sink.mails.length, 'markers of accepted messages');
    const deliveredBeforeKill = sink.mails.length;
    expect(await first.stop('SIGKILL')).toBeNull();
    phase = 'after';
    for (const release of held.splice(0)) release();
    expect(deliveredBeforeKill).toBe(KILL_AFTER);

    const second = WorkerProcess.start(env);
    await until(async () => (await svc.store.reader().getMany('notice', noticeIds)).every((n) => n.state === 'sent'), 'all notices sent');
    // The worker process tells the API what it sends on: email (its SMTP relay), not Slack (no bot token).
    expect(await new ChannelHealth(redis, ledgerPrefix).working()).toEqual(['email']);
    await until(async () => (await svc.roundView(round.id)).noticesSettledAt, 'round settled');
    expect(await second.stop('SIGTERM')).toBe(0); // graceful shutdown exits cleanly
    await sink.stop();

    expect(perGroup(sink)).toEqual(Array(GROUPS).fill(1));
    expect(new Set(sink.mails.map((m) => m.messageId)).size).toBe(GROUPS);
    expect((await svc.verifyAudit({ id: 'o-ce', role: 'ce-office' })).ok).toBe(true);
  }, 120_000);
});

describe('fault: Redis is SIGKILLed and restarted mid-round (own redis-server, AOF always)', () => {
  it('loses nothing acknowledged, and every group still gets its notice', async () => {
    const server = await OwnRedis.start();
    const redis = new Redis(server.url, { maxRetriesPerRequest: null });
    redis.on('error', () => undefined); // expected while the server is down
    const ledgerPrefix = 'probity:ledger';
    let crashed = false;
    let crashing: Promise<void> | undefined;
    const sink = await SmtpSink.start({
      reply: (_mail, count) => {
        if (count === 20 && !crashed) {
          crashed = true;
          crashing = server.crash();
        }
        return undefined;
      },
    });
    try {
      const { svc, round, noticeIds } = await openRound(redis, ledgerPrefix);
      const headAtApproval = await svc.store.head();
      const worker = WorkerProcess.start(workerEnv(server.url, ledgerPrefix, 'bull', sink.port));
      await until(() => crashed, 'redis crash');
      await crashing;
      await server.start();

      await until(async () => (await svc.store.reader().getMany('notice', noticeIds)).every((n) => n.state === 'sent'), 'all notices sent');
      await until(async () => (await svc.roundView(round.id)).noticesSettledAt, 'round settled');
      expect(await worker.stop('SIGTERM')).toBe(0);

      // Everything acknowledged before the crash is still there, and the chain is whole.
      const events = await svc.store.auditEvents();
      expect(events.length).toBeGreaterThan(headAtApproval.seq);
      expect(events[headAtApproval.seq - 1]!.hash).toBe(headAtApproval.hash);
      expect((await svc.verifyAudit({ id: 'o-ce', role: 'ce-office' })).ok).toBe(true);
      // Every group got its notice; a resend after the crash would carry the same Message-ID (none expected here).
      const counts = perGroup(sink);
      expect(counts.every((c) => c >= 1)).toBe(true);
      for (let i = 1; i <= GROUPS; i++) expect(new Set(sink.to(leaderEmail(i)).map((m) => m.messageId)).size).toBe(1);
    } finally {
      await sink.stop();
      redis.disconnect();
      await server.stop();
    }
  }, 120_000);
});
