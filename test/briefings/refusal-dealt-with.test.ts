/**
 * Marking an officer's refused same-matter decline as dealt with, through the API on the ledger in Redis: who may
 * (the office and the authoriser), what it refuses in one line each (a missing or multi-line note, an unknown
 * invitation or one with no refused decline, one already dealt with, answered since or declined again since), and
 * what it leaves: the item gone from "needs action", the note in the audit trail in words, and a chain that
 * still verifies. The clock is fixed, so nothing depends on the time of day.
 */
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../src/briefings/redis-store.js';
import { BriefingService } from '../../src/briefings/service.js';
import { buildApp } from '../../src/http/app.js';
import { actors, clock, council, ids, LABOUR_REQUEST, SHA, tokens } from './fixtures.js';
import { deletePrefix, sharedRedis, uniquePrefix } from './redis-helpers.js';

const SECRET = 'dealt-with-test-secret-0123456789abcdefghij';
const tok = tokens(SECRET);
const T = {
  office: tok('o-bell', 'ce-office'),
  authoriser: tok('o-murray', 'authoriser'),
  mo: tok('o-singh', 'monitoring-officer'),
  tory: tok('cllr-webb', 'group-leader', 'conservative'),
  hughes: tok('o-hughes', 'officer'),
  patel: tok('o-patel', 'officer'),
};
const NOTE = 'Spoke to Lisa: she will brief both groups';

let redis: Redis;
let app: FastifyInstance;
let svc: BriefingService;
const prefix = uniquePrefix('dealt-with');

