import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { actors, LABOUR_REQUEST, service, SHA } from './fixtures.js';

/** Words that would tell another group who asked, or what they asked about. */
const LEAKS = ['labour', 'Labour Group', 'Hale', 'cllr-hale', LABOUR_REQUEST.details, 'Northgate allocation'];

async function scenario() {
  const s = service();
  const req = await s.svc.request(actors.labourLeader, LABOUR_REQUEST);
  const { round } = await s.svc.decide(actors.authoriser, req.id, { decision: 'approve' });
  const view = await s.svc.roundView(round!.id);
  const offer = (party: string) => view.offers.find((o) => o.party.id === party)!;
  await s.svc.respondToOffer(actors.toryLeader, offer('conservative').id, 'accept');
  await s.svc.scheduleSession(actors.office, {
    offerId: offer('conservative').id,
    officers: ['o-hughes'],
    venue: 'Committee Room 1',
    startsAt: '2026-12-02T17:00:00Z',
    endsAt: '2026-12-02T18:00:00Z',
    material: { version: 'v1', sha256: SHA },
  });
  return { ...s, req, round: round!, offer };
}

function assertNoLeak(value: unknown) {
  const text = JSON.stringify(value);
  for (const leak of LEAKS) expect(text.toLowerCase()).not.toContain(leak.toLowerCase());
}

describe('confidentiality: each group sees only its own offers', () => {
  it("a group's list of offers holds its own offers only, and never names who asked or what about", async () => {
    const { svc, offer } = await scenario();
    const tory = await svc.listOffers(actors.toryLeader);
    expect(tory.map((o) => o.id)).toEqual([offer('conservative').id]);
    expect(tory[0]).toMatchObject({ title: LABOUR_REQUEST.matter, status: 'accepted', party: { id: 'conservative' } });
    assertNoLeak(tory);
    assertNoLeak(await svc.getOffer(actors.toryLeader, offer('conservative').id));
  });

  it("another group's offer and the request itself are not found for a group", async () => {
    const { svc, offer, req } = await scenario();
    await expect(svc.getOffer(actors.toryLeader, offer('libdem').id)).rejects.toMatchObject({ code: 'not-found' });
    await expect(svc.getRequest(actors.toryLeader, req.id)).rejects.toMatchObject({ code: 'not-found' });
    await expect(svc.getRequest(actors.hughes, req.id)).rejects.toMatchObject({ code: 'not-found' });
    expect(await svc.listRequests(actors.toryLeader)).toEqual([]);
  });

  it('the requesting group sees its request and its own offer, but not how other groups answered', async () => {
    const { svc, req } = await scenario();
    const own = await svc.getRequest(actors.labourLeader, req.id);
    expect(own).toMatchObject({ id: req.id, details: LABOUR_REQUEST.details, offer: { status: 'agreed' } });
    expect(JSON.stringify(own)).not.toContain('conservative');
    expect((await svc.listOffers(actors.labourLeader)).map((o) => o.party.id)).toEqual(['labour']);
  });

  it("the rounds, register and audit trail are the office's (and the authoriser's and Monitoring Officer's) only", async () => {
    const { svc } = await scenario();
    for (const who of [actors.toryLeader, actors.hughes]) {
      await expect(svc.listRounds(who)).rejects.toMatchObject({ code: 'forbidden' });
      await expect(svc.register(who)).rejects.toMatchObject({ code: 'forbidden' });
      await expect(svc.audit(who)).rejects.toMatchObject({ code: 'forbidden' });
    }
    for (const who of [actors.office, actors.authoriser, actors.mo]) expect((await svc.register(who)).length).toBe(5);
  });
});

describe('the domain stays pure', () => {
  it('imports no I/O and reads no clock (the stores, Redis and the checkpoint file, are the exceptions)', () => {
    const dir = new URL('../../src/briefings/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'redis-store.ts' && f !== 'checkpoint-store.ts');
    expect(files.length).toBeGreaterThan(8);
    for (const file of files) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      const imports = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
      for (const spec of imports) {
        expect(spec, `${file} imports ${spec}`).toMatch(/^(\.\.?\/|node:crypto$|date-holidays$|zod$)/);
        expect(spec, `${file} imports ${spec}`).not.toMatch(/http|notices|redis-store/);
      }
      expect(text, `${file} reads the clock`).not.toMatch(/Date\.now\(|new Date\(\)/);
    }
  });
});
