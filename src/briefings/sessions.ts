/**
 * Sessions, officers' invitations and follow-ups (000 6.2–6.3, 003 "Party Groups and Officers"): each party
 * that takes a briefing up gets its own session, recording the officers, venue, time and the material's version
 * and SHA-256, so the register shows every group had the same material. An officer who has accepted one group's
 * invitation on a matter may not decline another group's on the same matter: that decline is refused and routed
 * to the chief executive. Follow-up factual answers go to every party that took the briefing up.
 */
import { assertNeutral, assertOneLine, assertText, personName, planNotices, SYSTEM, type Actor, type DomainContext } from './context.js';
import { conflict, forbidden, invalid, notFound } from './errors.js';
import type { Tx } from './ledger.js';
import { roundScope } from './neutral-text.js';
import type { FollowUp, Invitation, Material, Offer, RefusalDealtWith, Round, Session } from './types.js';
import { dayMonth, hourMinute } from './words.js';

export interface SessionInput {
  offerId: string;
  officers: string[];
  venue: string;
  startsAt: string;
  endsAt: string;
  material: Material;
}

function assertOfficers(ctx: DomainContext, officers: string[]): void {
  if (officers.length === 0) throw invalid('officers: a session needs at least one officer');
  for (const o of officers) if (ctx.council.byId.get(o)?.role !== 'officer') throw invalid(`officers: unknown officer "${o}"`);
}

/** A session time as stored (UTC ISO); a value a Date cannot hold (a leap second, 30 February) is a 400, not a 500. */
function instant(field: string, value: string): string {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms))
    throw invalid(`${field}: "${value.slice(0, 40)}" is not a date and time Probity can use (like 2026-12-01T17:00:00Z; a leap second, :60, is not accepted)`);
  return new Date(ms).toISOString();
}

function assertTimes(startsAt: string, endsAt: string): void {
  if (!(Date.parse(instant('endsAt', endsAt)) > Date.parse(instant('startsAt', startsAt)))) throw invalid('endsAt: must be after startsAt');
}

/** The venue and material version go into the group's notice and its officers' invitations: one line, neutral. */
async function assertSessionText(tx: Tx, ctx: DomainContext, round: Round, offer: Offer, input: { venue?: string; material?: Material }): Promise<void> {
  assertOneLine('venue', input.venue);
  assertOneLine('material.version', input.material?.version);
  const scope = { ...(await roundScope(tx, round)), recipient: offer.party };
  if (input.venue) assertNeutral(ctx, input.venue, 'venue', scope);
  if (input.material) assertNeutral(ctx, input.material.version, 'material.version', scope);
}

const TAKEN_UP = new Set<Offer['status']>(['accepted', 'agreed']);

/** The group's notice of the session (with the calendar invite). */
function sessionNotices(tx: Tx, ctx: DomainContext, actor: Actor, offer: Offer, session: Session): string[] {
  return planNotices(tx, ctx, actor, {
    kind: 'session',
    stem: `${session.id}-s${session.sequence}`,
    party: offer.party.id,
    to: offer.party.contacts,
    fields: { roundId: session.roundId, offerId: offer.id, sessionId: session.id, sessionSequence: session.sequence },
  });
}

/** Each officer's own invitation notice for this version of the session, with their answer link and the invite. */
function invitationNotices(tx: Tx, ctx: DomainContext, actor: Actor, offer: Offer, session: Session, invitation: Invitation): string[] {
  return planNotices(tx, ctx, actor, {
    kind: 'invitation',
    stem: `${invitation.id}-s${session.sequence}`,
    party: offer.party.id,
    to: [invitation.officer],
    fields: { roundId: session.roundId, offerId: offer.id, sessionId: session.id, sessionSequence: session.sequence, invitationId: invitation.id },
  });
}

