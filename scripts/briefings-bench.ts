/**
 * Figures for the briefing scheduler, on real parts (Redis at REDIS_URL, a loopback SMTP sink):
 *   1. ledger commits per second (requests recorded), one writer and eight concurrent writers;
 *   2. a round for N groups: approval to every notice sent through BullMQ, nodemailer and SMTP.
 *
 *   npx tsx scripts/briefings-bench.ts [groups=50] [requests=300]
 *
 * Uses a unique key prefix and deletes only its own keys afterwards.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { SMTPServer } from 'smtp-server';
import { RedisStore } from '../src/briefings/redis-store.js';
import { BriefingService } from '../src/briefings/service.js';
import { parseCouncil } from '../src/directory/council.js';
import { LinkKeys, LinkSigner } from '../src/http/offer-links.js';
import { NoticeProcessor } from '../src/notices/deliver.js';
import { EmailSender } from '../src/notices/email.js';
import { NOTICES_QUEUE, NoticeDispatcher } from '../src/notices/queue.js';
import { randomId } from '../src/notices/runtime.js';

const GROUPS = Number(process.argv[2] ?? 50);
const REQUESTS = Number(process.argv[3] ?? 300);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `probity-bench-${randomUUID().slice(0, 8)}`;

const pad = (i: number) => String(i).padStart(3, '0');
const council = parseCouncil(
  [
    'council: Bench Council',
    'protocol: model',
    'domain: bench.example',
    'groups:',
    ...Array.from({ length: GROUPS }, (_, i) => `  - { id: g${pad(i)}, name: Group ${pad(i)} }`),
    'people:',
    ...Array.from({ length: GROUPS }, (_, i) => [
      `  - { id: l${pad(i)}, name: Leader ${pad(i)}, email: l${pad(i)}@bench.example, role: councillor, group: g${pad(i)}, groupRole: leader }`,
      `  - { id: m${pad(i)}, name: Member ${pad(i)}, role: councillor, group: g${pad(i)} }`,
    ]).flat(),
    '  - { id: o-ce, name: Chief Exec, email: ce@bench.example, role: officer }',
    '  - { id: o-dir, name: Director, email: dir@bench.example, role: officer }',
    'designated: { briefingRecipient: o-ce, authoriser: o-dir }',
  ].join('\n'),
);

let received = 0;
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, _session, callback) {
    stream.on('data', () => undefined);
    stream.on('end', () => {
      received++;
      callback();
    });
  },
});
await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
const smtpPort = (smtp.server.address() as { port: number }).port;

const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
const clock = () => new Date();
const store = new RedisStore(redis, `${prefix}:ledger`);
const dispatcher = new NoticeDispatcher({ connection: redis, prefix: `${prefix}-bull`, store, clock });
const service = new BriefingService({ council, store, clock, newId: randomId, onOutbox: () => void dispatcher.flush() });
const leader = (i: number) => ({ id: `l${pad(i)}`, role: 'group-leader' as const, group: `g${pad(i)}` });

try {
  // 1. Ledger commits.
  let t = performance.now();
  for (let i = 0; i < REQUESTS; i++) await service.request(leader(i % GROUPS), { matter: `Matter ${i}`, details: 'bench' });
  const serial = REQUESTS / ((performance.now() - t) / 1000);
  t = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async (_, w) => {
      for (let i = w; i < REQUESTS; i += 8) await service.request(leader(i % GROUPS), { matter: `Parallel ${i}`, details: 'bench' });
    }),
  );
  const parallel = REQUESTS / ((performance.now() - t) / 1000);

  // 2. A round for every group.
  const email = new EmailSender({ host: '127.0.0.1', port: smtpPort, ignoreTLS: true, from: { name: 'Bench', email: 'bench@bench.example' } });
  // As in production, each notice carries its recipient's own signed answer link.
  const links = new LinkSigner(new LinkKeys([{ id: 'bench', secret: randomUUID() + randomUUID() }]), 'http://localhost');
  const processor = new NoticeProcessor({
    service,
    context: { publicUrl: 'http://localhost', from: { name: 'Bench', email: 'bench@bench.example' }, links },
    email,
    dispatcher,
  });
  const worker = new Worker(NOTICES_QUEUE, processor.process, { connection: redis, prefix: `${prefix}-bull`, concurrency: 5 });
  worker.on('error', () => undefined);
  received = 0;
  const req = await service.request(leader(0), { matter: 'Round bench', details: 'bench' });
  t = performance.now();
  await service.decide({ id: 'o-dir', role: 'authoriser' }, req.id, { decision: 'approve' });
  while (received < GROUPS) await new Promise((r) => setTimeout(r, 5));
  const roundMs = performance.now() - t;
  await worker.close();
  email.close();

  console.log(`ledger commits, 1 writer:   ${serial.toFixed(0)}/s (${REQUESTS} requests)`);
  console.log(`ledger commits, 8 writers:  ${parallel.toFixed(0)}/s (${REQUESTS} requests, optimistic retries included)`);
  console.log(`round of ${GROUPS} groups:       ${roundMs.toFixed(0)} ms from approval to the last email accepted (worker concurrency 5)`);
  console.log(`reproduce: npx tsx scripts/briefings-bench.ts ${GROUPS} ${REQUESTS}`);
} finally {
  await dispatcher.close();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
  redis.disconnect();
  smtp.close();
}
