/**
 * Limits, through the app as the server builds it (buildApp with the linter and a rate limit): each answers with a
 * clear error, never a hang or a 500.
 *
 * Already proven elsewhere: 413 on a briefing route (test/briefings/api.test.ts), 413 on the check plugin alone
 * (test/check-api.test.ts), and the MIME loader's 60 MB refusal (test/eml.test.ts).
 * Added here: the check route's own 256 KiB limit inside an app whose default is 64 KiB, the text cap (400 naming
 * the field), the engine's analysis cap, address-list caps, and the rate limit (429 + Retry-After), which is
 * per token (hashed), and per address for callers without one (see docs/reliability.md).
 */
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/briefings/memory-store.js';
import { BriefingService } from '../../src/briefings/service.js';
import { buildApp, DEFAULT_BODY_LIMIT } from '../../src/http/app.js';
import { issueToken, type Role } from '../../src/http/auth.js';
import { DEFAULT_CHECK_BODY_LIMIT, MAX_CHECK_TEXT } from '../../src/http/check.route.js';
import { loadLinter } from '../../src/lint/load.js';
import { MAX_ANALYSED_CHARS } from '../../src/lint/normalise/index.js';
import { clock, council, ids, LABOUR_REQUEST } from '../briefings/fixtures.js';

const SECRET = 'limits-test-secret-0123456789abcdefghijkl';
const token = (sub: string, role: Role = 'checker', group?: string) =>
  `Bearer ${issueToken(SECRET, { sub, role, ...(group ? { group } : {}), jti: `limits-${sub}`, exp: Math.floor(Date.now() / 1000) + 3600 })}`;
const linter = loadLinter();
linter.lint({ channel: 'email', from: 'a@b.example', to: [], cc: [], bcc: [], text: 'Could you send me the report? I want you to print leaflets.' });

async function build(rateLimit?: { max: number; timeWindow: string | number }): Promise<FastifyInstance> {
  const service = new BriefingService({ council: council(), store: new MemoryStore(), clock: clock(new Date().toISOString()), newId: ids('lm') });
  const app = await buildApp({ service, auth: { secret: SECRET }, linter, ...(rateLimit ? { rateLimit } : {}) });
  await app.ready();
  return app;
}

