/**
 * Offer rounds (000 6.1, 002 5.6): approval offers the same briefing to every other party in a snapshot of the
 * directory taken then. Offers are accepted or declined by the party, expire after N working days, and are
 * reminded on the configured working days; a party that forms mid-round gets a late offer.
 */
import { assertOneLine, planNotices, type Actor, type DomainContext } from './context.js';
import { conflict, forbidden, invalid, notFound } from './errors.js';
import type { Timer, Tx } from './ledger.js';
import { currentParties } from './parties.js';
import { assertReachable } from './reach.js';
import type { BriefingRequest, Offer, OfferKind, Party, Round } from './types.js';
import { offerTimes, workingCalendar } from '../directory/working-days.js';

function newOffer(tx: Tx, ctx: DomainContext, roundId: string, party: Party, kind: OfferKind): { offer: Offer; timers: Timer[] } {
  const id = ctx.newId('of');
  if (kind === 'requester') {
    return { offer: { id, roundId, kind, party, status: 'agreed', offeredAt: tx.nowIso, remindAt: [], sessionIds: [], noticeIds: [] }, timers: [] };
  }
  const times = offerTimes(workingCalendar(ctx.council), tx.now, {
    expiryWorkingDays: ctx.settings.offerExpiryWorkingDays,
    reminderWorkingDays: ctx.settings.reminderWorkingDays,
  });
  const offer: Offer = {
    id,
    roundId,
    kind,
    party,
    status: 'open',
    offeredAt: tx.nowIso,
    expiresAt: times.expiresAt.toISOString(),
    remindAt: times.remindAt.map((d) => d.toISOString()),
    sessionIds: [],
    noticeIds: [],
  };
  const timers: Timer[] = [
    ...offer.remindAt.map((at, i) => ({ jobId: `${id}-reminder${i + 1}`, name: 'reminder' as const, offerId: id, reminder: i + 1, at })),
    { jobId: `${id}-expire`, name: 'expire', offerId: id, at: offer.expiresAt! },
  ];
  return { offer, timers };
}

function noticeForOffer(tx: Tx, ctx: DomainContext, actor: Actor, offer: Offer): string[] {
  return planNotices(tx, ctx, actor, {
    kind: offer.kind === 'requester' ? 'approved' : 'offer',
    stem: `${offer.id}-${offer.kind === 'requester' ? 'approved' : 'offer'}`,
    party: offer.party.id,
    to: offer.party.contacts,
    fields: { roundId: offer.roundId, offerId: offer.id },
  });
}

/** Open the round for an approved request: one offer per party in the snapshot, all in one commit. */
export async function openRound(tx: Tx, ctx: DomainContext, actor: Actor, request: BriefingRequest, title: string): Promise<Round> {
  const snapshot = currentParties(ctx.council, ctx.settings);
  assertReachable(ctx, snapshot);
  const roundId = ctx.newId('rd');
  const noticeIds: string[] = [];
  const timers: Timer[] = [];
  const offers: Offer[] = [];
  for (const party of snapshot) {
    const made = newOffer(tx, ctx, roundId, party, party.kind === 'group' && party.id === request.group ? 'requester' : 'offer');
    const ids = noticeForOffer(tx, ctx, actor, made.offer);
    made.offer.noticeIds = ids;
    offers.push(made.offer);
    noticeIds.push(...ids);
    timers.push(...made.timers);
  }
  const requesterOffer = offers.find((o) => o.kind === 'requester');
  if (!requesterOffer) throw conflict(`group "${request.group}" is no longer a group in the directory`, 'not-a-group');
  const round: Round = {
    id: roundId,
    requestId: request.id,
    matterKey: request.matterKey,
    title,
    openedAt: tx.nowIso,
    openedBy: actor.id,
    status: offers.some((o) => o.status === 'open') ? 'open' : 'closed',
    ...(offers.some((o) => o.status === 'open') ? {} : { closedAt: tx.nowIso }),
    snapshot,
    offerIds: offers.map((o) => o.id),
    requesterOfferId: requesterOffer.id,
    followUpIds: [],
  };
  tx.put('round', undefined, round, actor.id, 'round.opened');
  for (const offer of offers) tx.put('offer', undefined, offer, actor.id, offer.kind === 'requester' ? 'offer.agreed' : 'offer.made');
  tx.addIndex('rounds', round.id, tx.now.getTime());
  tx.enqueue({ id: `${roundId}-open`, kind: 'round', roundId, noticeIds, timers });
  return round;
}

