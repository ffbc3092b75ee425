import { describe, expect, it } from 'vitest';
import { appendEvents, canonicalJson, EMPTY_HEAD, verifyChain, type AuditEvent } from '../../src/briefings/audit.js';
import { actors, LABOUR_REQUEST, service } from './fixtures.js';

async function trail() {
  const { svc, store } = service();
  const req = await svc.request(actors.labourLeader, LABOUR_REQUEST);
  await svc.decide(actors.authoriser, req.id, { decision: 'approve' });
  const events = await store.auditEvents();
  return { events, head: await store.head(), store };
}

describe('hash-chained audit trail', () => {
  it('records who, what, when and before/after for every state change', async () => {
    const { events } = await trail();
    const created = events.find((e) => e.action === 'request.created')!;
    expect(created).toMatchObject({ actor: 'cllr-hale', entity: { kind: 'request' }, before: null, at: '2026-11-24T10:00:00.000Z' });
    const approved = events.find((e) => e.action === 'request.approved')!;
    expect(approved.actor).toBe('o-murray');
    expect((approved.before as { status: string }).status).toBe('pending');
    expect((approved.after as { status: string }).status).toBe('approved');
    expect(events.filter((e) => e.action === 'offer.made')).toHaveLength(4);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  });

  it('verifies an untouched trail', async () => {
    const { events, head } = await trail();
    expect(verifyChain(events, head)).toEqual({ ok: true, count: events.length, head });
  });

  it('detects an edited event', async () => {
    const { events, head } = await trail();
    const tampered = structuredClone(events);
    (tampered[2]!.after as { status: string }).status = 'declined';
    expect(verifyChain(tampered, head)).toMatchObject({ ok: false, seq: 3 });
  });

  it('detects an edited event whose hash was recomputed (the next link breaks)', async () => {
    const { events, head } = await trail();
    const tampered = structuredClone(events);
    tampered[1]!.actor = 'someone-else';
    const { hash: _drop, ...rest } = tampered[1]!;
    tampered[1] = appendEvents({ seq: 1, hash: tampered[0]!.hash }, [rest], rest.at).events[0]!;
    const result = verifyChain(tampered, head);
    expect(result).toMatchObject({ ok: false, seq: 3 });
  });

  it('detects a removed, a reordered and a truncated trail', async () => {
    const { events, head } = await trail();
    expect(verifyChain([...events.slice(0, 2), ...events.slice(3)], head)).toMatchObject({ ok: false, seq: 4 });
    const swapped = [...events];
    [swapped[1], swapped[2]] = [swapped[2]!, swapped[1]!];
    expect(verifyChain(swapped, head).ok).toBe(false);
    expect(verifyChain(events.slice(0, -1), head)).toMatchObject({ ok: false, problem: expect.stringContaining('head records') });
  });

  it('hashes canonical JSON, so key order does not matter but content does', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}');
    const a = appendEvents(
      EMPTY_HEAD,
      [{ actor: 'x', action: 'a.b', entity: { kind: 'request', id: 'r' }, before: null, after: { p: 1, q: 2 } }],
      '2026-01-01T00:00:00.000Z',
    );
    const b = appendEvents(
      EMPTY_HEAD,
      [{ actor: 'x', action: 'a.b', entity: { kind: 'request', id: 'r' }, before: null, after: { q: 2, p: 1 } }],
      '2026-01-01T00:00:00.000Z',
    );
    expect(a.head.hash).toBe(b.head.hash);
    const events: AuditEvent[] = a.events;
    expect(verifyChain(events, a.head).ok).toBe(true);
  });
});
