/**
 * A whole briefing system on real parts for a test: the ledger and the `notices` queue in the shared Redis
 * under a unique prefix, an SMTP sink, a Slack stub, and an in-process BullMQ worker running the real processor.
 */
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { RedisStore } from '../../src/briefings/redis-store.js';
import { BriefingService } from '../../src/briefings/service.js';
import type { Council } from '../../src/directory/council.js';
import { NoticeProcessor } from '../../src/notices/deliver.js';
import { EmailSender } from '../../src/notices/email.js';
import { NOTICES_QUEUE, NoticeDispatcher } from '../../src/notices/queue.js';
import { SlackSender } from '../../src/notices/slack.js';
import { LinkAnswers } from '../../src/http/link-answers.js';
import { LinkKeys, LinkSigner, redisNonceStore } from '../../src/http/offer-links.js';
import type { Channel } from '../../src/briefings/types.js';
import { clock, council as exampleCouncil, ids } from './fixtures.js';
import { deletePrefix, sharedRedis, uniquePrefix } from './redis-helpers.js';
import type { SlackStub, SmtpSink } from './sinks.js';

export const FROM = { name: "Chief Executive's Office", email: 'briefings@ashcombe.gov.uk' };
export const PUBLIC_URL = 'https://probity.ashcombe.gov.uk';
/** Answer-link keys for tests: `new` signs, `old` still verifies (as during a rotation). */
export const LINK_KEYS = 'k2026:link-key-for-tests-0123456789abcdef0123,k2025:older-link-key-for-tests-0123456789abcdef';

/** Poll until `check` returns a truthy value (the test's own timeout bounds the wait). */
export async function until<T>(check: () => Promise<T> | T, what = 'condition', intervalMs = 20): Promise<NonNullable<T>> {
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  // unreachable; `what` documents the wait in stack traces
  void what;
}

export interface World {
  redis: Redis;
  prefix: string;
  ledgerPrefix: string;
  queuePrefix: string;
  svc: BriefingService;
  store: RedisStore;
  /** The answer links the worker puts in notices, and the answers given through them. */
  links: LinkSigner;
  answers: LinkAnswers;
  dispatcher: NoticeDispatcher;
  processor: NoticeProcessor;
  worker?: Worker;
  clock: ReturnType<typeof clock>;
  close(): Promise<void>;
}

export async function world(
  opts: {
    smtp?: Pick<SmtpSink, 'port'>;
    slack?: SlackStub;
    council?: Council;
    worker?: boolean;
    label?: string;
    concurrency?: number;
    attempts?: number;
    backoffMs?: number;
    publicUrl?: string;
  } = {},
): Promise<World> {
  const redis = sharedRedis();
  const prefix = uniquePrefix(opts.label ?? 'world');
  const ledgerPrefix = `${prefix}:ledger`;
  const queuePrefix = `${prefix}-bull`;
  const c = clock(new Date().toISOString());
  const store = new RedisStore(redis, ledgerPrefix);
  // Fast retries in tests: the backoff shape is what is being tested, not its length.
  const dispatcher = new NoticeDispatcher({
    connection: redis,
    prefix: queuePrefix,
    store,
    clock: c,
    backoffMs: opts.backoffMs ?? 30,
    attempts: opts.attempts ?? 4,
  });
  // The channels this world's worker sends on, as a real worker reports them (src/notices/channel-health.ts).
  const working: Channel[] = [...(opts.smtp ? (['email'] as const) : []), ...(opts.slack ? (['slack'] as const) : [])];
  const svc = new BriefingService({
    council: opts.council ?? exampleCouncil(),
    store,
    clock: c,
    newId: ids(prefix.slice(-6)),
    onOutbox: () => void dispatcher.flush(),
    workingChannels: async () => working,
  });
  const links = new LinkSigner(LinkKeys.parse(LINK_KEYS), opts.publicUrl ?? PUBLIC_URL);
  const answers = new LinkAnswers({ service: svc, keys: links.keys, nonces: redisNonceStore(redis, ledgerPrefix), clock: c });
  const email = opts.smtp ? new EmailSender({ host: '127.0.0.1', port: opts.smtp.port, secure: false, ignoreTLS: true, from: FROM }) : undefined;
  const slack = opts.slack ? await SlackSender.create({ token: 'xoxb-test', slackApiUrl: opts.slack.apiUrl }) : undefined;
  const processor = new NoticeProcessor({
    service: svc,
    context: { publicUrl: opts.publicUrl ?? PUBLIC_URL, from: FROM, links },
    ...(email ? { email } : {}),
    ...(slack ? { slack } : {}),
    dispatcher,
  });
  let worker: Worker | undefined;
  if (opts.worker !== false) {
    worker = new Worker(NOTICES_QUEUE, processor.process, { connection: redis, prefix: queuePrefix, concurrency: opts.concurrency ?? 5 });
    worker.on('error', () => undefined); // surfaced through job states in the assertions
    processor.attach(worker);
  }
  return {
    redis,
    prefix,
    ledgerPrefix,
    queuePrefix,
    svc,
    store,
    links,
    answers,
    dispatcher,
    processor,
    ...(worker ? { worker } : {}),
    clock: c,
    async close() {
      await worker?.close();
      await dispatcher.close();
      email?.close();
      await deletePrefix(redis, prefix);
      redis.disconnect();
    },
  };
}

/** Wait until every listed notice is out of `queued` in the ledger. */
export async function settled(w: World, noticeIds: string[]): Promise<void> {
  await until(async () => {
    const notices = await w.store.reader().getMany('notice', noticeIds);
    return notices.length === noticeIds.length && notices.every((n) => n.state !== 'queued');
  }, 'notices settled');
}
