/**
 * In front of Bolt's receiver: what its signature check lets through and it should not.
 *
 * - A timestamp in the future. Bolt refuses a signature more than 5 minutes old but not one dated ahead, which a
 *   leaked signing secret would let someone make once and use for as long as they liked. Refused (401) beyond
 *   the same 5 minutes of clock skew.
 * - A replay. Within those 5 minutes the same signed request can be sent again, and each copy of a "False alarm"
 *   click would make a record. The first delivery of a signature claims it in Redis; later ones are answered 200
 *   and dropped. (Slack's own retries of events are deduplicated by event id, which can be given back.)
 *
 * The signature is checked here before anything is claimed, so an unsigned request writes nothing to Redis; Bolt
 * checks it again and answers 401 for the ones this passes along unchecked.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTPModuleFunctions, type HTTPReceiver } from '@slack/bolt';
import { errorFields, type Log } from '../queue/log.js';
import type { EventDeduper } from './dedupe.js';

/** Slack's window (and Bolt's, backwards): a request dated further ahead than this is refused. */
export const MAX_FUTURE_SKEW_SECONDS = 5 * 60;

export interface ReplayGuardOptions {
  signingSecret: string;
  dedupe: Pick<EventDeduper, 'claim'>;
  log: Pick<Log, 'info' | 'warn'>;
  endpoint: string;
  now?: () => number;
}

function validSignature(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(`v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function guardReplays(receiver: HTTPReceiver, options: ReplayGuardOptions): void {
  const bolt = receiver.requestListener;
  const now = options.now ?? (() => Date.now());
  const check = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== 'POST' || req.url?.split('?')[0] !== options.endpoint) return true;
    const header = (name: string) => [req.headers[name]].flat()[0];
    const timestamp = header('x-slack-request-timestamp');
    const signature = header('x-slack-signature');
    if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return true;
    if (Number(timestamp) > Math.floor(now() / 1000) + MAX_FUTURE_SKEW_SECONDS) {
      options.log.warn({ timestamp: Number(timestamp) }, 'slack request dated in the future refused');
      HTTPModuleFunctions.buildNoBodyResponse(res, 401);
      return false;
    }
    // Bolt takes the buffered body from here (rawBody) rather than reading the stream again.
    let buffered: Awaited<ReturnType<typeof HTTPModuleFunctions.bufferIncomingMessage>>;
    try {
      buffered = await HTTPModuleFunctions.bufferIncomingMessage(req, HTTPModuleFunctions.defaultBodyLimit);
    } catch {
      HTTPModuleFunctions.buildNoBodyResponse(res, 413);
      return false;
    }
    if (!validSignature(options.signingSecret, timestamp, buffered.rawBody.toString(), signature)) return true;
    // Slack's retries of an event (JSON, x-slack-retry-num) are left to the event-id deduper, which gives an id back
    // when its first delivery could not be queued. Commands and interactions (forms) are never retried by Slack.
    if ((header('content-type') ?? '').startsWith('application/json') && header('x-slack-retry-num')) return true;
    if (await options.dedupe.claim(`request:${createHash('sha256').update(signature).digest('hex')}`)) return true;
    options.log.info({ timestamp: Number(timestamp) }, 'replayed slack request dropped');
    HTTPModuleFunctions.buildNoBodyResponse(res, 200);
    return false;
  };
  receiver.requestListener = (req, res) => {
    check(req, res).then(
      (pass) => {
        if (pass) bolt(req, res);
      },
      // Redis away: Bolt handles the request as it would have without this guard.
      (error: unknown) => {
        options.log.warn(errorFields(error), 'slack replay guard could not check a request; passed to Bolt');
        bolt(req, res);
      },
    );
  };
}
