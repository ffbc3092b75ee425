/**
 * The authorisation matrix: every route the built app serves (read from `app.printRoutes()`, so a route added
 * without an entry in EXPECTED fails this test) against every role in ROLES, no token, and broken tokens
 * (expired, wrong secret, tampered payload, unsigned, unknown role, group-leader without a group, wrong scheme).
 *
 * Expectations come from each route's `requireRole(...)` in src/http/*.route.ts. A role the route names must get
 * past the gate (never 401, never the gate's 403, never 500); every other role gets the gate's 403; a missing or
 * broken token gets 401 with WWW-Authenticate. Bodies and ids are valid, so schema validation (which Fastify runs
 * before the preHandler) never answers first.
 *
 * Then confidentiality over HTTP: a group leader for group A never sees, answers or learns of group B's offers.
 */
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/briefings/memory-store.js';
import { BriefingService } from '../../src/briefings/service.js';
import { buildApp } from '../../src/http/app.js';
import { MemoryKv, RevocationList } from '../../src/auth/kv.js';
import { issueToken, ROLES, type Claims, type Role } from '../../src/http/auth.js';
import { OFFICE } from '../../src/http/briefings.route.js';
import { loadLinter } from '../../src/lint/load.js';
import { clock, council, ids, LABOUR_REQUEST, SHA } from '../briefings/fixtures.js';

const SECRET = 'authz-matrix-secret-0123456789abcdefghij';
const now = () => Math.floor(Date.now() / 1000);
const sign = (claims: Omit<Partial<Claims>, 'role'> & { sub: string; role: string }, secret = SECRET) =>
  issueToken(secret, { exp: now() + 3600, ...claims } as Claims);

/** Who each role is in the example council (a real person where the domain looks the caller up). */
const PRINCIPALS: Record<Role, Partial<Claims> & { sub: string; role: Role }> = {
  'ce-office': { sub: 'o-bell', role: 'ce-office' },
  authoriser: { sub: 'o-murray', role: 'authoriser' },
  'monitoring-officer': { sub: 'o-singh', role: 'monitoring-officer' },
  'group-leader': { sub: 'cllr-hale', role: 'group-leader', group: 'labour' },
  officer: { sub: 'o-hughes', role: 'officer' },
  // For both audiences, so the role gate is what refuses it; the add-in's own token is for `check` only (tested below).
  checker: { sub: 'outlook-addin', role: 'checker', aud: ['briefings', 'check'] },
};

type Expect = 'public' | readonly Role[];
/** `METHOD path` (as printRoutes spells it) → who may call it. From requireRole(...) in each route file. */
const EXPECTED: Record<string, Expect> = {
  'POST /v1/briefings': ['group-leader', 'ce-office'],
  'GET /v1/briefings': [...OFFICE, 'group-leader'],
  'GET /v1/briefings/:id': [...OFFICE, 'group-leader'],
  'POST /v1/briefings/:id/decision': ['authoriser'],
  'POST /v1/briefings/:id/withdraw': ['group-leader', 'ce-office'],
  'GET /v1/office': [...OFFICE],
  'GET /v1/offers': ['group-leader'],
  'GET /v1/offers/:id': [...OFFICE, 'group-leader'],
  'POST /v1/offers/:id/response': ['group-leader', 'ce-office'],
  'GET /v1/rounds': [...OFFICE],
  'GET /v1/rounds/:id': [...OFFICE],
  'POST /v1/rounds/:id/refresh': ['ce-office'],
  'POST /v1/rounds/:id/follow-ups': ['ce-office', 'officer'],
  'POST /v1/sessions': ['ce-office'],
  'PATCH /v1/sessions/:id': ['ce-office'],
  'GET /v1/invitations': ['officer', ...OFFICE],
  'POST /v1/invitations/:id/response': ['officer', 'ce-office'],
  'GET /v1/register': [...OFFICE],
  'GET /v1/audit': [...OFFICE],
  'GET /v1/audit/verify': [...OFFICE],
  'GET /v1/delivery': [...OFFICE],
  'GET /v1/action-items': [...OFFICE],
  'POST /v1/action-items/refusals/:id/dealt-with': ['ce-office', 'authoriser'],
  'POST /v1/check': [...ROLES],
  // Public: the page's static files, the API description, health, and the Outlook add-in's files.
  'GET /healthz': 'public',
  'GET /openapi.json': 'public',
  'GET /office': 'public',
  'GET /office*': 'public',
  'GET /shell/shell.js': 'public',
  'GET /shell/shell.css': 'public',
  'GET /docs': 'public',
  'GET /docs/': 'public',
  'GET /docs/static/index.html': 'public',
  'GET /docs/static/swagger-initializer.js': 'public',
  'GET /docs/*': 'public',
  'GET /docs/json': 'public',
  'GET /docs/yaml': 'public',
  'OPTIONS *': 'public',
  'GET /addin/manifest.xml': 'public',
  'GET /addin/commands.html': 'public',
  'GET /addin/commands.js': 'public',
  'GET /addin/taskpane.html': 'public',
  'GET /addin/taskpane.js': 'public',
  'GET /addin/taskpane.css': 'public',
  'GET /addin/assets/:name': 'public',
  'GET /.well-known/microsoft-officeaddins-allowed.json': 'public',
};

