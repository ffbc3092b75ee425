/**
 * The member enquiries' response-time figures for the Monitoring Officer's audit (`probity audit --enquiries`):
 * read from the enquiry store in Redis (REDIS_URL, PROBITY_ENQUIRIES_PREFIX) with the council's settings and
 * working-day calendar, counts only: per service and month the median hours to acknowledge and to answer, the
 * share on time, and the open and overdue counts now. No subject line and no councillor or officer is named.
 */
import type { Council } from '../directory/council.js';
import { workingCalendar } from '../directory/working-days.js';
import { loadResponseTimes } from '../enquiries/load.js';
import { enquirySettings } from '../enquiries/settings.js';
import { EnquiryStore } from '../enquiries/store.js';
import { responseTimes, type ResponseTimeFigures } from '../enquiries/views.js';
import { InputError } from '../mail/errors.js';
import { DEFAULT_REDIS_URL, producerConnection, whenReady } from '../queue/redis.js';

export type EnquiryFigures = ResponseTimeFigures & { source: string };

const CONNECT_MS = 5000;

export async function enquiryFigures(council: Council, env: NodeJS.ProcessEnv, now: Date, months = 12): Promise<EnquiryFigures> {
  if (!Number.isInteger(months) || months < 1 || months > 36) throw new InputError('audit: --enquiry-months must be a whole number from 1 to 36');
  const settings = enquirySettings(council, loadResponseTimes());
  const url = env.REDIS_URL ?? DEFAULT_REDIS_URL;
  const prefix = env.PROBITY_ENQUIRIES_PREFIX ?? 'probity:enquiries';
  const where = new URL(url).host;
  const redis = producerConnection(url, { lazyConnect: true, retryStrategy: () => null, connectionName: 'probity-audit' });
  redis.on('error', () => undefined);
  try {
    try {
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), CONNECT_MS).unref());
      await Promise.race([redis.connect().then(() => whenReady(redis)), timeout]);
    } catch {
      throw new InputError(`audit: --enquiries needs the enquiry store, but Redis at ${where} (REDIS_URL) cannot be reached`);
    }
    const store = new EnquiryStore(redis, prefix, settings.retentionMs);
    return { source: `${where} ${prefix}`, ...(await responseTimes(store, settings, workingCalendar(council), now, months)) };
  } finally {
    redis.disconnect();
  }
}
