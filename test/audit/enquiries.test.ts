/**
 * `probity audit --enquiries`: the Monitoring Officer's audit with the member enquiries' response times, read from
 * a real enquiry store in Redis: medians to acknowledge and to answer per service and month, on time, overdue, in
 * the JSON, the HTML and the terminal summary; counts only, never a subject line or a person.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deletePrefix, SHARED_REDIS_URL, sharedRedis, uniquePrefix } from '../briefings/redis-helpers.js';
import { world } from '../enquiries/world.js';
import { writeMbox } from './fixtures.js';
import { runCli } from './helpers.js';

const HOUR = 3_600_000;
const SUBJECT = 'Phone: fly-tipping behind 3 Orchard Row';

let redis: Redis;
let tmp: string;
const prefix = uniquePrefix('audit-enquiries');

beforeAll(async () => {
  redis = sharedRedis();
  tmp = mkdtempSync(join(tmpdir(), 'probity-audit-enq-'));
  await writeMbox(join(tmp, 'sent.mbox'), 20);
  // Three Place enquiries received on Thursday 2 April 2026: acknowledged after 3 h and 5 h, one answered after
  // 50 h, and one still open (overdue by now).
  const { service, clock } = world(redis, prefix);
  const received = new Date('2026-04-02T09:30:00+01:00');
  const at = (hours: number) => new Date(received.getTime() + hours * HOUR);
  const a = await service.record({ councillor: 'cllr-webb', officer: 'o-murray', subject: SUBJECT, receivedAt: received, by: 'o-bell' });
  const b = await service.record({ councillor: 'cllr-webb', officer: 'o-murray', subject: `${SUBJECT} (again)`, receivedAt: received, by: 'o-bell' });
  clock.now = at(3);
  await service.acknowledge(a.id, 'o-murray');
  clock.now = at(5);
  await service.acknowledge(b.id, 'o-murray');
  clock.now = at(50);
  await service.markAnswered(a.id, 'o-murray');
});

afterAll(async () => {
  await deletePrefix(redis, prefix);
  redis.disconnect();
  rmSync(tmp, { recursive: true, force: true });
});

describe('probity audit --enquiries', () => {
  it('adds the response times to the JSON, the HTML and the summary, with no subject and no person', async () => {
    const r = await runCli(['audit', 'sent.mbox', '--enquiries', '--json', 'a.json', '--html', 'a.html', '--no-progress', '--pseudonym-key', 'k'], tmp, {
      REDIS_URL: SHARED_REDIS_URL,
      PROBITY_ENQUIRIES_PREFIX: prefix,
    });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(tmp, 'a.json'), 'utf8'));
    const e = report.enquiries;
    expect(e.months).toHaveLength(12);
    expect(e.periods).toEqual({ acknowledge: '2 working days', answer: '10 working days' });
    expect(e).toMatchObject({ open: 1, overdue: 1 });
    expect(e.byService).toContainEqual({ id: 'place', name: 'Place', open: 1, overdue: 1 });
    const place = e.medians.find((m: { service: string }) => m.service === 'place');
    const april = e.months.indexOf('2026-04');
    expect(april).toBeGreaterThanOrEqual(0);
    expect(place.acknowledge[april]).toBe(4);
    expect(place.answer[april]).toBe(50);
    expect(place.acknowledged[april]).toBe(2);
    expect(place.answered[april]).toBe(1);
    expect(e.onTime).toContainEqual({ service: 'place', name: 'Place', acknowledged: 2, acknowledgedOnTime: 2, answered: 1, answeredOnTime: 1 });

    const html = readFileSync(join(tmp, 'a.html'), 'utf8');
    expect(html).toContain('Member enquiries: response times');
    expect(html).toMatch(/<td>Place<\/td><td>2026-04<\/td><td class="n">4<\/td><td class="n">2<\/td><td class="n">50<\/td><td class="n">1<\/td>/);
    expect(r.stdout).toContain('Member enquiries');
    expect(r.stdout).toMatch(/Place\s+2026-04\s+4 h \/\s+50 h\s+\(2 acknowledged, 1 answered\)/);
    expect(r.stdout).toContain('1 open now, 1 overdue');
    for (const out of [JSON.stringify(report), html, r.stdout]) {
      expect(out).not.toContain('Orchard Row');
      expect(out).not.toMatch(/Webb|Murray|cllr-webb|o-murray/);
    }
  });

  it('says in one line, before auditing anything, when the enquiry store cannot be reached or the months are wrong', async () => {
    const down = await runCli(['audit', 'sent.mbox', '--enquiries', '--json', 'b.json', '--no-progress'], tmp, { REDIS_URL: 'redis://127.0.0.1:1' });
    expect(down.code).toBe(2);
    expect(down.stderr.trim()).toBe('probity: audit: --enquiries needs the enquiry store, but Redis at 127.0.0.1:1 (REDIS_URL) cannot be reached');
    const months = await runCli(['audit', 'sent.mbox', '--enquiries', '--enquiry-months', '99', '--no-progress'], tmp, { REDIS_URL: SHARED_REDIS_URL });
    expect(months.code).toBe(2);
    expect(months.stderr).toContain('--enquiry-months must be a whole number from 1 to 36');
  });
});