/** Parse `printRoutes({ commonPrefix: false })`'s tree into `METHOD path` entries (HEAD folded into GET). */
export function routesOf(tree: string): string[] {
  const stack: string[] = [];
  const out = new Set<string>();
  for (const line of tree.split('\n')) {
    const m = /^((?:│ {3}| {4})*)(?:├── |└── )(\S+)(?: \(([^)]*)\))?/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    const path = stack.join('');
    for (const method of (m[3] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      if (method !== 'HEAD') out.add(`${method} ${path}`);
    }
  }
  return [...out].sort();
}

let app: FastifyInstance;
const state = {} as {
  labourRequest: string;
  pendingRequest: string;
  withdrawRequest: string;
  round: string;
  offers: Record<string, string>;
};

const auth = (token: string | undefined): Record<string, string> => (token === undefined ? {} : { authorization: token });
/**
 * The check route's overload guard (under-pressure, on whenever buildApp serves /v1/check) answers 503 before the
 * gate when this process's event loop lagged, as it can on a busy CI box: wait and ask again, so the gate is tested.
 */
async function inject(opts: InjectOptions) {
  for (let attempt = 0; ; attempt++) {
    const r = await app.inject(opts);
    if (r.statusCode !== 503 || !r.headers['retry-after'] || attempt >= 20) return r;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
const bearer = (claims: Omit<Partial<Claims>, 'role'> & { sub: string; role: string }, secret?: string) => `Bearer ${sign(claims, secret)}`;

beforeAll(async () => {
  const service = new BriefingService({ council: council(), store: new MemoryStore(), clock: clock(new Date().toISOString()), newId: ids('az') });
  const linter = loadLinter();
  // Warm the engine (its NLP loads lazily) before the overload guard starts sampling the event loop.
  linter.lint({ channel: 'email', from: 'a@b.example', to: [], cc: [], bcc: [], text: 'Could you send me the report? I want you to print leaflets.' });
  app = await buildApp({
    service,
    auth: { secret: SECRET, revoked },
    linter,
    addin: { publicUrl: 'https://probity.ashcombe.gov.uk', sso: { clientId: 'addin-client' } },
  });
  await app.ready();
  await revoked.revoke(REVOKED_ID, now() + 3600, now());
  const labour = bearer(PRINCIPALS['group-leader']);
  const authoriser = bearer(PRINCIPALS.authoriser);
  const office = bearer(PRINCIPALS['ce-office']);
  const create = async (matter: string) => {
    const r = await inject({ method: 'POST', url: '/v1/briefings', headers: auth(labour), payload: { ...LABOUR_REQUEST, matter } });
    expect(r.statusCode, r.body).toBe(201);
    return r.json().id as string;
  };
  state.labourRequest = await create('Local Plan review: housing site allocations');
  state.pendingRequest = await create('Leisure centre contract');
  state.withdrawRequest = await create('Car parking charges');
  const decided = await inject({
    method: 'POST',
    url: `/v1/briefings/${state.labourRequest}/decision`,
    headers: auth(authoriser),
    payload: { decision: 'approve' },
  });
  expect(decided.statusCode, decided.body).toBe(200);
  state.round = decided.json().round.id as string;
  const view = (await inject({ method: 'GET', url: `/v1/rounds/${state.round}`, headers: auth(office) })).json() as {
    offers: { id: string; party: { id: string } }[];
  };
  state.offers = Object.fromEntries(view.offers.map((o) => [o.party.id, o.id]));
  expect(Object.keys(state.offers).length).toBeGreaterThanOrEqual(4);
});
afterAll(async () => {
  await app?.close();
});

/** A concrete, schema-valid request for a route entry. */
function concrete(route: string): { method: InjectOptions['method']; url: string; payload?: object } {
  const [method, path] = route.split(' ') as [InjectOptions['method'], string];
  const url = path
    .replace('/v1/briefings/:id/decision', `/v1/briefings/${state.pendingRequest}/decision`)
    .replace('/v1/briefings/:id/withdraw', `/v1/briefings/${state.withdrawRequest}/withdraw`)
    .replace('/v1/briefings/:id', `/v1/briefings/${state.labourRequest}`)
    .replace('/v1/offers/:id', `/v1/offers/${state.offers.conservative}`)
    .replace('/v1/rounds/:id', `/v1/rounds/${state.round}`)
    .replace('/v1/sessions/:id', '/v1/sessions/se-nothing')
    .replace('/v1/invitations/:id', '/v1/invitations/in-nothing')
    .replace('/v1/action-items/refusals/:id', '/v1/action-items/refusals/in-nothing')
    .replace('/addin/assets/:name', '/addin/assets/icon-32.png')
    .replace(/^\/office\*$/, '/office/index.html')
    .replace(/^\/docs\/\*$/, '/docs/static/swagger-ui.css')
    .replace(/^\*$/, '/v1/check');
  const bodies: Record<string, object> = {
    'POST /v1/briefings': { ...LABOUR_REQUEST, matter: 'Bus station', requestedBy: 'cllr-hale' },
    'POST /v1/briefings/:id/decision': { decision: 'approve' },
    'POST /v1/offers/:id/response': { response: 'accept' },
    'POST /v1/rounds/:id/follow-ups': { answer: 'The figure is 412 homes.' },
    'POST /v1/sessions': {
      offerId: state.offers.conservative,
      officers: ['o-hughes'],
      venue: 'Committee Room 2',
      startsAt: '2030-01-08T10:00:00Z',
      endsAt: '2030-01-08T11:00:00Z',
      material: { version: 'v1', sha256: SHA },
    },
    'PATCH /v1/sessions/:id': { venue: 'Committee Room 3' },
    'POST /v1/invitations/:id/response': { response: 'accept' },
    'POST /v1/action-items/refusals/:id/dealt-with': { note: 'Spoke to the officer; the Labour briefing goes ahead with Lisa Hughes.' },
    'POST /v1/check': { channel: 'email', from: 'cllr.hale@ashcombe.gov.uk', to: ['amir.patel@ashcombe.gov.uk'], text: 'Could you send me the report?' },
  };
  const payload = bodies[route] ?? (method === 'POST' ? {} : undefined);
  return { method, url, ...(payload ? { payload } : {}) };
}

/** A token's three parts, and one put back together from (possibly altered) parts, signed or not. */
const parts = (token: string) => token.split('.') as [string, string, string];
const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const claimsOf = (token: string) => JSON.parse(Buffer.from(parts(token)[1], 'base64url').toString()) as Record<string, unknown>;

/** A second keyring and a revocation list, for the broken tokens that are correctly signed but must still fail. */
const revoked = new RevocationList(new MemoryKv());
const REVOKED_ID = 'revoked-token-id-0001';

const BROKEN: Record<string, () => string | undefined> = {
  'no token': () => undefined,
  'empty bearer': () => 'Bearer ',
  'wrong scheme': () => `Basic ${sign(PRINCIPALS['ce-office'])}`,
  expired: () => bearer({ ...PRINCIPALS['ce-office'], exp: now() - 1 }),
  'forged (wrong secret)': () => bearer(PRINCIPALS['ce-office'], 'an-attackers-secret-0123456789abcdefghij'),
  'tampered payload (group-leader → ce-office)': () => {
    const [h, , sig] = parts(sign(PRINCIPALS['group-leader']));
    return `Bearer ${h}.${part({ ...claimsOf(sign(PRINCIPALS['group-leader'])), role: 'ce-office' })}.${sig}`;
  },
  'tampered expiry': () => {
    const token = sign({ ...PRINCIPALS['ce-office'], exp: now() - 10 });
    const [h, , sig] = parts(token);
    return `Bearer ${h}.${part({ ...claimsOf(token), exp: now() + 3600 })}.${sig}`;
  },
  unsigned: () => {
    const [h, p] = parts(sign(PRINCIPALS['ce-office']));
    return `Bearer ${h}.${p}.`;
  },
  'alg none': () => {
    const [, p] = parts(sign(PRINCIPALS['ce-office']));
    return `Bearer ${part({ alg: 'none', typ: 'JWT', kid: 'primary' })}.${p}.`;
  },
  'unknown key id': () => {
    const token = sign(PRINCIPALS['ce-office']);
    const [, p, sig] = parts(token);
    return `Bearer ${part({ alg: 'HS256', typ: 'JWT', kid: 'retired-2024' })}.${p}.${sig}`;
  },
  'unknown role, correctly signed': () => bearer({ sub: 'root', role: 'admin' }),
  'group-leader without a group, correctly signed': () => bearer({ sub: 'cllr-hale', role: 'group-leader' }),
  'expiry as a string, correctly signed': () => `Bearer ${issueToken(SECRET, { ...PRINCIPALS['ce-office'], exp: String(now() + 3600) as unknown as number })}`,
  'revoked, correctly signed': () => bearer({ ...PRINCIPALS['ce-office'], jti: REVOKED_ID }),
  'a person not in council.yaml, correctly signed': () => bearer({ sub: 'o-departed', role: 'ce-office' }),
  'a role council.yaml does not give, correctly signed': () => bearer({ sub: 'o-patel', role: 'ce-office' }),
  "a member of another group as that group's leader, correctly signed": () => bearer({ sub: 'cllr-hale', role: 'group-leader', group: 'conservative' }),
  'a plain member as group leader, correctly signed': () => bearer({ sub: 'cllr-okafor', role: 'group-leader', group: 'labour' }),
  garbage: () => 'Bearer pb1.eyJ9.bad',
};

describe('the authorisation matrix', () => {
  it('knows every route the app serves (a new route needs an entry here)', () => {
    const served = routesOf(app.printRoutes({ commonPrefix: false }));
    expect(served.length).toBeGreaterThan(30);
    expect(served.filter((r) => !(r in EXPECTED))).toEqual([]);
    expect(Object.keys(EXPECTED).filter((r) => !served.includes(r))).toEqual([]);
  });

  const protectedRoutes = Object.entries(EXPECTED).filter((e): e is [string, readonly Role[]] => e[1] !== 'public');

  it.each(protectedRoutes)('%s: allowed roles pass the gate, other roles get 403', async (route, allowed) => {
    const req = concrete(route);
    const results: string[] = [];
    for (const role of ROLES) {
      const r = await inject({ ...req, headers: auth(bearer(PRINCIPALS[role])) });
      const gate403 = r.statusCode === 403 && /this route needs one of/.test(r.body);
      const outcome = allowed.includes(role)
        ? r.statusCode !== 401 && !gate403 && r.statusCode < 500
        : r.statusCode === 403 && gate403 && r.json().message === `this route needs one of: ${allowed.join(', ')}`;
      if (!outcome) results.push(`${role}: ${r.statusCode} ${r.body.slice(0, 160)}`);
      // HEAD goes through the same gate as GET.
      if (req.method === 'GET') {
        const h = await inject({ ...req, method: 'HEAD', headers: auth(bearer(PRINCIPALS[role])) });
        if (allowed.includes(role) ? h.statusCode === 401 || h.statusCode === 403 : h.statusCode !== 403) results.push(`HEAD ${role}: ${h.statusCode}`);
      }
    }
    expect(results).toEqual([]);
  });

  it.each(protectedRoutes)('%s: no token or a broken token gets 401 with WWW-Authenticate', async (route) => {
    const req = concrete(route);
    const results: string[] = [];
    for (const [name, token] of Object.entries(BROKEN)) {
      const r = await inject({ ...req, headers: auth(token()) });
      if (r.statusCode !== 401 || !/^Bearer/.test(String(r.headers['www-authenticate'])) || r.json().error !== 'unauthorised') {
        results.push(`${name}: ${r.statusCode} ${r.body.slice(0, 160)}`);
      }
    }
    expect(results).toEqual([]);
  });

  it.each(Object.entries(EXPECTED).filter(([, e]) => e === 'public'))('%s is public: no token needed, nothing private in it', async (route) => {
    const req = concrete(route);
    const r = await inject({ ...req, headers: route.startsWith('OPTIONS') ? { origin: 'https://evil.example', 'access-control-request-method': 'POST' } : {} });
    expect([401, 403]).not.toContain(r.statusCode);
    expect(r.statusCode).toBeLessThan(500 + (route.includes('/addin/') ? 4 : 0)); // an unbuilt add-in answers 503
    // No public answer carries another principal's token or the ledger's contents.
    expect(r.body).not.toContain(state.labourRequest);
    expect(r.body).not.toContain(LABOUR_REQUEST.details);
  });

  it('the broken tokens say why they were refused, without echoing the token', async () => {
    const reasons = new Map<string, string>();
    for (const [name, token] of Object.entries(BROKEN)) {
      const t = token();
      const r = await inject({ method: 'GET', url: '/v1/rounds', headers: auth(t) });
      reasons.set(name, r.json().message as string);
      if (t && t.length > 12) expect(r.body).not.toContain(t.slice(7));
    }
    expect(reasons.get('expired')).toBe('token expired');
    expect(reasons.get('forged (wrong secret)')).toBe('invalid token signature');
    expect(reasons.get('tampered payload (group-leader → ce-office)')).toBe('invalid token signature');
    expect(reasons.get('no token')).toBe('missing bearer token');
    expect(reasons.get('alg none')).toBe('malformed token');
    expect(reasons.get('unknown key id')).toBe('token signed with an unknown key ("retired-2024")');
    expect(reasons.get('revoked, correctly signed')).toBe('token revoked');
    expect(reasons.get('a person not in council.yaml, correctly signed')).toBe('the token\'s holder "o-departed" is not in council.yaml');
    expect(reasons.get('a role council.yaml does not give, correctly signed')).toBe('Amir Patel does not have the ce-office role in council.yaml');
    expect(reasons.get("a member of another group as that group's leader, correctly signed")).toBe(
      'Cllr Ruth Hale does not speak for "conservative" in council.yaml',
    );
    expect(reasons.get('a plain member as group leader, correctly signed')).toBe('Cllr Daniel Okafor does not have the group-leader role in council.yaml');
  });

  it("a token is only good for its audience: the add-in's check-only token is refused by the briefing API", async () => {
    const checkOnly = bearer({ sub: 'outlook-addin', role: 'checker' });
    const r = await inject({ method: 'GET', url: '/v1/rounds', headers: auth(checkOnly) });
    expect(r.statusCode).toBe(401);
    expect(r.json().message).toBe('this token is for check, not briefings');
    expect((await inject({ ...concrete('POST /v1/check'), headers: auth(checkOnly) })).statusCode).toBe(200);
    // A person's token for `check` only cannot read the ledger either.
    const officeCheckOnly = bearer({ ...PRINCIPALS['ce-office'], aud: ['check'] });
    expect((await inject({ method: 'GET', url: '/v1/rounds', headers: auth(officeCheckOnly) })).statusCode).toBe(401);
  });

  // FINDING (src/http/*.route.ts use `preHandler: requireRole(...)`): Fastify validates params and body before
  // preHandler, so a caller with no token gets 400 naming the schema ("body must have required property
  // 'details'", "params/id must match pattern …") instead of 401. Unskip once requireRole runs as an onRequest
  // (or preValidation) hook.
  it('an unauthenticated request with an invalid body or id gets 401, not 400', async () => {
    expect((await inject({ method: 'POST', url: '/v1/briefings', payload: { matter: 1 } })).statusCode).toBe(401);
    expect((await inject({ method: 'GET', url: '/v1/briefings/BAD' })).statusCode).toBe(401);
  });

  it("the add-in's embedded token can check messages and nothing else", async () => {
    const checker = bearer(PRINCIPALS.checker);
    const check = await inject({ ...concrete('POST /v1/check'), headers: auth(checker) });
    expect(check.statusCode).toBe(200);
    for (const route of protectedRoutes.map(([r]) => r).filter((r) => r !== 'POST /v1/check')) {
      expect((await inject({ ...concrete(route), headers: auth(checker) })).statusCode, route).toBe(403);
    }
  });
});

describe("a group leader never sees another group's offers (over HTTP)", () => {
  const leaders: Record<string, Partial<Claims> & { sub: string; role: Role }> = {
    labour: { sub: 'cllr-hale', role: 'group-leader', group: 'labour' },
    conservative: { sub: 'cllr-webb', role: 'group-leader', group: 'conservative' },
    libdem: { sub: 'cllr-doyle', role: 'group-leader', group: 'libdem' },
    green: { sub: 'cllr-moss', role: 'group-leader', group: 'green' },
  };

  it("lists only its own offers, and every other group's offer is 404 to read and to answer, with no detail", async () => {
    // Every offer of every round (the matrix above may have approved a second request), by group.
    const office0 = bearer(PRINCIPALS['ce-office']);
    const rounds = (await inject({ method: 'GET', url: '/v1/rounds', headers: auth(office0) })).json().rounds as { id: string }[];
    const all: [string, string][] = [];
    for (const round of rounds) {
      const view = (await inject({ method: 'GET', url: `/v1/rounds/${round.id}`, headers: auth(office0) })).json() as {
        offers: { id: string; party: { id: string } }[];
      };
      for (const o of view.offers) all.push([o.party.id, o.id]);
    }
    expect(all.length).toBeGreaterThanOrEqual(4);
    for (const [group, claims] of Object.entries(leaders)) {
      if (!(group in state.offers)) continue;
      const token = bearer(claims);
      const list = await inject({ method: 'GET', url: '/v1/offers', headers: auth(token) });
      expect(list.statusCode).toBe(200);
      const offers = list.json().offers as { id: string }[];
      expect(offers.map((o) => o.id).sort()).toEqual(
        all
          .filter(([p]) => p === group)
          .map(([, id]) => id)
          .sort(),
      );
      for (const [other, offerId] of all) {
        if (other === group) continue;
        const read = await inject({ method: 'GET', url: `/v1/offers/${offerId}`, headers: auth(token) });
        expect([403, 404], `${group} reading ${other}'s offer`).toContain(read.statusCode);
        const answer = await inject({ method: 'POST', url: `/v1/offers/${offerId}/response`, headers: auth(token), payload: { response: 'decline' } });
        expect([403, 404], `${group} answering ${other}'s offer`).toContain(answer.statusCode);
        for (const body of [read.body, answer.body]) {
          expect(body).not.toContain(other);
          expect(body).not.toContain(LABOUR_REQUEST.details);
        }
      }
      // Another group's request is not found either, and its list never holds it.
      if (group !== 'labour') {
        expect((await inject({ method: 'GET', url: `/v1/briefings/${state.labourRequest}`, headers: auth(token) })).statusCode).toBe(404);
        const requests = await inject({ method: 'GET', url: '/v1/briefings', headers: auth(token) });
        expect(requests.body).not.toContain(state.labourRequest);
        expect(requests.body).not.toContain(LABOUR_REQUEST.details);
        expect((await inject({ method: 'POST', url: `/v1/briefings/${state.withdrawRequest}/withdraw`, headers: auth(token) })).statusCode).toBe(404);
      }
    }
    // Nothing a foreign group tried changed anyone's offer.
    const office = bearer(PRINCIPALS['ce-office']);
    const view = (await inject({ method: 'GET', url: `/v1/rounds/${state.round}`, headers: auth(office) })).json() as {
      offers: { party: { id: string }; state: string }[];
    };
    expect(view.offers.filter((o) => o.party.id !== 'labour').every((o) => o.state !== 'declined')).toBe(true);
  });

  it('a group-leader token cannot speak for another group by naming its member', async () => {
    const r = await inject({
      method: 'POST',
      url: '/v1/briefings',
      headers: auth(bearer(leaders.labour!)),
      payload: { ...LABOUR_REQUEST, matter: 'Impersonation', requestedBy: 'cllr-webb' },
    });
    expect(r.statusCode).toBe(403);
  });
});
