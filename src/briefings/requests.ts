/**
 * Requests and decisions (000 6.1, 002 5.6, 003 "Party Groups and Officers", 004 9.1–9.2, 9.5): a group's
 * leader, deputy or spokesperson asks in writing, to the designated recipient; a designated authoriser approves,
 * declines with a reason code, or defers. Approval opens the offer round.
 */
import { assertNeutral, assertOneLine, assertText, matterKey, personName, planNotices, type Actor, type DomainContext } from './context.js';
import { conflict, forbidden, invalid, notFound } from './errors.js';
import type { Tx } from './ledger.js';
import { openRound } from './rounds.js';
import { partyOfGroup } from './parties.js';
import { preElectionPeriodOn } from './settings.js';
import type { BriefingRequest, DeclineReason, Decision, ReceivedVia } from './types.js';
import { localDate } from '../directory/working-days.js';

export interface RequestInput {
  matter: string;
  details: string;
  /** Who asked (a person id); taken from the token for a group leader, required from the office. */
  requestedBy?: string;
  /** The recipient the request was addressed to, if stated; must be the designated one. */
  to?: string;
  officers?: string[];
  premises?: { councilControlled: boolean; description?: string };
  nonMembersPresent?: boolean;
  preferredDate?: string;
  /** A written request the office records: when it reached the council (ISO instant) and how. Office only. */
  received?: { at: string; via: ReceivedVia };
}

/** How far back the office may date a written request it records (a request older than this is a new one). */
export const RECEIVED_MAX_AGE_DAYS = 90;

const REQUESTERS = ['leader', 'deputy', 'spokesperson'];

export async function createRequest(tx: Tx, ctx: DomainContext, actor: Actor, input: RequestInput): Promise<BriefingRequest> {
  let requestedBy: string;
  if (actor.role === 'group-leader') {
    if (input.requestedBy && input.requestedBy !== actor.id) throw forbidden('a group member can only make a request in their own name');
    requestedBy = actor.id;
  } else if (actor.role === 'ce-office') {
    if (!input.requestedBy) throw invalid('requestedBy: the office must say which member made the written request');
    requestedBy = input.requestedBy;
  } else {
    throw forbidden('only a group (or the office recording its written request) can request a briefing');
  }
  const person = ctx.council.byId.get(requestedBy);
  if (!person) throw invalid(`requestedBy: unknown member "${requestedBy}"`);
  if (person.role !== 'councillor' || !person.group) throw invalid(`requestedBy: ${person.name} is not a member of a group`);
  if (actor.role === 'group-leader' && actor.group !== person.group) throw forbidden(`this token speaks for "${actor.group}", not "${person.group}"`);
  if (!person.groupRole || !REQUESTERS.includes(person.groupRole)) {
    throw forbidden(`${person.name} is not the leader, deputy or a named spokesperson of their group`, 'requester-role');
  }
  if (!partyOfGroup(ctx.council, ctx.settings, person.group)) {
    throw invalid(`group "${person.group}" has fewer than ${ctx.settings.minGroupMembers} members, and a one-member group is not a group`, 'not-a-group');
  }
  if (input.to && input.to !== ctx.settings.recipient) {
    throw invalid(`to: briefing requests go to the designated recipient "${ctx.settings.recipient}", not "${input.to}"`);
  }
  if (input.received) {
    if (actor.role !== 'ce-office') throw forbidden('received: only the office records when a written request arrived');
    const at = Date.parse(input.received.at);
    if (Number.isNaN(at)) throw invalid('received.at: not a date and time');
    if (at > tx.now.getTime() + 60_000) throw invalid('received.at: is in the future');
    if (at < tx.now.getTime() - RECEIVED_MAX_AGE_DAYS * 86_400_000) throw invalid(`received.at: is more than ${RECEIVED_MAX_AGE_DAYS} days ago`);
  }
  const officers = [...new Set(input.officers ?? [])];
  for (const o of officers) {
    if (ctx.council.byId.get(o)?.role !== 'officer') throw invalid(`officers: unknown officer "${o}"`);
  }
  assertOneLine('matter', input.matter);
  assertText('details', input.details);
  assertOneLine('premises.description', input.premises?.description);
  const key = matterKey(input.matter);
  if (!key) throw invalid('matter: must contain letters or digits');

  const request: BriefingRequest = {
    id: ctx.newId('br'),
    matter: input.matter.trim(),
    matterKey: key,
    details: input.details,
    group: person.group,
    requestedBy,
    recordedBy: actor.id,
    recipient: ctx.settings.recipient,
    officers,
    premises: input.premises ?? { councilControlled: true },
    nonMembersPresent: input.nonMembersPresent ?? false,
    ...(input.preferredDate ? { preferredDate: input.preferredDate } : {}),
    requestedAt: tx.nowIso,
    ...(input.received ? { received: { at: new Date(input.received.at).toISOString(), via: input.received.via } } : {}),
    status: 'pending',
  };
  tx.put('request', undefined, request, actor.id, 'request.created');
  tx.addIndex('requests', request.id, tx.now.getTime());
  tx.addIndex(`matter:${key}`, request.id, tx.now.getTime());

  const period = ctx.settings.preElection === 'defer' ? pendingPreElection(ctx, request, tx.now) : undefined;
  if (period) {
    const deferred: BriefingRequest = { ...request, status: 'deferred', autoDeferred: { reason: 'pre-election', period: period.name } };
    tx.put('request', request, deferred, 'system', 'request.deferred', `pre-election period: ${period.name}`);
    notifyRequester(tx, ctx, deferred, 'deferred');
    return deferred;
  }
  return request;
}

