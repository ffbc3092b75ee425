/** The lint queue's sealing keys for tests (PROBITY_QUEUE_KEYS), the same in producers and workers. */
import { QueueKeys } from '../../src/queue/sealed.js';

export const TEST_QUEUE_KEYS = 'test:6b1f0c9e4a7d2358be90f1c4d7a26e83';
export const testQueueKeys = () => QueueKeys.parse(TEST_QUEUE_KEYS);