/** Close the round once no offer is open: responses and late offers stop; sessions and follow-ups go on. */
async function closeIfSettled(tx: Tx, round: Round, actor: Actor): Promise<void> {
  const offers = await tx.getMany('offer', round.offerIds);
  if (round.status === 'open' && !offers.some((o) => o.status === 'open')) {
    tx.put('round', round, { ...round, status: 'closed', closedAt: tx.nowIso }, actor.id, 'round.closed');
  }
}

/** An actor may act for the party of an offer: its group leader's token, or the office recording a reply. */
function assertActsFor(actor: Actor, offer: Offer): void {
  if (actor.role === 'ce-office') return;
  if (actor.role === 'group-leader' && actor.group === offer.party.id) return;
  // Another group must not learn that this offer exists.
  throw notFound(`no offer "${offer.id}" for your group`);
}

/** What may come with an answer: times that would suit (when accepting) and a short note. */
export interface OfferAnswerDetails {
  proposedTimes?: string[];
  note?: string;
}

const MAX_PROPOSED_TIMES = 3;

function answerDetails(tx: Tx, response: 'accept' | 'decline', details: OfferAnswerDetails): Pick<Offer, 'proposedTimes' | 'answerNote'> {
  const times = details.proposedTimes ?? [];
  if (times.length > 0 && response !== 'accept') throw invalid('proposedTimes: times can only be proposed when taking the briefing up');
  if (times.length > MAX_PROPOSED_TIMES) throw invalid(`proposedTimes: at most ${MAX_PROPOSED_TIMES} times`);
  const instants = times.map((t) => {
    const ms = Date.parse(t);
    if (Number.isNaN(ms)) throw invalid(`proposedTimes: "${t}" is not a date and time`);
    if (ms <= tx.now.getTime()) throw invalid('proposedTimes: each time must be in the future');
    return new Date(ms).toISOString();
  });
  assertOneLine('note', details.note);
  const note = details.note?.trim();
  return { ...(instants.length ? { proposedTimes: [...new Set(instants)].sort() } : {}), ...(note ? { answerNote: note } : {}) };
}

export async function respondToOffer(
  tx: Tx,
  ctx: DomainContext,
  actor: Actor,
  offerId: string,
  response: 'accept' | 'decline',
  details: OfferAnswerDetails = {},
): Promise<Offer> {
  const offer = await tx.get('offer', offerId);
  if (!offer) throw notFound(`no offer "${offerId}"`);
  if (actor.role !== 'ce-office' && actor.role !== 'group-leader') throw forbidden('only the group or the office can answer an offer');
  assertActsFor(actor, offer);
  const round = await tx.get('round', offer.roundId);
  if (!round) throw notFound(`no round "${offer.roundId}"`);
  if (offer.kind === 'requester') throw conflict("this is the requesting group's own briefing; withdraw the request instead", 'own-briefing');
  if (offer.status === 'open' && offer.expiresAt && tx.now.getTime() >= Date.parse(offer.expiresAt)) {
    // Record the expiry (it is due) and still refuse the late answer.
    const expired = await expireOffer(tx, ctx, offerId);
    tx.refuse(conflict(`offer ${offerId} expired at ${offer.expiresAt}`, 'offer-expired'));
    return expired ?? offer;
  }
  if (round.status === 'closed') throw conflict(`round ${round.id} is closed; no more answers are taken`, 'round-closed');
  if (offer.status !== 'open') throw conflict(`offer ${offerId} was already ${offer.status}`, 'already-answered');
  const after: Offer = {
    ...offer,
    status: response === 'accept' ? 'accepted' : 'declined',
    respondedAt: tx.nowIso,
    respondedBy: actor.id,
    ...answerDetails(tx, response, details),
  };
  tx.put('offer', offer, after, actor.id, response === 'accept' ? 'offer.accepted' : 'offer.declined');
  await closeIfSettled(tx, round, actor);
  return after;
}