function pendingPreElection(ctx: DomainContext, request: BriefingRequest, now: Date): { name: string } | undefined {
  return (
    preElectionPeriodOn(ctx.settings, localDate(now, ctx.settings.timezone)) ??
    (request.preferredDate ? preElectionPeriodOn(ctx.settings, request.preferredDate) : undefined)
  );
}

export interface DecisionInput {
  decision: 'approve' | 'decline' | 'defer';
  reason?: DeclineReason;
  note?: string;
  until?: string;
  /** The neutral title other groups will see; defaults to the matter. */
  offerTitle?: string;
  overridePreElection?: boolean;
}

export async function decide(tx: Tx, ctx: DomainContext, actor: Actor, requestId: string, input: DecisionInput) {
  if (actor.role !== 'authoriser' || !ctx.settings.authorisers.includes(actor.id)) {
    throw forbidden(`only the designated authoriser (${ctx.settings.authorisers.join(', ')}) may decide on a briefing`);
  }
  const request = await tx.get('request', requestId);
  if (!request) throw notFound(`no briefing request "${requestId}"`);
  if (request.status !== 'pending' && request.status !== 'deferred') {
    throw conflict(`request ${requestId} is already ${request.status}; a decision can only be made on a pending or deferred request`, 'already-decided');
  }
  // Separation of duties: the person who entered a request (or made it) does not also decide it.
  if (request.recordedBy === actor.id || request.requestedBy === actor.id) {
    const others = ctx.settings.authorisers.filter((a) => a !== actor.id);
    throw forbidden(
      `${personName(ctx, actor.id)} recorded this request, so cannot also decide it; ${others.length > 0 ? `another authoriser (${others.map((a) => personName(ctx, a)).join(', ')}) must` : 'name a second authoriser in briefings.authorisers to'} decide it`,
      'separation-of-duties',
    );
  }
  assertOneLine('offerTitle', input.offerTitle);
  assertOneLine('note', input.note);
  const decision: Decision = {
    kind: input.decision,
    by: actor.id,
    at: tx.nowIso,
    ...(input.reason ? { reason: input.reason } : {}),
    ...(input.note ? { note: input.note } : {}),
    ...(input.until ? { until: input.until } : {}),
    ...(input.overridePreElection ? { overridePreElection: true } : {}),
  };

  if (input.decision === 'approve') {
    const period = pendingPreElection(ctx, request, tx.now);
    if (period && !input.overridePreElection) {
      throw conflict(
        `the request falls in the pre-election period "${period.name}": defer it, decline it (reason pre-election), or approve with overridePreElection`,
        'pre-election',
      );
    }
    const title = (input.offerTitle ?? request.matter).trim();
    assertOneLine(input.offerTitle ? 'offerTitle' : 'matter (used as the offer title)', title);
    assertNeutral(ctx, title, input.offerTitle ? 'offerTitle' : 'matter (used as the offer title)', { requesterGroup: request.group });
    const round = await openRound(tx, ctx, actor, request, title);
    const approved: BriefingRequest = { ...request, status: 'approved', decision, roundId: round.id };
    tx.put('request', request, approved, actor.id, 'request.approved');
    return { request: approved, round };
  }

  if (input.decision === 'decline') {
    if (!input.reason) throw invalid('reason: a decline needs a reason code');
    await assertReasonApplies(tx, ctx, request, input.reason);
    const declined: BriefingRequest = { ...request, status: 'declined', decision };
    tx.put('request', request, declined, actor.id, 'request.declined');
    notifyRequester(tx, ctx, declined, 'declined');
    return { request: declined };
  }

  const deferred: BriefingRequest = { ...request, status: 'deferred', decision };
  tx.put('request', request, deferred, actor.id, 'request.deferred');
  notifyRequester(tx, ctx, deferred, 'deferred');
  return { request: deferred };
}

