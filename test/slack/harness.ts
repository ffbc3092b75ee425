/**
 * Everything real except Slack itself: the Bolt HTTP receiver on a loopback port (signed requests), the lint
 * queue and an in-process lint worker on the real Redis (a unique prefix per run, removed afterwards), the real
 * engine and example council, and the Slack API stub recording what would reach Slack.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { loadLinter } from '../../src/lint/load.js';
import type { Linter } from '../../src/lint/engine.js';
import { QueueKeys } from '../../src/queue/sealed.js';
import { testQueueKeys } from '../helpers/queue-keys.js';
import { createLintProducer, type LintProducer } from '../../src/queue/lint-queue.js';
import { createLintWorker, type LintWorker } from '../../src/queue/lint-worker.js';
import { imapDraftProcessor } from '../../src/mail/imap-draft-processor.js';
import { slackCheckProcessor } from '../../src/slack/processors/slack-check.processor.js';
import { slackMessageProcessor } from '../../src/slack/processors/slack-message.processor.js';
import type { Log, LogFields } from '../../src/queue/log.js';
import { producerConnection, whenReady, workerConnection } from '../../src/queue/redis.js';
import { createSlackApp, SLACK_ENDPOINT, type SlackApp } from '../../src/slack/app.js';
import type { HealthCheck } from '../../src/http/health.js';
import { redisChannelMembers } from '../../src/slack/channel-members.js';
import { redisDeduper } from '../../src/slack/dedupe.js';
import { redisFeedbackStore, type FeedbackStore } from '../../src/slack/feedback-store.js';
import { createSlackClient } from '../../src/slack/web-client.js';
import { SlackStub } from './slack-stub.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const TEAM = 'T0ASHCOMBE';
export const BOT_USER = 'U0PROBITY';

export interface LogRecord {
  level: string;
  msg: string;
  fields: LogFields;
}

export class RecordingLog implements Log {
  readonly records: LogRecord[] = [];
  private waiters: { predicate: (r: LogRecord) => boolean; resolve: (r: LogRecord) => void }[] = [];
  debug = (fields: LogFields, msg: string) => this.push('debug', fields, msg);
  info = (fields: LogFields, msg: string) => this.push('info', fields, msg);
  warn = (fields: LogFields, msg: string) => this.push('warn', fields, msg);
  error = (fields: LogFields, msg: string) => this.push('error', fields, msg);

  waitFor(predicate: (r: LogRecord) => boolean): Promise<LogRecord> {
    const seen = this.records.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ predicate, resolve }));
  }

  private push(level: string, fields: LogFields, msg: string): void {
    const record = { level, msg, fields };
    this.records.push(record);
    this.waiters = this.waiters.filter((w) => {
      if (!w.predicate(record)) return true;
      w.resolve(record);
      return false;
    });
  }
}

export function sign(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface PostOptions {
  contentType?: string;
  timestamp?: number;
  signature?: string;
  retryNum?: number;
}

export interface Harness {
  stub: SlackStub;
  log: RecordingLog;
  linter: Linter;
  redis: Redis;
  prefix: string;
  keyPrefix: string;
  lint: LintProducer;
  feedback: FeedbackStore;
  slack: SlackApp;
  worker: LintWorker;
  url: string;
  /** POST a raw body to the Bolt endpoint, signed unless told otherwise. */
  post(body: string, options?: PostOptions): Promise<Response>;
  postEvent(event: Record<string, unknown>, options?: PostOptions & { eventId?: string }): Promise<{ response: Response; eventId: string }>;
  postCommand(fields: Record<string, string>, options?: PostOptions): Promise<Response>;
  postInteraction(payload: Record<string, unknown>, options?: PostOptions): Promise<Response>;
  /** Every key under this run's prefix, with its value(s) flattened to strings. */
  dumpKeys(pattern?: string): Promise<Map<string, string>>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  linter?: Linter;
  /** Another Redis than the shared one (a test's own, to read its AOF). */
  redisUrl?: string;
  /** The queue keys of the Slack app and the worker (default: the tests' keys). */
  keys?: QueueKeys;
  /** What the app's /healthz checks. */
  health?: HealthCheck[];
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const id = randomUUID().slice(0, 8);
  const prefix = `probity-test-${id}`;
  const keyPrefix = `${prefix}:`;
  const linter = options.linter ?? loadLinter();
  const log = new RecordingLog();
  const stub = await new SlackStub().start();

  const redisUrl = options.redisUrl ?? REDIS_URL;
  const keys = options.keys ?? testQueueKeys();
  const redis = producerConnection(redisUrl);
  await whenReady(redis);
  const workerRedis = workerConnection(redisUrl);
  const lint = createLintProducer({ connection: redis, prefix, keys });
  const feedback = redisFeedbackStore(redis, { keyPrefix, retentionMs: linter.council.retention.events });

  const slack = createSlackApp({
    signingSecret: SIGNING_SECRET,
    token: 'xoxb-test-token',
    tokenVerificationEnabled: false,
    botId: 'B0PROBITY',
    botUserId: BOT_USER,
    slackApiUrl: stub.apiUrl,
    ...(options.health ? { health: options.health } : {}),
    deps: {
      council: linter.council,
      lint,
      dedupe: redisDeduper(redis, keyPrefix),
      feedback,
      members: redisChannelMembers(redis, keyPrefix),
      log,
      responseUrlPrefix: stub.baseUrl,
    },
  });
  const port = await slack.start(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}${SLACK_ENDPOINT}`;

  const worker = createLintWorker({
    connection: workerRedis,
    prefix,
    processors: { 'slack-message': slackMessageProcessor, 'slack-check': slackCheckProcessor, 'imap-draft': imapDraftProcessor },
    keys,
    context: {
      linter,
      redis: workerRedis,
      keyPrefix,
      log,
      slack: { client: createSlackClient('xoxb-test-token', { slackApiUrl: stub.apiUrl }), responseUrlPrefix: stub.baseUrl, warnAt: 'warning' },
    },
  });
  await worker.worker.waitUntilReady();

  async function post(body: string, o: PostOptions = {}): Promise<Response> {
    const timestamp = o.timestamp ?? Math.floor(Date.now() / 1000);
    return fetch(url, {
      method: 'POST',
      headers: {
        'content-type': o.contentType ?? 'application/json',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': o.signature ?? sign(body, timestamp),
        ...(o.retryNum ? { 'x-slack-retry-num': String(o.retryNum), 'x-slack-retry-reason': 'http_timeout' } : {}),
      },
      body,
    });
  }

  return {
    stub,
    log,
    linter,
    redis,
    prefix,
    keyPrefix,
    lint,
    feedback,
    slack,
    worker,
    url,
    post,
    async postEvent(event, o = {}) {
      const eventId = o.eventId ?? `Ev${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
      const body = JSON.stringify({
        token: 'legacy-verification-token',
        team_id: TEAM,
        api_app_id: 'A0PROBITY',
        event,
        type: 'event_callback',
        event_id: eventId,
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [{ team_id: TEAM, user_id: BOT_USER, is_bot: true, is_enterprise_install: false }],
        is_ext_shared_channel: false,
      });
      return { response: await post(body, o), eventId };
    },
    postCommand(fields, o = {}) {
      const form = new URLSearchParams({
        token: 'legacy-verification-token',
        team_id: TEAM,
        team_domain: 'ashcombe',
        channel_id: 'C0PLANNING',
        channel_name: 'planning',
        command: '/probity',
        api_app_id: 'A0PROBITY',
        ...fields,
      });
      return post(form.toString(), { ...o, contentType: 'application/x-www-form-urlencoded' });
    },
    postInteraction(payload, o = {}) {
      const form = new URLSearchParams({
        payload: JSON.stringify({ token: 'legacy-verification-token', api_app_id: 'A0PROBITY', team: { id: TEAM, domain: 'ashcombe' }, ...payload }),
      });
      return post(form.toString(), { ...o, contentType: 'application/x-www-form-urlencoded' });
    },
    async dumpKeys(pattern = `${prefix}*`) {
      return dumpKeys(redis, pattern);
    },
    async close() {
      await worker.shutdown(5_000);
      await slack.stop();
      await lint.queue.obliterate({ force: true }).catch(() => undefined);
      await lint.close();
      for (const key of (await dumpKeys(redis, `${prefix}*`)).keys()) await redis.del(key);
      await redis.quit();
      await workerRedis.quit().catch(() => workerRedis.disconnect());
      await stub.close();
    },
  };
}

