/** Shared test fixtures: the example council with a `briefings:` record, clocks, ids and actors. */
import { readFileSync } from 'node:fs';
import { parseCouncil, type Council } from '../../src/directory/council.js';
import type { Actor } from '../../src/briefings/context.js';
import { BriefingService } from '../../src/briefings/service.js';
import { MemoryStore } from '../../src/briefings/memory-store.js';
import type { LedgerStore } from '../../src/briefings/ledger.js';
import { issueToken, type Claims } from '../../src/http/auth.js';

export const exampleYaml = readFileSync(new URL('../../examples/council.yaml', import.meta.url), 'utf8');

export function council(briefings = '', extraPeople = '', extraGroups = ''): Council {
  let text = exampleYaml;
  if (extraGroups) text = text.replace('groups:\n', `groups:\n${extraGroups}`);
  if (extraPeople) text = text.replace('people:\n', `people:\n${extraPeople}`);
  if (briefings) text += `\nbriefings:\n${briefings}`;
  return parseCouncil(text);
}

/** A settable clock. Starts on a Tuesday in term time. */
export function clock(start = '2026-11-24T10:00:00Z') {
  let now = new Date(start);
  const fn = () => new Date(now);
  fn.set = (iso: string) => {
    now = new Date(iso);
  };
  return fn;
}

export function ids(seed = 't') {
  let n = 0;
  return (prefix: string) => `${prefix}-${seed}${(++n).toString(36).padStart(4, '0')}`;
}

export const actors = {
  office: { id: 'o-bell', role: 'ce-office' } as Actor,
  authoriser: { id: 'o-murray', role: 'authoriser' } as Actor,
  mo: { id: 'o-singh', role: 'monitoring-officer' } as Actor,
  labourLeader: { id: 'cllr-hale', role: 'group-leader', group: 'labour' } as Actor,
  labourMember: { id: 'cllr-okafor', role: 'group-leader', group: 'labour' } as Actor,
  toryLeader: { id: 'cllr-webb', role: 'group-leader', group: 'conservative' } as Actor,
  toryDeputy: { id: 'cllr-khan', role: 'group-leader', group: 'conservative' } as Actor,
  libdemLeader: { id: 'cllr-doyle', role: 'group-leader', group: 'libdem' } as Actor,
  greenLeader: { id: 'cllr-moss', role: 'group-leader', group: 'green' } as Actor,
  hughes: { id: 'o-hughes', role: 'officer' } as Actor,
  patel: { id: 'o-patel', role: 'officer' } as Actor,
};

export function service(opts: { briefings?: string; council?: Council; store?: LedgerStore; clock?: () => Date; seed?: string } = {}) {
  const store = opts.store ?? new MemoryStore();
  const c = opts.clock ?? clock();
  const svc = new BriefingService({ council: opts.council ?? council(opts.briefings), store, clock: c, newId: ids(opts.seed) });
  return { svc, store, clock: c };
}

export const LABOUR_REQUEST = {
  matter: 'Local Plan review: housing site allocations',
  details: 'We want to test the Northgate allocation before our group meeting decides its line on the vote.',
  officers: ['o-hughes'],
};

export const SHA = 'a'.repeat(64);
export const SHA2 = 'b'.repeat(64);

/** A maker of bearer tokens signed with `secret`, valid for `seconds` from now: `tok('cllr-hale', 'group-leader', 'labour')`. */
export function tokens(secret: string, seconds = 3600) {
  return (sub: string, role: Claims['role'], group?: string) =>
    `Bearer ${issueToken(secret, { sub, role, ...(group ? { group } : {}), exp: Math.floor(Date.now() / 1000) + seconds })}`;
}