/** A reason code must fit the request: premises and non-members per 004 9.5, duplicates need another request. */
async function assertReasonApplies(tx: Tx, ctx: DomainContext, request: BriefingRequest, reason: DeclineReason): Promise<void> {
  const fail = (why: string) => invalid(`reason: "${reason}" does not apply: ${why}`, 'reason-does-not-apply');
  switch (reason) {
    case 'non-council-premises':
      if (request.premises.councilControlled) throw fail('the request is for premises the council owns or controls');
      return;
    case 'non-members-present':
      if (!request.nonMembersPresent) throw fail('the request says only members will be present');
      return;
    case 'pre-election':
      if (!request.autoDeferred && !pendingPreElection(ctx, request, tx.now)) throw fail('no pre-election period applies');
      return;
    case 'duplicate': {
      const others = await tx.getMany(
        'request',
        (await tx.index(`matter:${request.matterKey}`)).filter((id) => id !== request.id),
      );
      if (!others.some((o) => o.status !== 'declined' && o.status !== 'withdrawn')) throw fail('there is no other live request on this matter');
      return;
    }
    case 'not-council-business':
      return;
  }
}

function notifyRequester(tx: Tx, ctx: DomainContext, request: BriefingRequest, kind: 'declined' | 'deferred'): void {
  const party = partyOfGroup(ctx.council, ctx.settings, request.group);
  if (!party) return;
  const stem = `${request.id}-${kind}-${tx.now.getTime()}`;
  const noticeIds = planNotices(
    tx,
    ctx,
    { id: 'system', role: 'system' },
    {
      kind,
      stem,
      party: party.id,
      to: party.contacts,
      fields: { requestId: request.id },
    },
  );
  if (noticeIds.length > 0) tx.enqueue({ id: stem, kind: 'notices', noticeIds });
}

/** The requester withdraws. Other groups keep their offers (the offer was the council's, not the group's). */
export async function withdraw(tx: Tx, ctx: DomainContext, actor: Actor, requestId: string): Promise<BriefingRequest> {
  const request = await tx.get('request', requestId);
  if (!request) throw notFound(`no briefing request "${requestId}"`);
  if (actor.role === 'group-leader' && actor.group !== request.group) throw notFound(`no briefing request "${requestId}"`);
  if (actor.role !== 'group-leader' && actor.role !== 'ce-office') throw forbidden('only the requesting group or the office can withdraw a request');
  if (request.status === 'declined' || request.status === 'withdrawn') {
    throw conflict(`request ${requestId} is already ${request.status}`, 'already-decided');
  }
  const withdrawn: BriefingRequest = { ...request, status: 'withdrawn', withdrawnAt: tx.nowIso };
  tx.put('request', request, withdrawn, actor.id, 'request.withdrawn');
  if (request.roundId) {
    const round = await tx.get('round', request.roundId);
    const own = round ? await tx.get('offer', round.requesterOfferId) : undefined;
    if (own && own.status === 'agreed')
      tx.put('offer', own, { ...own, status: 'withdrawn', respondedAt: tx.nowIso, respondedBy: actor.id }, actor.id, 'offer.withdrawn');
  }
  return withdrawn;
}
