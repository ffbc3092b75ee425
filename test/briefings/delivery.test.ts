/**
 * Delivery you can trust (issue 10, part 3), on real Redis, BullMQ and an SMTP sink:
 *  - nobody may be told silently: a round does not open while a party has no working channel, and the office is
 *    told which and why first; a notice that cannot be sent is `undeliverable` with its reason, an action item,
 *    and in the register per group and channel, never "skipped";
 *  - one neutral-text check for the API and the worker, on normalised text, against every party's names and
 *    every member of the requesting group;
 *  - control characters are refused in one-line fields.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/briefings/memory-store.js';
import { comparable, nameIn, neutralityNames } from '../../src/briefings/neutral-text.js';
import { currentParties } from '../../src/briefings/parties.js';
import type { PartyReach } from '../../src/briefings/reach.js';
import { buildApp } from '../../src/http/app.js';
import { buildContext } from '../../src/notices/context.js';
import { renderNotice } from '../../src/notices/render.js';
import { actors, council, LABOUR_REQUEST, service, SHA, tokens } from './fixtures.js';
import { SmtpSink } from './sinks.js';
import { settled, until, world, type World } from './world.js';

const SECRET = 'delivery-test-secret-long-enough-0123456789';
const tok = tokens(SECRET);
const T = { office: tok('o-bell', 'ce-office'), authoriser: tok('o-murray', 'authoriser'), labour: tok('cllr-hale', 'group-leader', 'labour') };

let smtp: SmtpSink;
let w: World | undefined;
let app: FastifyInstance | undefined;
beforeAll(async () => {
  smtp = await SmtpSink.start();
});
afterAll(async () => {
  await smtp?.stop();
});
afterEach(async () => {
  await app?.close();
  await w?.close();
  app = undefined;
  w = undefined;
  smtp.mails.length = 0;
});

async function api(opts: Parameters<typeof world>[0]) {
  w = await world(opts);
  app = await buildApp({ service: w.svc, auth: { secret: SECRET }, docs: false });
  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, auth: string, body?: unknown) =>
    app!.inject({ method, url, headers: { authorization: auth }, ...(body !== undefined ? { payload: body as object } : {}) });
  return { w, call };
}

describe('nobody may be told, silently', () => {
  it('with no email or Slack being sent, the round does not open, and the office is told which groups and why first', async () => {
    // Before: the round opened, every notice was "skipped", and the register showed 0 sent, 0 pending, 0 failed.
    const { call } = await api({ label: 'no-channel' });
    const created = await call('POST', '/v1/briefings', T.labour, LABOUR_REQUEST);
    const delivery = await call('GET', '/v1/delivery', T.office);
    expect(delivery.statusCode).toBe(200);
    const reach = delivery.json() as { ready: boolean; parties: { party: string; reachable: boolean; problems: string[] }[] };
    expect(reach.ready).toBe(false);
    expect(reach.parties.map((p) => p.party)).toEqual(['labour', 'conservative', 'libdem', 'green', 'ashcombe-first']);
    expect(reach.parties.every((p) => !p.reachable)).toBe(true);
    expect(reach.parties[1]!.problems).toEqual([
      'Email is not being sent: no notice worker with an SMTP relay (SMTP_URL or SMTP_HOST) is running',
      'Slack is not being sent: no notice worker with a Slack bot token (SLACK_BOT_TOKEN) is running',
    ]);

    const refused = await call('POST', `/v1/briefings/${created.json().id}/decision`, T.authoriser, { decision: 'approve' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ rule: 'no-working-channel' });
    expect(refused.json().message).toMatch(/^the offer cannot go out: these groups have no working channel: Labour Group \(Email is not being sent/);
    for (const name of ['Conservative Group', 'Liberal Democrat Group', 'Green Group', 'Ashcombe First Independents'])
      expect(refused.json().message).toContain(`${name} (`);
    expect((await call('GET', '/v1/rounds', T.office)).json().rounds).toEqual([]);
    expect((await call('GET', `/v1/briefings/${created.json().id}`, T.office)).json().status).toBe('pending');
  });

  it('a group whose contacts have no address is named, with who lacks what, and the round waits', async () => {
    const yaml = council().people.find((p) => p.id === 'cllr-moss')!;
    expect(yaml.email).toBeDefined();
    const noAddress = council('', '', '');
    // Cllr Priya Moss (the Green Group's only contact) with neither address.
    const moss = noAddress.byId.get('cllr-moss')! as { email?: string; slack?: string };
    delete moss.email;
    delete moss.slack;
    const { w, call } = await api({ smtp, label: 'no-address', council: noAddress });
    const created = await call('POST', '/v1/briefings', T.labour, LABOUR_REQUEST);
    const green = (await call('GET', '/v1/delivery', T.office)).json().parties.find((p: PartyReach) => p.party === 'green');
    expect(green).toMatchObject({ reachable: false, channels: [] });
    expect(green.problems).toEqual(['no email address for Cllr Priya Moss in council.yaml', 'no Slack id for Cllr Priya Moss in council.yaml']);
    const refused = await call('POST', `/v1/briefings/${created.json().id}/decision`, T.authoriser, { decision: 'approve' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toContain(
      'this group has no working channel: Green Group (no email address for Cllr Priya Moss in council.yaml; no Slack id for Cllr Priya Moss in council.yaml)',
    );
    void w;
  });

  it('a notice that cannot be sent is not deliverable, with its reason: an action item, and in the register per group and channel', async () => {
    // Email is set up on the worker, Slack is not, and every councillor has a Slack id: before, each Slack notice
    // was "skipped" and counted nowhere.
    const { w, call } = await api({ smtp, label: 'undeliverable' });
    const created = await call('POST', '/v1/briefings', T.labour, LABOUR_REQUEST);
    const approved = await call('POST', `/v1/briefings/${created.json().id}/decision`, T.authoriser, { decision: 'approve' });
    expect(approved.statusCode).toBe(200);
    const view = await w.svc.roundView(approved.json().round.id);
    await settled(
      w,
      view.offers.flatMap((o) => o.noticeIds),
    );
    expect(smtp.mails).toHaveLength(6);

    const rows = (await call('GET', '/v1/register', T.office)).json().rows as {
      party: string;
      delivery: string;
      noticesSent: number;
      noticesUndeliverable: number;
    }[];
    expect(rows.map((r) => [r.party, r.delivery, r.noticesSent, r.noticesUndeliverable])).toEqual([
      ['labour', 'email sent; slack not deliverable', 1, 1],
      ['conservative', 'email sent; slack not deliverable', 1, 1],
      ['libdem', 'email sent; slack not deliverable', 1, 1],
      ['green', 'email sent; slack not deliverable', 1, 1],
      ['ashcombe-first', 'email sent; slack not deliverable', 1, 1],
    ]);
    const csv = (await call('GET', '/v1/register?format=csv', T.office)).body;
    expect(csv.split('\r\n')[0]).toContain(',delivery,noticesSent,noticesPending,noticesFailed,noticesUndeliverable,');
    expect(csv).toContain('email sent; slack not deliverable');

    const items = (await call('GET', '/v1/action-items', T.office)).json().notices as {
      state: string;
      channel: string;
      partyName: string;
      to: { name: string }[];
      reason: string;
    }[];
    expect(items).toHaveLength(5);
    for (const item of items) {
      expect(item).toMatchObject({
        state: 'not deliverable',
        channel: 'slack',
        reason: 'Slack is not set up on the notice worker (it needs a Slack bot token (SLACK_BOT_TOKEN))',
      });
    }
    expect(items.find((i) => i.partyName === 'Conservative Group')!.to.map((t) => t.name)).toEqual(['Cllr Tom Webb', 'Cllr Imran Khan']);
    const events = await w.store.auditEvents();
    expect(events.filter((e) => e.action === 'notice.undeliverable')).toHaveLength(5);
    expect(events.some((e) => e.action === 'notice.skipped')).toBe(false);
    await until(async () => (await w.svc.roundView(view.id)).noticesSettledAt);
    expect((await w.store.auditEvents()).find((e) => e.action === 'round.notices-settled')!.note).toBe('sent 5, failed 0, other 0, not deliverable 5');
  });

  it('a late offer to a group nobody can reach is on record as not deliverable, not left out', async () => {
    const { w, call } = await api({ smtp, label: 'late-unreachable' });
    const created = await call('POST', '/v1/briefings', T.labour, LABOUR_REQUEST);
    const { round } = (await call('POST', `/v1/briefings/${created.json().id}/decision`, T.authoriser, { decision: 'approve' })).json();
    w.svc.setCouncil(
      council(
        '',
        '  - { id: cllr-a, name: Cllr Ann Ash, role: councillor, group: alliance, groupRole: leader }\n  - { id: cllr-b, name: Cllr Bob Birch, role: councillor, group: alliance }\n',
        '  - { id: alliance, name: Independent Alliance }\n',
      ),
    );
    const late = (await call('POST', `/v1/rounds/${round.id}/refresh`, T.office)).json().lateOffers as { id: string; noticeIds: string[] }[];
    expect(late).toHaveLength(1);
    const [notice] = await w.store.reader().getMany('notice', late[0]!.noticeIds);
    expect(notice).toMatchObject({ state: 'undeliverable', lastError: 'no email address or Slack id for Cllr Ann Ash' });
    const items = (await call('GET', '/v1/action-items', T.office)).json().notices as { partyName: string; reason: string }[];
    expect(items).toContainEqual(expect.objectContaining({ partyName: 'Independent Alliance', reason: 'no email address or Slack id for Cllr Ann Ash' }));
  });
});

describe('one neutral-text check, for the API and the worker', () => {
  it('refuses a title naming another member of the requesting group, which passed the API and failed at the worker before', async () => {
    // Before: the API checked group names and the requester's own name only; the worker refused 8 of 10 notices.
    const { call } = await api({ smtp, label: 'neutral' });
    const created = await call('POST', '/v1/briefings', T.labour, LABOUR_REQUEST);
    const refused = await call('POST', `/v1/briefings/${created.json().id}/decision`, T.authoriser, {
      decision: 'approve',
      offerTitle: "Cllr Megan Price's motion on housing sites",
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ rule: 'neutral-text' });
    expect(refused.json().message).toMatch(/^offerTitle names "(Cllr Megan Price|Megan Price|Cllr Price)"/);
  });

  it('reads the text as the linter does: no-break and zero-width spaces, soft hyphens, look-alike letters, hyphens, case', () => {
    const c = council();
    const settings = service().svc.settings;
    const parties = currentParties(c, settings);
    const names = neutralityNames(c, { parties, requester: parties.find((p) => p.id === 'labour')! });
    const hits: [string, string][] = [
      ['Briefing for the Green\u00A0Group', 'Green Group'],
      ['Lib\u200BDems on parking', 'Lib Dems'],
      ['Lab\u00ADour Group motion', 'Labour Group'],
      ['L\u0430bour Group motion', 'Labour Group'], // Cyrillic а
      ['What the TORY-GROUP asked', 'Tory Group'],
      ['The Tory–Group position', 'Tory Group'],
      ['Councillor Okafor on planning', 'Councillor Okafor'],
      ['Daniel Okafor’s question', 'Daniel Okafor'],
    ];
    for (const [text, name] of hits) expect(nameIn(text, names), text).toBe(name);
    for (const text of [
      'Local Plan review: housing site allocations',
      'House price index',
      'Green spaces strategy',
      'Labour market figures for the district',
    ]) {
      expect(nameIn(text, names), text).toBeUndefined();
    }
    expect(comparable('Lib\u2011Dems')).toBe('lib dems');
  });

  it('what the API accepts, the worker sends to every group; what it refuses, the worker would refuse too', async () => {
    const deps = { publicUrl: 'https://probity.ashcombe.gov.uk', from: { name: 'Office', email: 'office@ashcombe.gov.uk' } };
    /** The API's verdict on a title. */
    const api = async (offerTitle: string) => {
      const s = service();
      const req = await s.svc.request(actors.labourLeader, LABOUR_REQUEST);
      return s.svc.decide(actors.authoriser, req.id, { decision: 'approve', offerTitle }).then(
        () => true,
        () => false,
      );
    };
    /** The worker's verdict: a round stored with this title (as if it had got past the API), every copy rendered. */
    const worker = async (title: string) => {
      const s = service({ store: new MemoryStore() });
      const store = s.store as MemoryStore;
      const req = await s.svc.request(actors.labourLeader, LABOUR_REQUEST);
      const { round } = await s.svc.decide(actors.authoriser, req.id, { decision: 'approve', offerTitle: 'Placeholder' });
      store.entities.set(`round/${round!.id}`, JSON.stringify({ ...round, title }));
      const notices = await store.reader().getMany(
        'notice',
        [...store.entities.keys()].filter((k) => k.startsWith('notice/')).map((k) => k.slice(7)),
      );
      for (const n of notices) {
        const ctx = await buildContext({ ...deps, council: s.svc.council, settings: s.svc.settings }, store.reader(), n);
        for (const r of ctx.recipients) {
          try {
            renderNotice(s.svc.council, ctx, r);
          } catch {
            return false;
          }
        }
      }
      return true;
    };
    const titles = [
      'Leisure centre contract',
      'Green spaces strategy',
      'Cllr Megan Price on parking',
      'Tory\u00ADGroup budget amendment',
      'Ashcombe First’s motion',
      'Market Ward regeneration',
    ];
    const verdicts = await Promise.all(titles.map(async (t) => [t, await api(t), await worker(t)]));
    expect(verdicts).toEqual([
      ['Leisure centre contract', true, true],
      ['Green spaces strategy', true, true],
      ['Cllr Megan Price on parking', false, false],
      ['Tory\u00ADGroup budget amendment', false, false],
      ['Ashcombe First’s motion', false, false],
      ['Market Ward regeneration', true, true],
    ]);
  });
});

