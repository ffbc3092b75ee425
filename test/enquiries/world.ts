/** A council with the example directory, Wiltshire's protocol (2 and 10 working days) and a real Redis store. */
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { parseCouncil, type Council } from '../../src/directory/council.js';
import { loadDetector, loadResponseTimes } from '../../src/enquiries/load.js';
import { EnquiryService, type IncomingMessage, type Scheduler } from '../../src/enquiries/service.js';
import { enquirySettings, type EnquirySettings } from '../../src/enquiries/settings.js';
import { EnquiryStore } from '../../src/enquiries/store.js';

export function wiltshireCouncil(extra = ''): Council {
  const text = readFileSync('examples/council.yaml', 'utf8').replace(/^protocol: .*$/m, 'protocol: wiltshire');
  return parseCouncil(text + extra, 'council.yaml');
}

let counter = 0;
export function world(redis: Redis, prefix: string, opts: { now?: Date; scheduler?: Scheduler; council?: Council } = {}) {
  const council = opts.council ?? wiltshireCouncil();
  const settings: EnquirySettings = enquirySettings(council, loadResponseTimes());
  const clock = { now: opts.now ?? new Date('2026-04-02T09:30:00+01:00') };
  const store = new EnquiryStore(redis, prefix, settings.retentionMs);
  const service = new EnquiryService({
    council,
    settings,
    store,
    detector: loadDetector(council),
    clock: () => clock.now,
    newId: () => `enq-${(++counter).toString(16).padStart(6, '0')}${Math.random().toString(16).slice(2, 6)}`,
    ...(opts.scheduler ? { scheduler: opts.scheduler } : {}),
  });
  return { council, settings, store, service, clock };
}

export function email(over: Partial<IncomingMessage> & { text: string }): IncomingMessage {
  return {
    channel: 'email',
    from: 'megan.price@ashcombe.gov.uk',
    to: ['kasia.nowak@ashcombe.gov.uk'],
    cc: [],
    bcc: [],
    subject: 'Damp and mould - 22 Riverside Terrace',
    messageId: `<${Math.random().toString(36).slice(2)}@ashcombe.gov.uk>`,
    receivedAt: new Date('2026-04-02T09:30:00+01:00'),
    ...over,
  };
}
