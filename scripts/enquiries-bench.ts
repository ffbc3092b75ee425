/**
 * The enquiry tracker at scale: 100,000 open enquiries in Redis (a unique prefix on the local server, removed
 * afterwards), then the reminder sweep (one bounded run: the next 200 open enquiries coming due within a week, which of their jobs the queue
 * still holds, re-adding any missing) and the member-services dashboard queries (counts by service, officer and
 * ward, the medians per service and month, the overdue list) timed many times each; p50/p95/p99 printed.
 *
 *   npm run bench:enquiries                      # 100,000 open enquiries
 *   npm run bench:enquiries -- --open 20000      # another size
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { Redis } from 'ioredis';
import { parseCouncil } from '../src/directory/council.js';
import { loadDetector, loadResponseTimes } from '../src/enquiries/load.js';
import { open } from '../src/enquiries/model.js';
import { JobScheduler, NoticeProcessor } from '../src/enquiries/queue.js';
import { EnquiryService } from '../src/enquiries/service.js';
import { enquirySettings } from '../src/enquiries/settings.js';
import { EnquiryStore } from '../src/enquiries/store.js';
import { dashboard } from '../src/enquiries/views.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const OPEN = arg('open', 100_000);
const RUNS = arg('runs', 200);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `probity-bench-enquiries-${randomBytes(4).toString('hex')}`;

const council = parseCouncil(readFileSync('examples/council.yaml', 'utf8').replace(/^protocol: .*$/m, 'protocol: wiltshire'), 'council.yaml');
const settings = enquirySettings(council, loadResponseTimes());
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const now = new Date('2026-04-09T10:00:00+01:00');
const clock = () => now;
const store = new EnquiryStore(redis, `${prefix}:data`, settings.retentionMs);
const service = new EnquiryService({ council, settings, store, detector: loadDetector(council), clock, newId: () => `enq-${randomBytes(5).toString('hex')}` });
const scheduler = new JobScheduler({ connection: redis, prefix: `${prefix}:q`, calendar: service.calendar, remindBefore: 1, clock });
service.setScheduler(scheduler);
const processor = new NoticeProcessor({ service, senders: [], publicUrl: 'http://localhost', linkSecret: 'x'.repeat(32), clock });

const councillors = council.people.filter((p) => p.role === 'councillor');
const officers = settings.services.flatMap((s) => s.officers);

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}
const fmt = (xs: number[]) =>
  `p50 ${pct(xs, 50).toFixed(1)} ms · p95 ${pct(xs, 95).toFixed(1)} ms · p99 ${pct(xs, 99).toFixed(1)} ms · max ${Math.max(...xs).toFixed(1)} ms`;

async function seed(): Promise<void> {
  const started = performance.now();
  const BATCH = 200;
  for (let i = 0; i < OPEN; i += BATCH) {
    await Promise.all(
      Array.from({ length: Math.min(BATCH, OPEN - i) }, async (_, k) => {
        const n = i + k;
        const c = councillors[n % councillors.length]!;
        const officer = officers[n % officers.length]!;
        // Received over the last three weeks: some overdue, most not yet.
        const receivedAt = new Date(now.getTime() - ((n * 7919) % (21 * 24)) * 3_600_000);
        const { enquiry, event } = open(
          {
            id: `enq-${n.toString(36).padStart(6, '0')}`,
            councillor: c.id,
            officer,
            service: settings.services.find((s) => s.officers.includes(officer))!.id,
            ...(c.ward ? { ward: c.ward } : {}),
            channel: 'email',
            subject: `Enquiry ${n}`,
            receivedAt,
          },
          settings,
          service.calendar,
        );
        const e =
          n % 3 === 0
            ? { ...enquiry, status: 'acknowledged' as const, acknowledgedAt: new Date(receivedAt.getTime() + 20 * 3_600_000).toISOString() }
            : enquiry;
        await store.create(e, event, []);
      }),
    );
  }
  process.stdout.write(`seeded ${OPEN.toLocaleString('en-GB')} open enquiries in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

async function time(what: string, runs: number, f: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 5; i++) await f(); // warm up
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    xs.push(performance.now() - t);
  }
  process.stdout.write(`${what.padEnd(44)} ${fmt(xs)}\n`);
  return xs;
}

try {
  await seed();
  // The first full pass adds every job (a queue that lost everything); later runs find them all present.
  const first = performance.now();
  let added = 0;
  for (let i = 0; i < Math.ceil(OPEN / 200); i++) added += (await processor.sweep()).readded;
  process.stdout.write(
    `first full sweep pass (queue empty): ${added.toLocaleString('en-GB')} jobs re-added in ${((performance.now() - first) / 1000).toFixed(1)} s\n`,
  );
  const sweep = await time('reminder sweep run (200 open, jobs present)', RUNS, () => processor.sweep());
  const dash = await time('dashboard (counts, medians, overdue list)', RUNS, () => dashboard(store, council, settings, service.calendar, now));
  const due = await time("an officer's due list (first 200)", RUNS, async () => store.many(await store.ofOfficer('o-nowak')));
  const worst = Math.max(pct(sweep, 99), pct(dash, 99));
  process.stdout.write(
    `\n${OPEN.toLocaleString('en-GB')} open enquiries: sweep p99 ${pct(sweep, 99).toFixed(1)} ms, dashboard p99 ${pct(dash, 99).toFixed(1)} ms (${worst < 200 ? 'under' : 'OVER'} 200 ms); officer due list (first 200 of ${(await redis.zcard(store.key('i', 'o', 'o-nowak'))).toLocaleString('en-GB')}) p99 ${pct(due, 99).toFixed(1)} ms\n`,
  );
  process.stdout.write(
    `Load average while measuring: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} on ${cpus().length} cores\nReproduce: npm run bench:enquiries\n`,
  );
} finally {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 5000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
  await scheduler.close();
  redis.disconnect();
}
