/**
 * The Bolt app behind Slack's HTTP request URLs. One endpoint takes events, slash commands, shortcuts and
 * interactivity; Bolt verifies every request's signature (HMAC-SHA256 over `v0:timestamp:body`, refused when older
 * than 5 minutes) and acknowledges events before our listeners run, so a listener only has to queue and return.
 */
import { unhealthy, type HealthCheck } from '../http/health.js';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, HTTPReceiver, LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import { errorFields, type Log } from '../queue/log.js';
import type { SlackDeps } from './deps.js';
import { registerListeners } from './listeners/index.js';
import { guardReplays } from './replay-guard.js';

export const SLACK_ENDPOINT = '/slack/events';

export interface SlackAppOptions {
  signingSecret: string;
  /** Bot token (xoxb-…). */
  token: string;
  deps: SlackDeps;
  /** Default true: `auth.test` once at start. Tests turn it off and pass botId/botUserId instead. */
  tokenVerificationEnabled?: boolean;
  botId?: string;
  botUserId?: string;
  /** Point the Web API client elsewhere (a loopback stub in tests). */
  slackApiUrl?: string;
  logLevel?: LogLevel;
  /** Where Bolt's own lines go (the process's logger, through `boltLogger`); Bolt's console logger otherwise. */
  logger?: BoltLogger;
  /** What /healthz checks (src/http/health.ts): 503 with the reason in one line while one fails. */
  health?: HealthCheck[];
}

export interface SlackApp {
  app: App;
  receiver: HTTPReceiver;
  /** Listen; resolves with the bound port. */
  start(port: number, host?: string): Promise<number>;
  stop(): Promise<void>;
}

export function createSlackApp(options: SlackAppOptions): SlackApp {
  const { deps } = options;
  const receiver = new HTTPReceiver({
    signingSecret: options.signingSecret,
    endpoints: [SLACK_ENDPOINT],
    // Ack first, work after (a long-running server, not a FaaS).
    processBeforeResponse: false,
    logLevel: options.logLevel ?? LogLevel.WARN,
    ...(options.logger ? { logger: options.logger } : {}),
    customRoutes: [
      {
        path: '/healthz',
        method: ['GET'],
        handler: (_req, res) => {
          void unhealthy(options.health ?? []).then((failed) => {
            if (!failed) {
              res.writeHead(200, { 'content-type': 'text/plain' });
              res.end('ok');
              return;
            }
            deps.log.warn({ check: failed.name, reason: failed.reason }, 'unhealthy');
            res.writeHead(503, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ ok: false, error: 'unavailable', message: `${failed.name} is ${failed.reason}` }));
          });
        },
      },
    ],
  });
  const app = new App({
    receiver,
    token: options.token,
    ...(options.botId ? { botId: options.botId } : {}),
    ...(options.botUserId ? { botUserId: options.botUserId } : {}),
    tokenVerificationEnabled: options.tokenVerificationEnabled ?? true,
    logLevel: options.logLevel ?? LogLevel.WARN,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.slackApiUrl ? { clientOptions: { slackApiUrl: options.slackApiUrl } } : {}),
  });
  registerListeners(app, deps);
  guardReplays(receiver, { signingSecret: options.signingSecret, dedupe: deps.dedupe, log: deps.log, endpoint: SLACK_ENDPOINT });
  app.error(async (error) => {
    deps.log.error(errorFields(error), 'slack listener error');
  });

  return {
    app,
    receiver,
    async start(port, host = '0.0.0.0') {
      const server = (await app.start({ port, host })) as Server;
      return (server.address() as AddressInfo).port;
    },
    stop: () => app.stop() as Promise<void>,
  };
}

/** Bolt's lines into the process's logger. Never its debug lines: they carry request payloads, message text. */
export function boltLogger(log: Pick<Log, 'info' | 'warn' | 'error'>, level: LogLevel = LogLevel.WARN): BoltLogger {
  let current = level;
  const line = (parts: unknown[]) =>
    parts
      .map((p) => (p instanceof Error ? p.message : typeof p === 'string' ? p : JSON.stringify(p)))
      .join(' ')
      .slice(0, 300);
  return {
    debug: () => undefined,
    info: (...parts) => void log.info({ source: 'bolt' }, line(parts)),
    warn: (...parts) => void log.warn({ source: 'bolt' }, line(parts)),
    error: (...parts) => void log.error({ source: 'bolt' }, line(parts)),
    setLevel: (next) => void (current = next),
    getLevel: () => current,
    setName: () => undefined,
  };
}
