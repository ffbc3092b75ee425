import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/briefings/memory-store.js';
import { RedisStore } from '../../src/briefings/redis-store.js';
import { BriefingService } from '../../src/briefings/service.js';
import { buildApp } from '../../src/http/app.js';
import { clock, council, ids, LABOUR_REQUEST, SHA, tokens } from './fixtures.js';
import { deletePrefix, sharedRedis, uniquePrefix } from './redis-helpers.js';

const SECRET = 'test-secret-that-is-long-enough-0123456789';
const tok = tokens(SECRET);
const T = {
  office: tok('o-bell', 'ce-office'),
  authoriser: tok('o-murray', 'authoriser'),
  mo: tok('o-singh', 'monitoring-officer'),
  labour: tok('cllr-hale', 'group-leader', 'labour'),
  tory: tok('cllr-webb', 'group-leader', 'conservative'),
  libdem: tok('cllr-doyle', 'group-leader', 'libdem'),
  hughes: tok('o-hughes', 'officer'),
};

let redis: Redis;
let app: FastifyInstance;
const prefix = uniquePrefix('api');

beforeAll(async () => {
  redis = sharedRedis();
  const service = new BriefingService({ council: council(), store: new RedisStore(redis, prefix), clock: clock(), newId: ids('api') });
  app = await buildApp({ service, auth: { secret: SECRET } });
});
afterAll(async () => {
  await app.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

const call = (method: 'GET' | 'POST' | 'PATCH', url: string, auth?: string, body?: unknown) =>
  app.inject({ method, url, ...(auth ? { headers: { authorization: auth } } : {}), ...(body !== undefined ? { payload: body as object } : {}) });

async function approved(matter = LABOUR_REQUEST.matter) {
  const created = await call('POST', '/v1/briefings', T.labour, { ...LABOUR_REQUEST, matter });
  expect(created.statusCode).toBe(201);
  const id = created.json().id as string;
  const decided = await call('POST', `/v1/briefings/${id}/decision`, T.authoriser, { decision: 'approve' });
  expect(decided.statusCode).toBe(200);
  const round = decided.json().round as { id: string; offerIds: string[] };
  const view = (await call('GET', `/v1/rounds/${round.id}`, T.office)).json() as { offers: { id: string; party: { id: string } }[] };
  const offer = (party: string) => view.offers.find((o) => o.party.id === party)!.id;
  return { id, round, offer };
}

describe('the briefings API', () => {
  it('answers 401 without a valid token and 403 for the wrong role, saying which', async () => {
    expect((await call('GET', '/v1/rounds')).statusCode).toBe(401);
    const forged = await call('GET', '/v1/rounds', 'Bearer pb1.eyJ9.bad');
    expect(forged.statusCode).toBe(401);
    expect(forged.json().message).toMatch(/token/);
    const wrong = await call('POST', '/v1/briefings/br-x/decision', T.office, { decision: 'approve' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().message).toContain('authoriser');
  });

  it('takes a request (201) and names the field that is wrong (400)', async () => {
    const ok = await call('POST', '/v1/briefings', T.labour, LABOUR_REQUEST);
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ status: 'pending', group: 'labour', recipient: 'o-carter' });
    const missing = await call('POST', '/v1/briefings', T.labour, { details: 'x' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().message).toContain('matter');
    const badDate = await call('POST', '/v1/briefings', T.labour, { ...LABOUR_REQUEST, preferredDate: 'soon' });
    expect(badDate.json().message).toContain('preferredDate');
    const badReason = await call('POST', `/v1/briefings/${ok.json().id}/decision`, T.authoriser, { decision: 'decline', reason: 'dislike' });
    expect(badReason.statusCode).toBe(400);
    expect(badReason.json().message).toContain('reason');
  });

  it('refuses an unknown group or member with a message that says so', async () => {
    // A token for a party its holder does not speak for is refused at the door, whatever it is signed with.
    const unknownGroup = await call('POST', '/v1/briefings', tok('cllr-hale', 'group-leader', 'nonesuch'), LABOUR_REQUEST);
    expect(unknownGroup.statusCode).toBe(401);
    expect(unknownGroup.json().message).toContain('nonesuch');
    const unknownMember = await call('POST', '/v1/briefings', T.office, { ...LABOUR_REQUEST, requestedBy: 'cllr-nobody' });
    expect(unknownMember.statusCode).toBe(400);
    expect(unknownMember.json().message).toContain('cllr-nobody');
  });

  it('approves once: a second decision, even in parallel, is 409; an unknown id is 404', async () => {
    const { id } = await approved('Parking strategy');
    const again = await call('POST', `/v1/briefings/${id}/decision`, T.authoriser, { decision: 'defer' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: 'conflict', rule: 'already-decided' });
    expect((await call('POST', '/v1/briefings/br-nope/decision', T.authoriser, { decision: 'approve' })).statusCode).toBe(404);

    const created = (await call('POST', '/v1/briefings', T.labour, { ...LABOUR_REQUEST, matter: 'Leisure centre' })).json();
    const both = await Promise.all([1, 2, 3].map(() => call('POST', `/v1/briefings/${created.id}/decision`, T.authoriser, { decision: 'approve' })));
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 409, 409]);
  });

  it('lets each group see and answer only its own offers', async () => {
    const { id, offer } = await approved('Bus lanes');
    const tory = await call('GET', '/v1/offers', T.tory);
    expect(tory.json().offers.every((o: { party: { id: string } }) => o.party.id === 'conservative')).toBe(true);
    expect(JSON.stringify(tory.json())).not.toMatch(/labour|Hale|Northgate/i);
    expect((await call('GET', `/v1/offers/${offer('libdem')}`, T.tory)).statusCode).toBe(404);
    expect((await call('POST', `/v1/offers/${offer('libdem')}/response`, T.tory, { response: 'accept' })).statusCode).toBe(404);
    expect((await call('GET', `/v1/briefings/${id}`, T.tory)).statusCode).toBe(404);
    const accepted = await call('POST', `/v1/offers/${offer('conservative')}/response`, T.tory, { response: 'accept' });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ status: 'accepted', title: 'Bus lanes' });
    expect(accepted.json().party).toEqual({ id: 'conservative', name: 'Conservative Group' });
    const twice = await call('POST', `/v1/offers/${offer('conservative')}/response`, T.tory, { response: 'decline' });
    expect(twice.statusCode).toBe(409);
    expect((await call('GET', '/v1/rounds', T.tory)).statusCode).toBe(403);
  });

  it('answers 409 for an answer on a closed round', async () => {
    const { offer } = await approved('Cemetery extension');
    for (const [t, p] of [
      [T.tory, 'conservative'],
      [T.libdem, 'libdem'],
    ] as const)
      await call('POST', `/v1/offers/${offer(p)}/response`, t, { response: 'decline' });
    for (const p of ['green', 'ashcombe-first']) await call('POST', `/v1/offers/${offer(p)}/response`, T.office, { response: 'decline' });
    const late = await call('POST', `/v1/offers/${offer('green')}/response`, T.office, { response: 'accept' });
    expect(late.statusCode).toBe(409);
    expect(late.json().rule).toBe('round-closed');
  });

  it('schedules sessions and refuses a decline that breaks the same-matter rule (409)', async () => {
    const { offer } = await approved('Flood defences');
    await call('POST', `/v1/offers/${offer('conservative')}/response`, T.tory, { response: 'accept' });
    const session = (o: string, day: string) =>
      call('POST', '/v1/sessions', T.office, {
        offerId: o,
        officers: ['o-hughes'],
        venue: 'Room 1',
        startsAt: `${day}T17:00:00Z`,
        endsAt: `${day}T18:00:00Z`,
        material: { version: 'v1', sha256: SHA },
      });
    expect((await session(offer('labour'), '2026-12-01')).statusCode).toBe(201);
    expect((await session(offer('conservative'), '2026-12-02')).statusCode).toBe(201);
    const notTaken = await session(offer('libdem'), '2026-12-03');
    expect(notTaken.statusCode).toBe(409);
    const badSha = await call('POST', '/v1/sessions', T.office, {
      offerId: offer('labour'),
      officers: ['o-hughes'],
      venue: 'x',
      startsAt: '2026-12-01T17:00:00Z',
      endsAt: '2026-12-01T18:00:00Z',
      material: { version: 'v1', sha256: 'abc' },
    });
    expect(badSha.json().message).toContain('sha256');
    const invitations = (await call('GET', '/v1/invitations', T.hughes)).json().invitations as { id: string; party: string; roundId: string }[];
    const mine = invitations.filter((i) => i.roundId === invitations.at(-1)!.roundId);
    await call('POST', `/v1/invitations/${mine.find((i) => i.party === 'labour')!.id}/response`, T.hughes, { response: 'accept' });
    const refused = await call('POST', `/v1/invitations/${mine.find((i) => i.party === 'conservative')!.id}/response`, T.hughes, {
      response: 'decline',
      reason: 'busy',
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ rule: 'same-matter', message: expect.stringContaining('chief executive') });
  });

  it('refuses a leap second or an impossible date in a session time with a one-line 400, never a 500', async () => {
    const { offer } = await approved('Leap second matter');
    const created = await call('POST', '/v1/sessions', T.office, {
      offerId: offer('labour'),
      officers: ['o-hughes'],
      venue: 'Room 1',
      startsAt: '2026-12-31T22:00:00Z',
      endsAt: '2026-12-31T23:00:00Z',
      material: { version: 'v1', sha256: SHA },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    for (const [field, value] of [
      ['endsAt', '2026-12-31T23:59:60Z'],
      ['startsAt', '2026-02-30T10:00:00Z'],
    ] as const) {
      const res = await call('PATCH', `/v1/sessions/${id}`, T.office, { [field]: value });
      expect(res.statusCode, value).toBe(400);
      expect(res.json()).toMatchObject({ error: 'bad_request', message: expect.stringContaining(`body/${field}`) });
      expect(res.json().message).not.toContain('\n');
    }
    const leap = await call('PATCH', `/v1/sessions/${id}`, T.office, { endsAt: '2026-12-31T23:59:60Z' });
    expect(leap.json().message).toMatch(/leap second/);
    const posted = await call('POST', '/v1/sessions', T.office, {
      offerId: offer('labour'),
      officers: ['o-hughes'],
      venue: 'Room 1',
      startsAt: '2026-12-31T23:00:00Z',
      endsAt: '2026-12-31T23:59:60Z',
      material: { version: 'v1', sha256: SHA },
    });
    expect(posted.statusCode).toBe(400);
    expect(posted.json().message).toContain('body/endsAt');
    // An ordinary change still works.
    expect((await call('PATCH', `/v1/sessions/${id}`, T.office, { endsAt: '2026-12-31T23:59:59Z' })).statusCode).toBe(200);
  });

  it('exports the register as JSON and CSV, and serves a verifiable audit trail', async () => {
    await approved('Register matter');
    const json = await call('GET', '/v1/register', T.mo);
    expect(json.statusCode).toBe(200);
    expect(json.json().rows.length).toBeGreaterThanOrEqual(5);
    const csv = await app.inject({ method: 'GET', url: '/v1/register', headers: { authorization: T.office, accept: 'text/csv' } });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain('attachment');
    expect(csv.body.split('\r\n')[0]).toContain('roundId,requestId,title');
    expect((await call('GET', '/v1/register?format=csv', T.office)).body).toContain('Register matter');
    expect((await call('GET', '/v1/register', T.tory)).statusCode).toBe(403);
    const audit = await call('GET', '/v1/audit?last=5', T.office);
    expect(audit.json().events).toHaveLength(5);
    expect(audit.json().events.at(-1).seq).toBe(audit.json().head.seq);
    expect((await call('GET', '/v1/audit/verify', T.mo)).json()).toMatchObject({ ok: true });
  });

  it('pages the rounds, newest first, and the chain verification, following `next`', async () => {
    for (const matter of ['Paging one', 'Paging two', 'Paging three']) await approved(matter);
    const all = (await call('GET', '/v1/rounds?limit=200', T.office)).json() as { rounds: { id: string }[]; next?: string };
    expect(all.next).toBeUndefined();
    expect(all.rounds.length).toBeGreaterThanOrEqual(3);
    const seen: string[] = [];
    let url = '/v1/rounds?limit=2';
    for (;;) {
      const page = (await call('GET', url, T.office)).json() as { rounds: { id: string }[]; next?: string };
      expect(page.rounds.length).toBeLessThanOrEqual(2);
      seen.push(...page.rounds.map((r) => r.id));
      if (!page.next) break;
      url = `/v1/rounds?limit=2&cursor=${page.next}`;
    }
    expect(seen).toEqual(all.rounds.map((r) => r.id));
    expect((await call('GET', '/v1/rounds', T.office)).json().rounds.length).toBeLessThanOrEqual(50);
    const unknown = await call('GET', '/v1/rounds?cursor=rd-nonesuch', T.office);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toBe('cursor: no round "rd-nonesuch" to continue after');
    expect((await call('GET', '/v1/rounds?limit=1000', T.office)).statusCode).toBe(400);

    const first = (await call('GET', '/v1/audit/verify?from=1&limit=4', T.mo)).json();
    expect(first).toMatchObject({ ok: true, from: 1, to: 4, next: 5 });
    const head = (await call('GET', '/v1/audit?last=1', T.mo)).json().head as { seq: number };
    const last = (await call('GET', `/v1/audit/verify?from=${head.seq}&limit=4`, T.mo)).json();
    expect(last).toMatchObject({ ok: true, from: head.seq, to: head.seq });
    expect(last).not.toHaveProperty('next');
  });

  it('sheds the reads that grow with the ledger while under pressure, and only those', async () => {
    const busy = await buildApp({
      service: new BriefingService({ council: council(), store: new RedisStore(redis, prefix), clock: clock(), newId: ids('busy') }),
      auth: { secret: SECRET },
      // A failing health check puts under-pressure in its overloaded state, as a lagging event loop would.
      overload: { healthCheck: async () => false, healthCheckInterval: 60_000, retryAfter: 3 },
    });
    try {
      for (const url of ['/v1/rounds', '/v1/audit/verify', '/v1/audit?last=5', '/v1/register']) {
        const res = await busy.inject({ url, headers: { authorization: T.office } });
        expect(res.statusCode, url).toBe(503);
        expect(res.headers['retry-after']).toBe('3');
        expect(res.json()).toEqual({ error: 'unavailable', message: 'Probity is busy; retry after 3 seconds (Retry-After)' });
      }
      expect((await busy.inject({ url: '/v1/offers', headers: { authorization: T.tory } })).statusCode).toBe(200);
      expect((await busy.inject({ url: '/v1/briefings', headers: { authorization: T.office } })).statusCode).toBe(200);
      expect((await busy.inject({ url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await busy.close();
    }
  });

  it('answers 413 for an oversized body and 404 for an unknown route', async () => {
    const big = await call('POST', '/v1/briefings', T.labour, { ...LABOUR_REQUEST, details: 'x'.repeat(70 * 1024) });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ error: 'payload_too_large', message: expect.stringContaining('KiB') });
    expect((await call('GET', '/v1/nothing', T.office)).statusCode).toBe(404);
  });

  it('describes itself in OpenAPI', async () => {
    const spec = (await call('GET', '/openapi.json')).json();
    expect(spec.openapi).toMatch(/^3\./);
    for (const path of ['/v1/briefings', '/v1/briefings/{id}/decision', '/v1/briefings/{id}', '/v1/offers/{id}/response', '/v1/sessions', '/v1/register']) {
      expect(spec.paths[path], path).toBeDefined();
    }
    expect(spec.components.securitySchemes.bearer.scheme).toBe('bearer');
  });
});

describe('errors never leak internals', () => {
  it("answers 503 when the ledger's Redis is unreachable", async () => {
    const { Redis } = await import('ioredis');
    const down = new Redis('redis://127.0.0.1:1', { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true, retryStrategy: () => null });
    down.on('error', () => undefined);
    const broken = await buildApp({
      service: new BriefingService({ council: council(), store: new RedisStore(down, 'x'), clock: clock(), newId: ids() }),
      auth: { secret: SECRET },
    });
    const res = await broken.inject({ method: 'GET', url: '/v1/rounds', headers: { authorization: T.office } });
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toBe('unavailable');
    // And /healthz says so, in one line that names what is down and nothing of where it is.
    const health = await broken.inject({ url: '/healthz' });
    expect(health.statusCode).toBe(503);
    expect(health.json()).toEqual({ ok: false, error: 'unavailable', message: 'the briefing ledger is unreachable' });
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ ok: true });
    await broken.close();
    down.disconnect();
  });

  it('answers 500 with a request reference and no detail', async () => {
    const store = new MemoryStore();
    store.reader = () => {
      throw new TypeError('cannot read properties of undefined at /srv/secret-host/ledger.js password=hunter2');
    };
    const broken = await buildApp({ service: new BriefingService({ council: council(), store, clock: clock(), newId: ids() }), auth: { secret: SECRET } });
    const res = await broken.inject({ method: 'GET', url: '/v1/briefings/br-x', headers: { authorization: T.office } });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toMatch(/secret-host|hunter2|undefined/);
    expect(res.json()).toMatchObject({ error: 'internal', message: expect.stringContaining('request') });
    await broken.close();
  });
});