export async function scheduleSession(tx: Tx, ctx: DomainContext, actor: Actor, input: SessionInput): Promise<Session> {
  if (actor.role !== 'ce-office') throw forbidden('only the office schedules sessions');
  const offer = await tx.get('offer', input.offerId);
  if (!offer) throw notFound(`no offer "${input.offerId}"`);
  if (!TAKEN_UP.has(offer.status)) throw conflict(`offer ${offer.id} is ${offer.status}; a session needs an offer that was taken up`, 'not-taken-up');
  const round = await tx.get('round', offer.roundId);
  if (!round) throw notFound(`no round "${offer.roundId}"`);
  const officers = [...new Set(input.officers)];
  assertOfficers(ctx, officers);
  assertTimes(input.startsAt, input.endsAt);
  await assertSessionText(tx, ctx, round, offer, input);

  const session: Session = {
    id: ctx.newId('ss'),
    roundId: round.id,
    offerId: offer.id,
    party: offer.party.id,
    officers,
    venue: input.venue,
    startsAt: instant('startsAt', input.startsAt),
    endsAt: instant('endsAt', input.endsAt),
    material: { version: input.material.version, sha256: input.material.sha256.toLowerCase() },
    sequence: 0,
    status: 'scheduled',
    invitationIds: [],
    createdAt: tx.nowIso,
    updatedAt: tx.nowIso,
  };
  const invitationNoticeIds: string[] = [];
  for (const officer of officers) {
    const invitation: Invitation = {
      id: ctx.newId('iv'),
      sessionId: session.id,
      roundId: round.id,
      matterKey: round.matterKey,
      party: offer.party.id,
      officer,
      status: 'pending',
      refusedDeclines: 0,
    };
    invitation.noticeIds = invitationNotices(tx, ctx, actor, offer, session, invitation);
    invitationNoticeIds.push(...invitation.noticeIds);
    session.invitationIds.push(invitation.id);
    tx.put('invitation', undefined, invitation, actor.id, 'invitation.sent');
    tx.addIndex(`matter-invitations:${round.matterKey}`, invitation.id, tx.now.getTime());
    tx.addIndex('invitations', invitation.id, tx.now.getTime());
  }
  const noticeIds = [...sessionNotices(tx, ctx, actor, offer, session), ...invitationNoticeIds];
  tx.put('session', undefined, session, actor.id, 'session.scheduled');
  tx.addIndex('sessions', session.id, tx.now.getTime());
  tx.put(
    'offer',
    offer,
    { ...offer, sessionIds: [...offer.sessionIds, session.id], noticeIds: [...offer.noticeIds, ...noticeIds] },
    actor.id,
    'offer.session-added',
  );
  if (noticeIds.length > 0) tx.enqueue({ id: `${session.id}-s0`, kind: 'notices', noticeIds });
  return session;
}

export interface SessionChange {
  venue?: string;
  startsAt?: string;
  endsAt?: string;
  material?: Material;
  cancel?: boolean;
}

/** A change re-sends the invite with the same UID and the next SEQUENCE. */
export async function changeSession(tx: Tx, ctx: DomainContext, actor: Actor, sessionId: string, change: SessionChange): Promise<Session> {
  if (actor.role !== 'ce-office') throw forbidden('only the office changes sessions');
  const session = await tx.get('session', sessionId);
  if (!session) throw notFound(`no session "${sessionId}"`);
  if (session.status === 'cancelled') throw conflict(`session ${sessionId} was cancelled`, 'session-cancelled');
  const offer = await tx.get('offer', session.offerId);
  if (!offer) throw notFound(`no offer "${session.offerId}"`);
  const after: Session = {
    ...session,
    ...(change.venue ? { venue: change.venue } : {}),
    ...(change.startsAt ? { startsAt: instant('startsAt', change.startsAt) } : {}),
    ...(change.endsAt ? { endsAt: instant('endsAt', change.endsAt) } : {}),
    ...(change.material ? { material: { version: change.material.version, sha256: change.material.sha256.toLowerCase() } } : {}),
    ...(change.cancel ? { status: 'cancelled' as const } : {}),
    sequence: session.sequence + 1,
    updatedAt: tx.nowIso,
  };
  assertTimes(after.startsAt, after.endsAt);
  const round = await tx.get('round', session.roundId);
  if (!round) throw notFound(`no round "${session.roundId}"`);
  await assertSessionText(tx, ctx, round, offer, change);
  const noticeIds = sessionNotices(tx, ctx, actor, offer, after);
  for (const invitation of await tx.getMany('invitation', session.invitationIds)) {
    const ids = invitationNotices(tx, ctx, actor, offer, after, invitation);
    tx.put('invitation', invitation, { ...invitation, noticeIds: [...(invitation.noticeIds ?? []), ...ids] }, actor.id, 'invitation.updated');
    noticeIds.push(...ids);
  }
  tx.put('session', session, after, actor.id, change.cancel ? 'session.cancelled' : 'session.changed');
  tx.put('offer', offer, { ...offer, noticeIds: [...offer.noticeIds, ...noticeIds] }, actor.id, 'offer.session-changed');
  if (noticeIds.length > 0) tx.enqueue({ id: `${session.id}-s${after.sequence}`, kind: 'notices', noticeIds });
  return after;
}