/** The check route's overload guard may answer 503 + Retry-After when the test box lags: ask again. */
async function inject(app: FastifyInstance, opts: InjectOptions) {
  for (let attempt = 0; ; attempt++) {
    const r = await app.inject(opts);
    if (r.statusCode !== 503 || !r.headers['retry-after'] || attempt >= 20) return r;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const message = (text: string, extra: object = {}) => ({
  channel: 'email',
  from: 'daniel.okafor@ashcombe.gov.uk',
  to: ['amir.patel@ashcombe.gov.uk'],
  text,
  ...extra,
});
const check = (app: FastifyInstance, body: unknown, auth = token('outlook-addin'), remoteAddress = '127.0.0.1') =>
  inject(app, {
    method: 'POST',
    url: '/v1/check',
    remoteAddress,
    headers: { authorization: auth, 'content-type': 'application/json' },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('message and body size', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await build();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('the check route takes a body over the app-wide 64 KiB (its own limit is 256 KiB)', async () => {
    expect(DEFAULT_CHECK_BODY_LIMIT).toBeGreaterThan(DEFAULT_BODY_LIMIT);
    const text = 'Could you send me the report on the bus station? '.repeat(1600); // ~78 KiB, < 100,000 chars
    expect(text.length).toBeLessThan(MAX_CHECK_TEXT);
    const r = await check(app, message(text));
    expect(r.statusCode).toBe(200);
  });

  it('a body over 256 KiB is 413 with a message that says what to do', async () => {
    const r = await check(app, message('x'.repeat(DEFAULT_CHECK_BODY_LIMIT + 10)));
    expect(r.statusCode).toBe(413);
    expect(r.json()).toMatchObject({ error: 'payload_too_large' });
    expect(r.json().message).toMatch(/larger than 256 KiB/);
  });

  it('text over the cap is 400 naming the field, not silently cut', async () => {
    const r = await check(app, message('a '.repeat(MAX_CHECK_TEXT / 2 + 1)));
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ error: 'bad_request', field: 'text' });
    expect(r.json().message).toMatch(/^text: /);
  });

  it('over-long address lists and addresses are 400 naming the field', async () => {
    const many = Array.from({ length: 501 }, (_, i) => `p${i}@ashcombe.gov.uk`);
    const r1 = await check(app, message('hello', { to: many }));
    expect(r1.statusCode).toBe(400);
    expect(r1.json().field).toBe('to');
    const r2 = await check(app, message('hello', { from: `${'a'.repeat(330)}@x.example` }));
    expect(r2.statusCode).toBe(400);
    expect(r2.json().field).toBe('from');
  });

  it('the engine analyses at most MAX_ANALYSED_CHARS and says so', () => {
    const long = 'The underpass is being repainted next week. '.repeat(Math.ceil((MAX_ANALYSED_CHARS + 5000) / 44));
    const result = linter.lint({ channel: 'email', from: 'a@b.example', to: [], cc: [], bcc: [], text: long });
    const notice = result.findings.find((f) => /Only the first/.test(f.message));
    expect(notice?.message).toContain(`Only the first ${MAX_ANALYSED_CHARS.toLocaleString('en-GB')} characters`);
  });

  it('a briefing body over 64 KiB is 413 on every POST route, before anything is stored', async () => {
    const big = 'x'.repeat(DEFAULT_BODY_LIMIT + 1);
    for (const url of [
      '/v1/briefings',
      '/v1/briefings/rq-x/decision',
      '/v1/offers/of-x/response',
      '/v1/rounds/ro-x/follow-ups',
      '/v1/sessions',
      '/v1/invitations/in-x/response',
    ]) {
      const r = await inject(app, {
        method: 'POST',
        url,
        headers: { authorization: token('o-bell', 'ce-office'), 'content-type': 'application/json' },
        payload: JSON.stringify({ matter: big }),
      });
      expect(r.statusCode, url).toBe(413);
      expect(r.json().error).toBe('payload_too_large');
    }
    const list = await inject(app, { method: 'GET', url: '/v1/briefings', headers: { authorization: token('o-bell', 'ce-office') } });
    expect(list.json().requests).toEqual([]);
  });

  it('a briefing request with an over-long matter is 400 naming it', async () => {
    const r = await inject(app, {
      method: 'POST',
      url: '/v1/briefings',
      headers: { authorization: token('cllr-hale', 'group-leader', 'labour') },
      payload: { ...LABOUR_REQUEST, matter: 'm'.repeat(201) },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().message).toMatch(/matter/);
  });
});

describe('rate limit', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await build({ max: 5, timeWindow: '1 minute' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers 429 with Retry-After once a client has used its budget', async () => {
    const ip = '10.0.0.1';
    for (let i = 0; i < 5; i++) expect((await check(app, message('hello'), token('outlook-addin'), ip)).statusCode).toBe(200);
    const r = await check(app, message('hello'), token('outlook-addin'), ip);
    expect(r.statusCode).toBe(429);
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    expect(r.headers['x-ratelimit-limit']).toBe('5');
    expect(r.json().message).toBeTruthy();
  });

  // FINDING (src/http/check.route.ts, the `error.statusCode < 500` branch of the check scope's error handler):
  // the rate limit's 429 on /v1/check answers {"error":"bad_request","message":"Bad request."}. Unskip once
  // that branch passes 429 through with its own wording (e.g. error 'too_many_requests', "Too many checks from
  // this client; retry after the number of seconds in Retry-After.").
  it('the 429 on /v1/check says it is a rate limit', async () => {
    const ip = '10.0.0.9';
    for (let i = 0; i < 5; i++) await check(app, message('hello'), token('outlook-addin'), ip);
    const r = await check(app, message('hello'), token('outlook-addin'), ip);
    expect(r.json().error).toBe('too_many_requests');
    expect(r.json().message).toMatch(/retry/i);
  });

  it('applies to the briefing routes too, with a JSON error naming it', async () => {
    const ip = '10.0.0.2';
    for (let i = 0; i < 5; i++)
      await inject(app, { method: 'GET', url: '/v1/rounds', remoteAddress: ip, headers: { authorization: token('o-bell', 'ce-office') } });
    const r = await inject(app, { method: 'GET', url: '/v1/rounds', remoteAddress: ip, headers: { authorization: token('o-bell', 'ce-office') } });
    expect(r.statusCode).toBe(429);
    expect(r.json().error).toBe('too_many_requests');
    expect(r.headers['retry-after']).toBeTruthy();
  });

  it('is kept per token: the same token from another address shares its budget, another token has its own', async () => {
    const ip = '10.0.0.3';
    const addin = token('outlook-addin-budget');
    for (let i = 0; i < 5; i++) await check(app, message('hello'), addin, ip);
    // The same token from another address is still over its budget.
    expect((await check(app, message('hello'), addin, '10.0.0.4')).statusCode).toBe(429);
    // Another token from the same address has a budget of its own.
    expect((await check(app, message('hello'), token('another-service'), ip)).statusCode).toBe(200);
  });

  it('an unauthenticated flood is limited per address (it is counted before the token is checked)', async () => {
    const ip = '10.0.0.5';
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await inject(app, { method: 'GET', url: '/v1/rounds', remoteAddress: ip })).statusCode);
    expect(statuses.slice(0, 5).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });

  it('a made-up token each time buys no fresh budget: invalid tokens count against the address', async () => {
    const ip = '10.0.0.6';
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const forged = `Bearer ${token('outlook-addin').slice('Bearer '.length, -6)}x${i}abcd`;
      statuses.push((await check(app, message('hello'), forged, ip)).statusCode);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    // A verified caller from that address still has their own budget.
    expect((await check(app, message('hello'), token('officer-at-that-address'), ip)).statusCode).toBe(200);
  });

  it('is kept per verified user: two tokens of one holder share a budget, whatever their ids', async () => {
    const holder = (n: number) =>
      `Bearer ${issueToken(SECRET, { sub: 'same-holder', role: 'checker', jti: `same-holder-${n}`, exp: Math.floor(Date.now() / 1000) + 3600 })}`;
    for (let i = 0; i < 5; i++) expect((await check(app, message('hello'), holder(i), `10.0.1.${i}`)).statusCode).toBe(200);
    expect((await check(app, message('hello'), holder(9), '10.0.1.9')).statusCode).toBe(429);
  });
});
