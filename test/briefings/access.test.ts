/**
 * Who may do what comes from council.yaml (access.ts); whoever records a request cannot also decide it; every
 * read of a request's confidential details is in the audit trail, and lists and the audit listing leave them out.
 */
import { describe, expect, it } from 'vitest';
import { accessOf, personForIdentity } from '../../src/briefings/access.js';
import { DETAILS_WITHHELD } from '../../src/briefings/service.js';
import { briefingSettings } from '../../src/briefings/settings.js';
import { actors, council, LABOUR_REQUEST, service } from './fixtures.js';

describe('roles from council.yaml', () => {
  const c = council();
  const s = briefingSettings(c);
  const roles = (id: string) => accessOf(c, s, id)?.roles;

  it('gives each person the roles the directory and the briefing settings say, most senior first', () => {
    expect(roles('o-carter')).toEqual(['ce-office', 'officer', 'checker']); // chief executive and recipient
    expect(roles('o-bell')).toEqual(['ce-office', 'officer', 'checker']); // access: [ce-office]
    expect(roles('o-murray')).toEqual(['authoriser', 'officer', 'checker']);
    expect(roles('o-singh')).toEqual(['monitoring-officer', 'officer', 'checker']);
    expect(roles('o-patel')).toEqual(['officer', 'checker']);
    expect(accessOf(c, s, 'cllr-hale')).toMatchObject({ roles: ['group-leader', 'checker'], party: 'labour' });
    expect(accessOf(c, s, 'cllr-khan')).toMatchObject({ roles: ['group-leader', 'checker'], party: 'conservative' }); // deputy
    expect(roles('cllr-okafor')).toEqual(['checker']); // a member, not the leader, deputy or a spokesperson
    expect(accessOf(c, s, 'nobody')).toBeUndefined();
  });

  it('an independent member offered briefings as themselves speaks for their own party', () => {
    const individual = council('  independents: individual\n');
    expect(accessOf(individual, briefingSettings(individual), 'cllr-grant')).toMatchObject({ roles: ['group-leader', 'checker'], party: 'ind-cllr-grant' });
    expect(roles('cllr-grant')).toEqual(['checker']); // the example council offers independents nothing
  });

  it('finds the signed-in person by object id, then verified email, then user name', () => {
    const withOid = council(
      '',
      '  - { id: o-new, name: New Officer, email: new.officer@ashcombe.gov.uk, role: officer, oid: 6f1d7c4e-0000-4000-8000-000000000001 }\n',
    );
    expect(personForIdentity(withOid, { oid: '6F1D7C4E-0000-4000-8000-000000000001' })?.id).toBe('o-new');
    expect(personForIdentity(withOid, { email: 'Helen.Carter@ashcombe.gov.uk' })?.id).toBe('o-carter');
    expect(personForIdentity(withOid, { email: 'helen.carter@ashcombe.gov.uk', emailVerified: false })).toBeUndefined();
    expect(personForIdentity(withOid, { username: 'helen.carter@ashcombe.gov.uk' })?.id).toBe('o-carter');
    // Someone whose object id is in council.yaml cannot be reached through another account that has their address.
    expect(personForIdentity(withOid, { oid: 'another-account', email: 'new.officer@ashcombe.gov.uk' })).toBeUndefined();
    // A Slack id is an address in the directory, but never a sign-in identity.
    expect(personForIdentity(withOid, { username: 'U0CARTER' })).toBeUndefined();
    expect(personForIdentity(withOid, { email: 'stranger@example.org' })).toBeUndefined();
  });

  it('refuses office access for a councillor in council.yaml', () => {
    expect(() => council('', '  - { id: cllr-x, name: Cllr X, role: councillor, access: [ce-office] }\n')).toThrow(/office access is for officers/);
  });
});

describe('separation of duties', () => {
  const twoAuthorisers = '  authorisers: [o-murray, o-walsh]\n';

  it('the person who recorded a request cannot decide it; another authoriser can', async () => {
    const { svc } = service({ briefings: twoAuthorisers });
    // o-murray also works the office in this council, records a written request, then tries to approve it.
    const recorder = { id: 'o-murray', role: 'ce-office' } as const;
    const req = await svc.request(recorder, { ...LABOUR_REQUEST, requestedBy: 'cllr-hale' });
    await expect(svc.decide(actors.authoriser, req.id, { decision: 'approve' })).rejects.toMatchObject({
      code: 'forbidden',
      rule: 'separation-of-duties',
      message: 'Claire Murray recorded this request, so cannot also decide it; another authoriser (Brendan Walsh) must decide it',
    });
    const { request } = await svc.decide({ id: 'o-walsh', role: 'authoriser' }, req.id, { decision: 'approve' });
    expect(request.status).toBe('approved');
  });

  it('with a single authoriser, says to name a second one', async () => {
    const { svc } = service();
    const req = await svc.request({ id: 'o-murray', role: 'ce-office' }, { ...LABOUR_REQUEST, requestedBy: 'cllr-hale' });
    await expect(svc.decide(actors.authoriser, req.id, { decision: 'decline', reason: 'not-council-business' })).rejects.toThrow(
      'name a second authoriser in briefings.authorisers to decide it',
    );
  });
});

describe('confidential details', () => {
  it('every read of a request is an audit event naming who read it and as what', async () => {
    const { svc, store } = service();
    const req = await svc.request(actors.labourLeader, LABOUR_REQUEST);
    expect(await svc.getRequest(actors.authoriser, req.id)).toMatchObject({ details: LABOUR_REQUEST.details });
    expect(await svc.getRequest(actors.labourLeader, req.id)).toMatchObject({ details: LABOUR_REQUEST.details });
    await expect(svc.getRequest(actors.toryLeader, req.id)).rejects.toMatchObject({ code: 'not-found' });
    const reads = (await store.auditEvents()).filter((e) => e.action === 'request.read');
    expect(reads.map((e) => [e.actor, e.entity.id, e.note])).toEqual([
      ['o-murray', req.id, 'details read (as authoriser)'],
      ['cllr-hale', req.id, 'details read (as group-leader)'],
    ]);
    expect((await svc.verifyAudit(actors.mo)).ok).toBe(true);
  });

  it('lists and the audit listing leave the details out', async () => {
    const { svc } = service();
    const req = await svc.request(actors.labourLeader, LABOUR_REQUEST);
    const [listed] = await svc.listRequests(actors.office);
    expect(listed).toMatchObject({ id: req.id, detailsLength: LABOUR_REQUEST.details.length });
    expect(JSON.stringify(await svc.listRequests(actors.office))).not.toContain(LABOUR_REQUEST.details);
    const audit = await svc.audit(actors.mo);
    expect(JSON.stringify(audit)).not.toContain(LABOUR_REQUEST.details);
    expect((audit[0]!.after as { details: string }).details).toBe(DETAILS_WITHHELD);
  });
});