/** An officer answers an invitation to brief one group's session. */
export async function respondToInvitation(
  tx: Tx,
  ctx: DomainContext,
  actor: Actor,
  invitationId: string,
  response: 'accept' | 'decline',
  reason?: string,
): Promise<Invitation> {
  const invitation = await tx.get('invitation', invitationId);
  if (!invitation) throw notFound(`no invitation "${invitationId}"`);
  if (actor.role === 'officer' ? actor.id !== invitation.officer : actor.role !== 'ce-office') {
    throw notFound(`no invitation "${invitationId}" for you`);
  }
  const status = response === 'accept' ? 'accepted' : 'declined';
  if (invitation.status === status) return invitation;
  assertOneLine('reason', reason);

  if (response === 'decline') {
    const onMatter = await tx.getMany('invitation', await tx.index(`matter-invitations:${invitation.matterKey}`));
    const accepted = onMatter.find((i) => i.officer === invitation.officer && i.party !== invitation.party && i.status === 'accepted');
    if (accepted) {
      const refusedAfter: Invitation = {
        ...invitation,
        refusedDeclines: invitation.refusedDeclines + 1,
        refusal: { at: tx.nowIso, ...(reason?.trim() ? { reason: reason.trim() } : {}), acceptedInvitationId: accepted.id },
      };
      tx.put(
        'invitation',
        invitation,
        refusedAfter,
        actor.id,
        'invitation.decline-refused',
        `same matter as accepted invitation ${accepted.id}${reason ? `; reason given: ${reason}` : ''}`,
      );
      const ids = planNotices(tx, ctx, SYSTEM, {
        kind: 'same-matter',
        stem: `${invitation.id}-refused${refusedAfter.refusedDeclines}`,
        party: 'chief-executive',
        to: [ctx.settings.chiefExecutive],
        fields: { invitationId: invitation.id, roundId: invitation.roundId },
        channels: ['email'],
      });
      if (ids.length > 0) tx.enqueue({ id: `${invitation.id}-refused${refusedAfter.refusedDeclines}`, kind: 'notices', noticeIds: ids });
      tx.refuse(
        conflict(
          "you have accepted another group's invitation on the same matter, so you may not decline this one (the protocol asks for the same information to each group); the chief executive has been told",
          'same-matter',
        ),
      );
      return refusedAfter;
    }
  }
  const after: Invitation = { ...invitation, status, respondedAt: tx.nowIso, ...(reason?.trim() ? { reason: reason.trim() } : {}) };
  tx.put('invitation', invitation, after, actor.id, `invitation.${status}`, reason);
  return after;
}

/** An invitation whose refused decline the office has marked as dealt with. */
export type DealtWithRefusal = Invitation & { status: 'pending'; refusal: NonNullable<Invitation['refusal']> & { dealtWith: RefusalDealtWith } };

/**
 * The office has taken a refused decline up with the officer (talked to them, or changed the session's officers):
 * it leaves "needs action", and the record keeps who said so, when, and their one-line note. `seen` is the refused
 * decline the caller was shown (the invitation's `refusedDeclines`): when the officer has declined again since, the
 * caller has not read their new reason, so it is refused rather than marked unread.
 */
