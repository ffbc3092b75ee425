/** The enquiry service as a process builds it: its records in Redis, its jobs on the `enquiries` queue. */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Council } from '../directory/council.js';
import { loadDetector, loadResponseTimes } from './load.js';
import { JobScheduler } from './queue.js';
import { EnquiryService } from './service.js';
import { enquirySettings } from './settings.js';
import { EnquiryStore } from './store.js';

export interface EnquiryWiring {
  council: Council;
  /** Where the records are (a fail-fast connection in an HTTP process). */
  redis: Redis;
  /** BullMQ's connection (no per-request retry limit). */
  queue: Redis;
  prefix: string;
  queuePrefix: string;
  clock: () => Date;
  /** How the scheduler retries a notice job (the worker's settings; jobOptions' defaults otherwise). */
  retry?: { backoffMs: number; attempts: number };
}

export function enquiryService(w: EnquiryWiring): { service: EnquiryService; scheduler: JobScheduler } {
  const settings = enquirySettings(w.council, loadResponseTimes());
  const store = new EnquiryStore(w.redis, w.prefix, settings.retentionMs);
  const service = new EnquiryService({
    council: w.council,
    settings,
    store,
    detector: loadDetector(w.council),
    clock: w.clock,
    newId: () => `enq-${randomBytes(5).toString('hex')}`,
  });
  const scheduler = new JobScheduler({
    connection: w.queue,
    prefix: w.queuePrefix,
    calendar: service.calendar,
    remindBefore: settings.remindWorkingDaysBefore,
    clock: w.clock,
    ...w.retry,
  });
  service.setScheduler(scheduler);
  return { service, scheduler };
}

/** council.yaml again (SIGHUP) for a service built by `enquiryService`; throws (keeping the old one) when invalid. */
export function reloadEnquiries(service: EnquiryService, council: Council): void {
  service.setCouncil(council, enquirySettings(council, loadResponseTimes()), loadDetector(council));
}