/** Run by the delayed `expire` job; a no-op if the offer was answered or is not yet due. */
export async function expireOffer(tx: Tx, _ctx: DomainContext, offerId: string): Promise<Offer | undefined> {
  const offer = await tx.get('offer', offerId);
  if (!offer || offer.status !== 'open' || !offer.expiresAt) return offer;
  if (tx.now.getTime() < Date.parse(offer.expiresAt)) return offer;
  const after: Offer = { ...offer, status: 'expired', respondedAt: tx.nowIso, respondedBy: 'system' };
  tx.put('offer', offer, after, 'system', 'offer.expired');
  const round = await tx.get('round', offer.roundId);
  if (round) await closeIfSettled(tx, round, { id: 'system', role: 'system' });
  return after;
}

/** Run by the delayed `reminder` job: queue reminder notices for an offer still open. Idempotent per reminder. */
export async function remindOffer(tx: Tx, ctx: DomainContext, offerId: string, reminder: number): Promise<string[]> {
  const offer = await tx.get('offer', offerId);
  if (!offer || offer.status !== 'open') return [];
  const stem = `${offer.id}-reminder${reminder}`;
  if (offer.noticeIds.some((id) => id.startsWith(`${stem}-`))) return [];
  if (offer.expiresAt && tx.now.getTime() >= Date.parse(offer.expiresAt)) return [];
  const system: Actor = { id: 'system', role: 'system' };
  const ids = planNotices(tx, ctx, system, {
    kind: 'reminder',
    stem,
    party: offer.party.id,
    to: offer.party.contacts,
    fields: { roundId: offer.roundId, offerId: offer.id, reminder },
  });
  tx.put('offer', offer, { ...offer, noticeIds: [...offer.noticeIds, ...ids] }, system.id, 'offer.reminded');
  if (ids.length > 0) tx.enqueue({ id: stem, kind: 'notices', noticeIds: ids });
  return ids;
}

/**
 * Compare the round's snapshot with the directory now: a party that has formed since gets a late offer on the
 * same terms (its own expiry from today). Parties that have gone keep what they had.
 */
export async function refreshRound(tx: Tx, ctx: DomainContext, actor: Actor, roundId: string): Promise<Offer[]> {
  if (actor.role !== 'ce-office' && actor.role !== 'system') throw forbidden('only the office can refresh a round');
  const round = await tx.get('round', roundId);
  if (!round) throw notFound(`no round "${roundId}"`);
  if (round.status === 'closed') throw conflict(`round ${roundId} is closed`, 'round-closed');
  const offered = new Set((await tx.getMany('offer', round.offerIds)).map((o) => o.party.id));
  const late: Offer[] = [];
  const timers: Timer[] = [];
  const noticeIds: string[] = [];
  for (const party of currentParties(ctx.council, ctx.settings)) {
    if (offered.has(party.id)) continue;
    const made = newOffer(tx, ctx, round.id, party, 'late');
    made.offer.noticeIds = noticeForOffer(tx, ctx, actor, made.offer);
    tx.put('offer', undefined, made.offer, actor.id, 'offer.made-late');
    late.push(made.offer);
    timers.push(...made.timers);
    noticeIds.push(...made.offer.noticeIds);
  }
  if (late.length === 0) return [];
  tx.put('round', round, { ...round, offerIds: [...round.offerIds, ...late.map((o) => o.id)] }, actor.id, 'round.late-offers');
  tx.enqueue({ id: `${round.id}-late-${tx.now.getTime()}`, kind: 'notices', noticeIds, timers });
  return late;
}