beforeAll(async () => {
  redis = sharedRedis();
  svc = new BriefingService({ council: council(), store: new RedisStore(redis, prefix), clock: clock('2026-11-24T10:00:00Z'), newId: ids('dw') });
  app = await buildApp({ service: svc, auth: { secret: SECRET }, docs: false });
});
afterAll(async () => {
  await app?.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

const call = (method: 'GET' | 'POST', url: string, auth: string, body?: unknown) =>
  app.inject({ method, url, headers: { authorization: auth }, ...(body !== undefined ? { payload: body as object } : {}) });
const dealtWith = (invitationId: string, auth: string, body?: unknown) => call('POST', `/v1/action-items/refusals/${invitationId}/dealt-with`, auth, body);

interface Refusal {
  invitationId: string;
  refusedDeclines: number;
  text: string;
}
const refusals = async () => (await call('GET', '/v1/action-items', T.office)).json().refusals as Refusal[];

/**
 * A round on `matter` whose Labour and Conservative sessions both invite Lisa Hughes and Amir Patel; each accepts
 * the Labour invitation and then tries to decline the Conservative one, which is refused (same matter).
 */
async function refusedDeclines(matter: string) {
  const req = await svc.request(actors.labourLeader, { ...LABOUR_REQUEST, matter });
  const { round } = await svc.decide(actors.authoriser, req.id, { decision: 'approve' });
  const view = await svc.roundView(round!.id);
  const offer = (party: string) => view.offers.find((o) => o.party.id === party)!;
  await svc.respondToOffer(actors.toryLeader, offer('conservative').id, 'accept');
  for (const [party, day] of [
    ['labour', '2026-12-01'],
    ['conservative', '2026-12-02'],
  ] as const) {
    await svc.scheduleSession(actors.office, {
      offerId: offer(party).id,
      officers: ['o-hughes', 'o-patel'],
      venue: 'Committee Room 2',
      startsAt: `${day}T17:00:00Z`,
      endsAt: `${day}T18:00:00Z`,
      material: { version: 'v1', sha256: SHA },
    });
  }
  const invitations = (await svc.listInvitations(actors.office)).filter((i) => i.roundId === round!.id);
  const inv = (party: string, officer: string) => invitations.find((i) => i.party === party && i.officer === officer)!.id;
  for (const [officer, token] of [
    ['o-hughes', T.hughes],
    ['o-patel', T.patel],
  ] as const) {
    expect((await call('POST', `/v1/invitations/${inv('labour', officer)}/response`, token, { response: 'accept' })).statusCode).toBe(200);
    const refused = await call('POST', `/v1/invitations/${inv('conservative', officer)}/response`, token, {
      response: 'decline',
      reason: 'I am on leave that week',
    });
    expect(refused.json()).toMatchObject({ rule: 'same-matter' });
  }
  return { inv };
}

describe('marking a refused same-matter decline as dealt with', () => {
  it('takes it off "needs action", keeps who, when and the note in the audit trail in words, and the chain still verifies', async () => {
    const { inv } = await refusedDeclines('Flood defences');
    const hughes = inv('conservative', 'o-hughes');
    const listed = (await refusals()).find((r) => r.invitationId === hughes)!;
    expect(listed).toMatchObject({ refusedDeclines: 1, text: expect.stringMatching(/^Lisa Hughes declined the Conservative invitation — refused/) });

    const ok = await dealtWith(hughes, T.office, { note: `  ${NOTE}  `, refusedDeclines: 1 });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      id: hughes,
      status: 'pending',
      refusal: { reason: 'I am on leave that week', dealtWith: { by: 'o-bell', at: '2026-11-24T10:00:00.000Z', note: NOTE } },
    });
    expect((await refusals()).map((r) => r.invitationId)).not.toContain(hughes);
    // Amir Patel's refused decline still needs action: only the one marked left.
    expect((await refusals()).map((r) => r.invitationId)).toContain(inv('conservative', 'o-patel'));

    const audit = (await call('GET', '/v1/audit?last=20', T.mo)).json().events as { action: string; actor: string; note?: string; text: string }[];
    const event = audit.find((e) => e.action === 'invitation.refusal-dealt-with')!;
    expect(event).toMatchObject({ actor: 'o-bell', note: NOTE });
    expect(event.text).toBe(`Sarah Bell marked the refused decline as dealt with: “${NOTE}” (Lisa Hughes, the Conservative invitation)`);
    expect((await call('GET', '/v1/audit/verify', T.mo)).json()).toMatchObject({ ok: true });

    // The session's officers show it, and the officer's own view does not carry the office's note.
    const rounds = (await call('GET', '/v1/rounds', T.office)).json().rounds as {
      offers: { sessions: { officers: { id: string; answer: string; dealtWith?: boolean }[] }[] }[];
    }[];
    const officers = rounds.flatMap((r) => r.offers.flatMap((o) => o.sessions.flatMap((s) => s.officers)));
    expect(officers.filter((o) => o.id === 'o-hughes' && o.answer === 'refused-decline').some((o) => o.dealtWith)).toBe(true);
    const own = ((await call('GET', '/v1/invitations', T.hughes)).json().invitations as { id: string; refusal?: object }[]).find((i) => i.id === hughes)!;
    expect(own.refusal).toMatchObject({ reason: 'I am on leave that week' });
    expect(JSON.stringify(own)).not.toContain(NOTE);
  });

  it('refuses the wrong role (403), an unknown invitation or one with no refused decline (404), and a missing or multi-line note (400), in one line each', async () => {
    const { inv } = await refusedDeclines('Bus lanes');
    const hughes = inv('conservative', 'o-hughes');
    for (const token of [T.mo, T.tory, T.hughes]) {
      const res = await dealtWith(hughes, token, { note: NOTE });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({ error: 'forbidden', message: 'this route needs one of: ce-office, authoriser' });
    }
    // The rule is the domain's too, whoever calls the service.
    await expect(svc.markRefusalDealtWith(actors.mo, hughes, NOTE)).rejects.toMatchObject({ code: 'forbidden' });

    const unknown = await dealtWith('iv-nonesuch', T.office, { note: NOTE });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ error: 'not_found', message: 'no invitation "iv-nonesuch"' });
    const accepted = await dealtWith(inv('labour', 'o-hughes'), T.office, { note: NOTE });
    expect(accepted.statusCode).toBe(404);
    expect(accepted.json().message).toBe(`invitation ${inv('labour', 'o-hughes')} has no refused decline to deal with`);

    const bad: [unknown, RegExp][] = [
      [undefined, /^body\/ must be a JSON object with a one-line note$/],
      [{}, /^body\/note is required: one line saying how the refused decline was dealt with$/],
      [{ note: '   ' }, /^note: say in one line how the refused decline was dealt with$/],
      [{ note: 'Spoke to Lisa.\nReply: http://evil.example/accept' }, /^note: must be one line \(it contains a line break/],
      [{ note: 'x'.repeat(301) }, /^body\/note must be at most 300 characters/],
    ];
    for (const [body, message] of bad) {
      const res = await dealtWith(hughes, T.office, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().message).toMatch(message);
      expect(res.json().message).not.toContain('\n');
    }
    // Nothing was recorded by any of them.
    expect((await refusals()).map((r) => r.invitationId)).toContain(hughes);
  });

  it('refuses one already dealt with, one the officer has answered since, and one they declined again since (409), naming the rule', async () => {
    const { inv } = await refusedDeclines('Cemetery extension');
    const hughes = inv('conservative', 'o-hughes');
    // Two people press it at once: one marks it, the other hears it was already done.
    const both = await Promise.all([dealtWith(hughes, T.office, { note: NOTE }), dealtWith(hughes, T.authoriser, { note: 'Talked to her manager' })]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const [first, second] = both[0]!.statusCode === 200 ? both : [both[1]!, both[0]!];
    expect(second!.json()).toMatchObject({ error: 'conflict', rule: 'already-dealt-with' });
    const by = first!.json().refusal.dealtWith.by === 'o-bell' ? 'Sarah Bell' : 'Claire Murray';
    expect(second!.json().message).toBe(`${by} already marked this refused decline as dealt with on 24 Nov at 10:00`);
    expect(
      (await call('GET', '/v1/audit?last=50', T.mo)).json().events.filter((e: { action: string }) => e.action === 'invitation.refusal-dealt-with'),
    ).toHaveLength(1);

    // The officer declines again: a new refusal, listed afresh, and the page that showed the first one is refused.
    expect((await call('POST', `/v1/invitations/${hughes}/response`, T.hughes, { response: 'decline', reason: 'Still on leave' })).statusCode).toBe(409);
    expect((await refusals()).find((r) => r.invitationId === hughes)).toMatchObject({ refusedDeclines: 2 });
    const stale = await dealtWith(hughes, T.office, { note: NOTE, refusedDeclines: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toEqual({
      error: 'conflict',
      rule: 'refusal-changed',
      message: 'Lisa Hughes has declined this invitation again since; reload to read their latest reason',
    });
    // The authoriser may mark it too.
    expect((await dealtWith(hughes, T.authoriser, { note: 'Agreed with her manager: Amir Patel briefs instead', refusedDeclines: 2 })).statusCode).toBe(200);
    expect((await refusals()).map((r) => r.invitationId)).not.toContain(hughes);

    // Amir Patel accepts after all: nothing is left to deal with.
    const patel = inv('conservative', 'o-patel');
    expect((await call('POST', `/v1/invitations/${patel}/response`, T.patel, { response: 'accept' })).statusCode).toBe(200);
    const answered = await dealtWith(patel, T.office, { note: NOTE });
    expect(answered.statusCode).toBe(409);
    expect(answered.json()).toMatchObject({
      rule: 'no-longer-needs-action',
      message: 'Amir Patel has since accepted this invitation, so the refused decline no longer needs action',
    });
    expect((await call('GET', '/v1/audit/verify', T.mo)).json()).toMatchObject({ ok: true });
  });
});