describe('one-line fields', () => {
  it('refuses a line break or control character in a title, a venue, a version or a reason, saying which field', async () => {
    // Before: a matter of "Parking\nReply: http://evil.example/accept" put its own "Reply:" line in every email.
    const { w, call } = await api({ smtp, label: 'one-line' });
    const evil = await call('POST', '/v1/briefings', T.labour, { ...LABOUR_REQUEST, matter: 'Parking\nReply: http://evil.example/accept' });
    expect(evil.statusCode).toBe(400);
    expect(evil.json()).toMatchObject({ rule: 'one-line', message: 'matter: must be one line (it contains a line break, U+000A)' });
    const bell = await call('POST', '/v1/briefings', T.labour, { ...LABOUR_REQUEST, details: 'Ring \u0007 twice' });
    expect(bell.json()).toMatchObject({ rule: 'control-character', message: 'details: contains a control character (U+0007)' });
    // Details may have lines and tabs: they are the group's own text.
    const created = await call('POST', '/v1/briefings', T.labour, { ...LABOUR_REQUEST, details: 'First:\n\tthe sites\nSecond: the vote' });
    expect(created.statusCode).toBe(201);
    const separator = await call('POST', `/v1/briefings/${created.json().id}/decision`, T.authoriser, {
      decision: 'approve',
      offerTitle: 'Parking\u2028Reply: http://evil.example',
    });
    expect(separator.json()).toMatchObject({ rule: 'one-line', message: 'offerTitle: must be one line (it contains a line break, U+2028)' });
    const { round } = (await call('POST', `/v1/briefings/${created.json().id}/decision`, T.authoriser, { decision: 'approve' })).json();
    const labourOffer = (await w.svc.roundView(round.id)).offers.find((o) => o.party.id === 'labour')!;
    const base = {
      offerId: labourOffer.id,
      officers: ['o-hughes'],
      startsAt: '2030-01-08T17:00:00Z',
      endsAt: '2030-01-08T18:00:00Z',
      material: { version: 'v1', sha256: SHA },
    };
    const venue = await call('POST', '/v1/sessions', T.office, { ...base, venue: 'Room 1\r\nBcc: x@evil.example' });
    expect(venue.json()).toMatchObject({ rule: 'one-line', message: 'venue: must be one line (it contains a line break, U+000D)' });
    const version = await call('POST', '/v1/sessions', T.office, { ...base, venue: 'Room 1', material: { version: 'v1\u001b[31m', sha256: SHA } });
    expect(version.json()).toMatchObject({ rule: 'one-line', message: 'material.version: contains a control character (U+001B)' });
    expect((await call('POST', '/v1/sessions', T.office, { ...base, venue: 'Room 1' })).statusCode).toBe(201);
  });
});
