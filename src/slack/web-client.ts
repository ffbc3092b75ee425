/** The Slack Web API client the lint worker posts with, and replies through a response_url. */
import { webApi } from '@slack/bolt';
import { RateLimitError, UnrecoverableError } from 'bullmq';
import type { Severity } from '../lint/types.js';

export type SlackClient = InstanceType<typeof webApi.WebClient>;

export interface SlackDelivery {
  client: SlackClient;
  /**
   * Only response_urls starting with this are followed (Slack's are `https://hooks.slack.com/`); a job cannot be
   * made to POST elsewhere.
   */
  responseUrlPrefix: string;
  /** The least severe finding that earns an unprompted warning after posting (on-demand checks show all). */
  warnAt: Severity;
}

declare module '../queue/processor.js' {
  interface ProcessorContext {
    /** For Slack jobs; absent when the worker runs without Slack credentials, and Slack jobs then fail as unrecoverable. */
    slack?: SlackDelivery;
  }
}

export const SLACK_RESPONSE_URL_PREFIX = 'https://hooks.slack.com/';

export function createSlackClient(token: string, options: { slackApiUrl?: string } = {}): SlackClient {
  return new webApi.WebClient(token, {
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
    // A 429 comes back to us as WebAPIRateLimitedError so the queue (not this one call) backs off.
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000, randomize: true },
    timeout: 10_000,
  });
}

/** Slack errors that no retry will fix: the install is broken or the target is gone. */
const PERMANENT = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'missing_scope',
  'no_permission',
  'invalid_arguments',
  'invalid_blocks',
  'msg_too_long',
  'channel_not_found',
  'user_not_found',
  'is_archived',
]);

export function slackErrorCode(error: unknown): string | undefined {
  return error instanceof webApi.WebAPIPlatformError ? error.data.error : undefined;
}

/**
 * Turn a Slack API failure into what BullMQ should do: a 429 pauses the queue for Retry-After and re-queues the
 * job without using an attempt; a permanent error fails the job for good; anything else is retried.
 */
export async function rethrowForQueue(error: unknown, rateLimit: (ms: number) => Promise<void>): Promise<never> {
  if (error instanceof webApi.WebAPIRateLimitedError) {
    await rateLimit(Math.max(1, error.retryAfter) * 1000);
    throw new RateLimitError();
  }
  const code = slackErrorCode(error);
  if (code && PERMANENT.has(code)) throw new UnrecoverableError(`slack: ${code}`);
  throw error;
}

/** Thrown by `postResponse` when Slack answers 429 on a response_url. */
export class ResponseUrlRateLimited extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('response_url rate limited');
    this.name = 'ResponseUrlRateLimited';
  }
}

/**
 * POST a message to an interaction's response_url (ephemeral by default). Expired or unknown urls (404, 410) are
 * permanent; 429 carries Retry-After.
 */
export async function postResponse(url: string, message: Record<string, unknown>, options: { allowedPrefix: string; fetch?: typeof fetch }): Promise<void> {
  if (!url.startsWith(options.allowedPrefix)) throw new UnrecoverableError('response_url outside the allowed prefix');
  const response = await (options.fetch ?? fetch)(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ response_type: 'ephemeral', ...message }),
    signal: AbortSignal.timeout(10_000),
  });
  await response.arrayBuffer();
  if (response.ok) return;
  if (response.status === 429) throw new ResponseUrlRateLimited(Number(response.headers.get('retry-after') ?? '1') || 1);
  if (response.status === 404 || response.status === 410) throw new UnrecoverableError(`response_url: ${response.status}`);
  throw new Error(`response_url: HTTP ${response.status}`);
}
