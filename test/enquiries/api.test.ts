/** The enquiry API: who may see and do what, the one-click link, the telephone form and the CSV. */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signLink } from '../../src/enquiries/links.js';
import { deletePrefix, sharedRedis, uniquePrefix } from '../briefings/redis-helpers.js';
import { enquiryApp, SECRET } from './app.js';
import { email } from './world.js';

let redis: Redis;
const prefix = uniquePrefix('enq-api');
let r: Awaited<ReturnType<typeof enquiryApp>>;
let id: string;

beforeAll(async () => {
  redis = sharedRedis();
  r = await enquiryApp(redis, `${prefix}:data`);
  id = (await r.service.intake(email({ subject: '=HYPERLINK("http://evil.example")', text: 'Kasia, could you find out when the surveyor can visit?' })))
    .enquiry!.id;
});
afterAll(async () => {
  await r.app.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

describe('the enquiry API', () => {
  it('shows member services the dashboard: open and overdue by service, officer and ward', async () => {
    const res = await r.app.inject({ url: '/v1/enquiries/dashboard', headers: bearer(r.token('o-carter', 'ce-office')) });
    expect(res.statusCode).toBe(200);
    const d = res.json();
    // Received Thu 2 April, acknowledgement due Wed 8 April: overdue on Thu 9 April.
    expect(d).toMatchObject({ open: 1, overdue: 1 });
    expect(d.byService.find((s: { id: string }) => s.id === 'housing')).toMatchObject({ open: 1, overdue: 1 });
    expect(d.byOfficer).toEqual([{ id: 'o-nowak', name: 'Kasia Nowak', open: 1, overdue: 1 }]);
    expect(d.byWard.find((w: { name: string }) => w.name === 'Riverside')).toMatchObject({ open: 1 });
    expect(d.overdueList[0]).toMatchObject({ id, councillor: { name: 'Cllr Megan Price' }, overdue: true });
    expect(d.onTime).toEqual([]);
  });

  it('refuses the dashboard to an officer and to nobody', async () => {
    expect((await r.app.inject({ url: '/v1/enquiries/dashboard', headers: bearer(r.token('o-nowak', 'officer')) })).statusCode).toBe(403);
    expect((await r.app.inject({ url: '/v1/enquiries/dashboard' })).statusCode).toBe(401);
  });

  it("shows a councillor their own enquiries and an officer what is due from them, and nobody else's", async () => {
    const mine = await r.app.inject({ url: '/v1/enquiries/mine', headers: bearer(r.token('cllr-price', 'checker')) });
    expect(mine.json().enquiries.map((e: { id: string }) => e.id)).toEqual([id]);
    expect(mine.json().enquiries[0].steps[0]).toMatchObject({ what: 'Received', by: 'Cllr Megan Price' });
    const other = await r.app.inject({ url: '/v1/enquiries/mine', headers: bearer(r.token('cllr-webb', 'checker')) });
    expect(other.json().enquiries).toEqual([]);
    expect((await r.app.inject({ url: `/v1/enquiries/${id}`, headers: bearer(r.token('cllr-webb', 'checker')) })).statusCode).toBe(404);
    const due = await r.app.inject({ url: '/v1/enquiries/due', headers: bearer(r.token('o-nowak', 'officer')) });
    expect(due.json().enquiries[0]).toMatchObject({ id, status: 'open' });
  });

  it('lets only its officer (or stand-in, manager, member services) act, and the councillor close a wrong one', async () => {
    expect((await r.app.inject({ method: 'POST', url: `/v1/enquiries/${id}/acknowledge`, headers: bearer(r.token('o-patel', 'officer')) })).statusCode).toBe(
      403,
    );
    const ok = await r.app.inject({ method: 'POST', url: `/v1/enquiries/${id}/acknowledge`, headers: bearer(r.token('o-nowak', 'officer')) });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'acknowledged' });
    const held = await r.app.inject({
      method: 'POST',
      url: `/v1/enquiries/${id}/holding`,
      headers: bearer(r.token('o-murray', 'officer')),
      payload: { newDay: '2026-04-30', reason: true, action: true },
    });
    expect(held.json()).toMatchObject({ answerDay: '2026-04-30' });
    expect(held.json().steps.map((s: { what: string }) => s.what)).toEqual(['Received', 'Acknowledged', 'Holding reply: new date Thu 30 Apr 2026']);
    // Acknowledged on Thu 9 April, a day after it was due: late, and the figures say so.
    const d = (await r.app.inject({ url: '/v1/enquiries/dashboard', headers: bearer(r.token('o-singh', 'monitoring-officer')) })).json();
    expect(d.onTime).toEqual([{ service: 'housing', name: 'Housing', acknowledged: 1, acknowledgedOnTime: 0, answered: 0, answeredOnTime: 0 }]);
  });

  it('takes a one-click link once, and refuses an altered or expired one', async () => {
    const now = Math.floor(r.clock.now.getTime() / 1000);
    const t = signLink(SECRET, { enquiry: id, action: 'answered', by: 'o-nowak', exp: now + 3600 });
    const res = await r.app.inject({ method: 'POST', url: '/v1/enquiries/act', payload: { t } });
    expect(res.json()).toMatchObject({ done: 'answered', enquiry: { status: 'answered' } });
    expect((await r.app.inject({ method: 'POST', url: '/v1/enquiries/act', payload: { t: `${t.slice(0, -2)}xx` } })).statusCode).toBe(403);
    const old = signLink(SECRET, { enquiry: id, action: 'answered', by: 'o-nowak', exp: now - 1 });
    expect((await r.app.inject({ method: 'POST', url: '/v1/enquiries/act', payload: { t: old } })).json().message).toBe('this link has expired');
    expect((await r.app.inject({ url: '/enquiries/act.html' })).statusCode).toBe(200);
  });

  it('records a telephone enquiry and exports CSV with formulas defused', async () => {
    const phone = await r.app.inject({
      method: 'POST',
      url: '/v1/enquiries',
      headers: bearer(r.token('o-carter', 'ce-office')),
      payload: { councillor: 'cllr-webb', officer: 'o-murray', subject: 'Phone: Beacon Rise bins' },
    });
    expect(phone.statusCode).toBe(201);
    expect(phone.json()).toMatchObject({ channel: 'phone', ward: 'Hillcrest', service: 'Place' });
    expect(
      (
        await r.app.inject({
          method: 'POST',
          url: '/v1/enquiries',
          headers: bearer(r.token('o-carter', 'ce-office')),
          payload: { councillor: 'o-murray', subject: 'x' },
        })
      ).statusCode,
    ).toBe(400);
    const res = await r.app.inject({ url: '/v1/enquiries/export.csv', headers: bearer(r.token('o-singh', 'monitoring-officer')) });
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.body.trim().split('\r\n');
    expect(lines[0]).toBe(
      'id,received,councillor,ward,officer,service,channel,subject,status,acknowledge_by,acknowledged_at,answer_by,answered_at,holding_replies,closed_reason',
    );
    expect(res.body).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
    expect(lines).toHaveLength(3);
  });
});