/** Every key matching `pattern` with its contents as one string (strings, hashes, lists, sets, zsets, streams). */
export async function dumpKeys(redis: Redis, pattern: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    for (const key of keys) out.set(key, await valueOf(redis, key));
  } while (cursor !== '0');
  return out;
}

async function valueOf(redis: Redis, key: string): Promise<string> {
  const type = await redis.type(key);
  switch (type) {
    case 'string':
      return (await redis.getBuffer(key))?.toString('latin1') ?? '';
    case 'hash':
      return JSON.stringify(await redis.hgetall(key));
    case 'list':
      return JSON.stringify(await redis.lrange(key, 0, -1));
    case 'set':
      return JSON.stringify(await redis.smembers(key));
    case 'zset':
      return JSON.stringify(await redis.zrange(key, 0, -1, 'WITHSCORES'));
    case 'stream':
      return JSON.stringify(await redis.xrange(key, '-', '+'));
    default:
      return '';
  }
}

let tsCounter = 0;
/** A unique Slack ts for this process. */
export function nextTs(): string {
  tsCounter += 1;
  return `${Math.floor(Date.now() / 1000)}.${String(100000 + tsCounter).padStart(6, '0')}`;
}

/** The canonical breach: a councillor asks a junior officer for party campaign work. */
export const CAMPAIGN_REQUEST = '<@U0PATEL> I want you to print 500 leaflets for our Labour campaign by Friday.';
export const COUNCILLOR = 'U0OKAFOR';

export function messageEvent(fields: { user?: string; text: string; channel?: string; ts?: string; thread_ts?: string }): Record<string, unknown> {
  const ts = fields.ts ?? nextTs();
  return {
    type: 'message',
    channel: fields.channel ?? 'C0PLANNING',
    user: fields.user ?? COUNCILLOR,
    text: fields.text,
    ts,
    event_ts: ts,
    channel_type: 'channel',
    ...(fields.thread_ts ? { thread_ts: fields.thread_ts } : {}),
  };
}

/** Text of every mrkdwn/plain text object in some blocks, joined. */
export function blockText(blocks: unknown): string {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if ((o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string') out.push(o.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(blocks);
  return out.join('\n');
}