export async function markRefusalDealtWith(
  tx: Tx,
  ctx: DomainContext,
  actor: Actor,
  invitationId: string,
  note: string,
  seen?: number,
): Promise<DealtWithRefusal> {
  if (actor.role !== 'ce-office' && actor.role !== 'authoriser')
    throw forbidden("only the Chief Executive's office or the authoriser marks a refused decline as dealt with");
  const invitation = await tx.get('invitation', invitationId);
  if (!invitation) throw notFound(`no invitation "${invitationId}"`);
  const refusal = invitation.refusal;
  if (!refusal) throw notFound(`invitation ${invitationId} has no refused decline to deal with`);
  assertOneLine('note', note);
  const text = note.trim();
  if (!text) throw invalid('note: say in one line how the refused decline was dealt with', 'note-required');
  const officer = personName(ctx, invitation.officer);
  const tz = ctx.settings.timezone;
  if (refusal.dealtWith) {
    const { by, at } = refusal.dealtWith;
    throw conflict(
      `${personName(ctx, by)} already marked this refused decline as dealt with on ${dayMonth(at, tz)} at ${hourMinute(at, tz)}`,
      'already-dealt-with',
    );
  }
  if (invitation.status !== 'pending') {
    throw conflict(`${officer} has since ${invitation.status} this invitation, so the refused decline no longer needs action`, 'no-longer-needs-action');
  }
  if (seen !== undefined && seen !== invitation.refusedDeclines) {
    throw conflict(`${officer} has declined this invitation again since; reload to read their latest reason`, 'refusal-changed');
  }
  const after: DealtWithRefusal = { ...invitation, status: 'pending', refusal: { ...refusal, dealtWith: { by: actor.id, at: tx.nowIso, note: text } } };
  tx.put('invitation', invitation, after, actor.id, 'invitation.refusal-dealt-with', text);
  return after;
}

export interface FollowUpInput {
  answer: string;
  material?: Material;
}

/** A factual answer after the sessions goes to every party that took the briefing up, and to no other. */
/**
 * Whether an officer briefs in this round: the request named them, or they were invited to one of its sessions
 * and have not declined. Only they (and the office) answer the groups' follow-up questions for it.
 */
async function briefsInRound(tx: Tx, round: Round, officer: string): Promise<boolean> {
  const request = await tx.get('request', round.requestId);
  if (request?.officers.includes(officer)) return true;
  const offers = await tx.getMany('offer', round.offerIds);
  const sessions = await tx.getMany(
    'session',
    offers.flatMap((o) => o.sessionIds),
  );
  const invitations = await tx.getMany(
    'invitation',
    sessions.flatMap((x) => x.invitationIds),
  );
  return invitations.some((i) => i.officer === officer && i.status !== 'declined');
}

export async function sendFollowUp(tx: Tx, ctx: DomainContext, actor: Actor, roundId: string, input: FollowUpInput): Promise<FollowUp> {
  if (actor.role !== 'ce-office' && actor.role !== 'officer') throw forbidden('only the office or an officer sends follow-up answers');
  const round = await tx.get('round', roundId);
  if (!round) throw notFound(`no round "${roundId}"`);
  if (actor.role === 'officer' && !(await briefsInRound(tx, round, actor.id))) {
    throw forbidden(
      `only the office, or an officer briefing in round ${roundId} (named in its request or invited to one of its sessions and not declined), sends its follow-ups`,
    );
  }
  assertText('answer', input.answer);
  assertOneLine('material.version', input.material?.version);
  assertNeutral(ctx, input.answer, 'answer', await roundScope(tx, round));
  const offers = (await tx.getMany('offer', round.offerIds)).filter((o) => TAKEN_UP.has(o.status));
  if (offers.length === 0) throw conflict(`no group has taken up round ${roundId}`, 'not-taken-up');
  const followUp: FollowUp = {
    id: ctx.newId('fu'),
    roundId,
    answer: input.answer,
    ...(input.material ? { material: input.material } : {}),
    by: actor.id,
    at: tx.nowIso,
    offerIds: offers.map((o) => o.id),
  };
  tx.put('follow-up', undefined, followUp, actor.id, 'follow-up.sent');
  const noticeIds: string[] = [];
  for (const offer of offers) {
    const ids = planNotices(tx, ctx, actor, {
      kind: 'follow-up',
      stem: `${followUp.id}-${offer.id}`,
      party: offer.party.id,
      to: offer.party.contacts,
      fields: { roundId, offerId: offer.id, followUpId: followUp.id },
    });
    tx.put('offer', offer, { ...offer, noticeIds: [...offer.noticeIds, ...ids] }, actor.id, 'offer.follow-up');
    noticeIds.push(...ids);
  }
  tx.put('round', round, { ...round, followUpIds: [...round.followUpIds, followUp.id] }, actor.id, 'round.follow-up');
  tx.enqueue({ id: followUp.id, kind: 'notices', noticeIds });
  return followUp;
}
