/**
 * The briefing scheduler as one object the HTTP routes and the notice worker call: each command runs in a
 * ledger transaction (see ledger.ts), each query returns the view the caller may see. The clock, the id source
 * and the store are passed in.
 */
import type { Council } from '../directory/council.js';
import { workingCalendar } from '../directory/working-days.js';
import type { AuditEvent, AuditHead } from './audit.js';
import { checkpointOf, signHead, verifyChainPage, verifyLedger, type Checkpoint, type Integrity, type IntegrityPage, type LedgerKey } from './integrity.js';
import type { Actor, DomainContext } from './context.js';
import { recordDelivery, recordRoundNoticesSettled, type DeliveryReport } from './deliveries.js';
import { DomainError, forbidden, invalid, notFound } from './errors.js';
import { transact, type HeadSeal, type LedgerStore } from './ledger.js';
import { createRequest, decide, withdraw, type DecisionInput, type RequestInput } from './requests.js';
import { expireOffer, refreshRound, remindOffer, respondToOffer, type OfferAnswerDetails } from './rounds.js';
import {
  changeSession,
  markRefusalDealtWith,
  respondToInvitation,
  scheduleSession,
  sendFollowUp,
  type FollowUpInput,
  type SessionChange,
  type SessionInput,
} from './sessions.js';
import { briefingSettings, type BriefingSettings } from './settings.js';
import { partyReach, workingChannels, type PartyReach } from './reach.js';
import { currentParties } from './parties.js';
import type { BriefingRequest, Channel, Invitation, Notice, Offer, Round } from './types.js';
import { JOINT_INDEPENDENTS } from './parties.js';
import { deliveryProblem, describeEvent, dueText, sessionTime, type Due, type EventInWords, type WordsContext } from './words.js';
import {
  groupOfferView,
  groupRequestView,
  isOffice,
  registerRows,
  roundView,
  undeliveredNotice,
  type GroupOfferView,
  type UndeliveredNotice,
  type RegisterRow,
  type RoundView,
} from './views.js';

/** A request in a list: everything but the confidential details (their length says whether there are any). */
export type RequestSummary = Omit<BriefingRequest, 'details'> & { detailsLength: number };

export interface ServiceOptions {
  council: Council;
  settings?: BriefingSettings;
  store: LedgerStore;
  clock: () => Date;
  newId: (prefix: string) => string;
  /** Called after a commit that queued notices (the dispatcher moves them to the queue). */
  onOutbox?: () => void;
  /**
   * The channels notice workers are sending on now (src/notices/channel-health.ts). Approval is refused while a
   * party has no working channel. Absent: every channel the council uses is taken to work (tests, development).
   */
  workingChannels?: () => Promise<Channel[]>;
  /** Signs every new head of the chain (from the process's settings; never stored in Redis). */
  ledgerKey?: LedgerKey;
  /** Where every signed head is checkpointed outside Redis, and read back for verification. */
  checkpoints?: CheckpointLog;
  /** A checkpoint could not be written: the commit stands, and the process should say so loudly. */
  onCheckpointError?: (err: Error) => void;
}

/** The append-only checkpoint file (checkpoint-store.ts), or a stand-in in unit tests. */
export interface CheckpointLog {
  append(cp: Checkpoint): void;
  read(): { checkpoints: Checkpoint[]; problems: string[] };
}

export const DETAILS_WITHHELD = 'withheld here: open the request to read its details (the read is recorded)';

function withoutDetails(event: AuditEvent): AuditEvent {
  if (event.entity.kind !== 'request') return event;
  const hide = (state: unknown) =>
    state && typeof state === 'object' && 'details' in state ? { ...(state as Record<string, unknown>), details: DETAILS_WITHHELD } : state;
  return { ...event, before: hide(event.before), after: hide(event.after) };
}

/** An audit event for the office page: the event, and what it means in words. */
export type EventForReading = AuditEvent & EventInWords & { actorName: string };

/** A refused decline (same matter as another group's invitation the officer accepted): the office must act. */
export interface RefusalItem {
  invitationId: string;
  officer: { id: string; name: string };
  partyName: string;
  acceptedPartyName: string;
  acceptedAt?: string;
  reason?: string;
  refusedAt: string;
  /** Which refused decline of this invitation this is (1, 2…): marking it dealt with names it, so a newer one is not missed. */
  refusedDeclines: number;
  roundId: string;
  title: string;
  /** "Joanne Price declined the Conservative invitation — refused: same matter as Labour's, accepted 2 Dec". */
  text: string;
}

/** A session as the office sees it: names, the time in the council's zone, each officer's answer. */
export interface OfficeSession {
  id: string;
  offerId: string;
  when: string;
  venue: string;
  status: 'scheduled' | 'cancelled';
  material: { version: string; sha256: string };
  startsAt: string;
  endsAt: string;
  officers: {
    id: string;
    name: string;
    invitationId?: string;
    answer: Invitation['status'] | 'refused-decline';
    reason?: string;
    /** For a refused decline: the office marked it as dealt with. */
    dealtWith?: true;
  }[];
}

/** An officer's own invitation: the office's note on their refused decline is the office's record, not theirs. */
function withoutOfficeNote(invitation: Invitation): Invitation {
  if (!invitation.refusal?.dealtWith) return invitation;
  const { dealtWith: _officeNote, ...refusal } = invitation.refusal;
  return { ...invitation, refusal };
}

/** Reads of the whole ledger before verification gives up on a ledger that changes under it. */
const VERIFY_ATTEMPTS = 5;

export class BriefingService {
  readonly store: LedgerStore;
  readonly clock: () => Date;
  private ctx: DomainContext;
  private readonly onOutbox: (() => void) | undefined;
  private readonly workingChannels: (() => Promise<Channel[]>) | undefined;

  private readonly seal: HeadSeal;
  readonly ledgerKey: LedgerKey | undefined;
  private readonly checkpoints: CheckpointLog | undefined;

  constructor(opts: ServiceOptions) {
    this.store = opts.store;
    this.clock = opts.clock;
    this.onOutbox = opts.onOutbox;
    this.workingChannels = opts.workingChannels;
    this.ledgerKey = opts.ledgerKey;
    this.checkpoints = opts.checkpoints;
    const key = opts.ledgerKey;
    const log = opts.checkpoints;
    this.seal = {
      ...(key ? { sign: (head: AuditHead) => signHead(key, head) } : {}),
      ...(key && log
        ? {
            committed: (head: AuditHead) => {
              try {
                log.append(checkpointOf(key, head, this.clock().toISOString()));
              } catch (err) {
                opts.onCheckpointError?.(err as Error);
              }
            },
          }
        : {}),
    };
    this.ctx = { council: opts.council, settings: opts.settings ?? briefingSettings(opts.council), newId: opts.newId };
  }

  get council(): Council {
    return this.ctx.council;
  }

  get settings(): BriefingSettings {
    return this.ctx.settings;
  }

  /** A person's name from council.yaml ("Helen Carter"); services by what they are. */
  personName(id: string): string {
    if (id === 'system') return 'Probity';
    if (id === 'notices-worker') return 'The notice worker';
    return this.council.byId.get(id)?.name ?? id;
  }

  /** A party's name: a group's, an independent member's, or the independents'. */
  partyName(id: string): string {
    if (id === 'chief-executive') return 'the Chief Executive';
    if (id === JOINT_INDEPENDENTS) return 'Independent members';
    if (id.startsWith('ind-')) return this.council.byId.get(id.slice(4))?.name ?? id;
    return this.council.groups.find((g) => g.id === id)?.name ?? id;
  }

  /** Swap in a reloaded directory (a group formed): later commands and `refreshRound` see it. */
  setCouncil(council: Council): void {
    this.ctx = { ...this.ctx, council, settings: briefingSettings(council) };
  }

  private async run<T>(command: (tx: import('./ledger.js').Tx) => Promise<T>): Promise<T> {
    let queued = false;
    try {
      const { value } = await transact(
        this.store,
        this.clock,
        async (tx) => {
          const v = await command(tx);
          queued = tx.changes.outbox.length > 0;
          return v;
        },
        this.seal,
      );
      return value;
    } finally {
      if (queued) this.onOutbox?.();
    }
  }

  request(actor: Actor, input: RequestInput) {
    return this.run((tx) => createRequest(tx, this.ctx, actor, input));
  }
  async decide(actor: Actor, requestId: string, input: DecisionInput) {
    const ctx = input.decision === 'approve' ? await this.withWorkingChannels() : this.ctx;
    return this.run((tx) => decide(tx, ctx, actor, requestId, input));
  }

  private async withWorkingChannels(): Promise<DomainContext> {
    return this.workingChannels ? { ...this.ctx, workingChannels: await this.workingChannels() } : this.ctx;
  }

  /**
   * Whether a notice can reach each party now (the office sees this before the authoriser approves): the
   * channels that work for it, and in words why the others do not.
   */
  async reach(actor: Actor): Promise<PartyReach[]> {
    if (!isOffice(actor)) throw forbidden('delivery readiness is for the office');
    const ctx = await this.withWorkingChannels();
    return currentParties(ctx.council, ctx.settings).map((p) => partyReach(ctx, p, workingChannels(ctx)));
  }

  /** Notices that could not be sent (failed, or not deliverable), newest first, with who they were for and why. */
  async undelivered(actor: Actor): Promise<UndeliveredNotice[]> {
    if (!isOffice(actor)) throw forbidden('action items are for the office');
    const r = this.store.reader();
    const notices = (await r.getMany('notice', await r.index('notices'))).filter((n) => n.state === 'failed' || n.state === 'undeliverable');
    const offers = new Map((await r.getMany('offer', [...new Set(notices.flatMap((n) => (n.offerId ? [n.offerId] : [])))])).map((o) => [o.id, o]));
    const name = (id: string) => this.council.byId.get(id)?.name ?? id;
    const partyName = (n: Notice) =>
      (n.offerId ? offers.get(n.offerId)?.party.name : undefined) ??
      this.council.groups.find((g) => g.id === n.party)?.name ??
      (n.party === 'chief-executive' ? 'the Chief Executive' : n.party);
    return notices.reverse().map((n) =>
      undeliveredNotice(
        n,
        partyName(n),
        n.to.map((id) => ({ id, name: name(id) })),
      ),
    );
  }

  /**
   * Declines that were refused because the officer had accepted another group's invitation on the same matter,
   * while the invitation is still unanswered and the office has not marked the refusal as dealt with: the office
   * (and the chief executive) must take it up with them.
   */
  async refusals(actor: Actor): Promise<RefusalItem[]> {
    if (!isOffice(actor)) throw forbidden('action items are for the office');
    const r = this.store.reader();
    const refused = (await r.getMany('invitation', await r.index('invitations'))).filter((i) => i.refusal && !i.refusal.dealtWith && i.status === 'pending');
    const accepted = new Map(
      (
        await r.getMany(
          'invitation',
          refused.map((i) => i.refusal!.acceptedInvitationId),
        )
      ).map((i) => [i.id, i]),
    );
    const rounds = new Map((await r.getMany('round', [...new Set(refused.map((i) => i.roundId))])).map((x) => [x.id, x]));
    const tz = this.settings.timezone;
    return refused.reverse().map((i) => {
      const other = accepted.get(i.refusal!.acceptedInvitationId);
      const party = this.partyName(i.party);
      const otherParty = other ? this.partyName(other.party) : 'another group';
      const short = (name: string) => name.replace(/ Group$/, '');
      const acceptedOn = other?.respondedAt
        ? `, accepted ${new Intl.DateTimeFormat('en-GB', { timeZone: tz, day: 'numeric', month: 'short' }).format(new Date(other.respondedAt))}`
        : '';
      return {
        invitationId: i.id,
        officer: { id: i.officer, name: this.personName(i.officer) },
        partyName: party,
        acceptedPartyName: otherParty,
        ...(other?.respondedAt ? { acceptedAt: other.respondedAt } : {}),
        ...(i.refusal!.reason ? { reason: i.refusal!.reason } : {}),
        refusedAt: i.refusal!.at,
        refusedDeclines: i.refusedDeclines,
        roundId: i.roundId,
        title: rounds.get(i.roundId)?.title ?? '',
        text: `${this.personName(i.officer)} declined the ${short(party)} invitation — refused: same matter as ${short(otherParty)}’s${acceptedOn}`,
      };
    });
  }
  withdraw(actor: Actor, requestId: string) {
    return this.run((tx) => withdraw(tx, this.ctx, actor, requestId));
  }
  respondToOffer(actor: Actor, offerId: string, response: 'accept' | 'decline', details?: OfferAnswerDetails) {
    return this.run((tx) => respondToOffer(tx, this.ctx, actor, offerId, response, details));
  }
  refreshRound(actor: Actor, roundId: string) {
    return this.run((tx) => refreshRound(tx, this.ctx, actor, roundId));
  }
  /** After the directory changed: late offers in every open round to groups formed since it opened. */
  async refreshOpenRounds(): Promise<number> {
    const r = this.store.reader();
    const open = (await r.getMany('round', await r.index('rounds'))).filter((x) => x.status === 'open');
    let late = 0;
    for (const round of open) late += (await this.refreshRound({ id: 'system', role: 'system' }, round.id)).length;
    return late;
  }
  scheduleSession(actor: Actor, input: SessionInput) {
    return this.run((tx) => scheduleSession(tx, this.ctx, actor, input));
  }
  changeSession(actor: Actor, sessionId: string, change: SessionChange) {
    return this.run((tx) => changeSession(tx, this.ctx, actor, sessionId, change));
  }
  respondToInvitation(actor: Actor, invitationId: string, response: 'accept' | 'decline', reason?: string) {
    return this.run((tx) => respondToInvitation(tx, this.ctx, actor, invitationId, response, reason));
  }
  /** The office took a refused decline up with the officer: off "needs action", with its note on the record. */
  markRefusalDealtWith(actor: Actor, invitationId: string, note: string, seen?: number) {
    return this.run((tx) => markRefusalDealtWith(tx, this.ctx, actor, invitationId, note, seen));
  }
  followUp(actor: Actor, roundId: string, input: FollowUpInput) {
    return this.run((tx) => sendFollowUp(tx, this.ctx, actor, roundId, input));
  }
  expireOffer(offerId: string) {
    return this.run((tx) => expireOffer(tx, this.ctx, offerId));
  }
  remindOffer(offerId: string, reminder: number) {
    return this.run((tx) => remindOffer(tx, this.ctx, offerId, reminder));
  }
  recordDelivery(actorId: string, noticeId: string, report: DeliveryReport) {
    return this.run((tx) => recordDelivery(tx, actorId, noticeId, report));
  }
  recordRoundNoticesSettled(actorId: string, roundId: string) {
    return this.run((tx) => recordRoundNoticesSettled(tx, actorId, roundId));
  }

  // ---- queries ----

  /**
   * One request as the caller may see it. Its details are confidential to the requesting group and the office,
   * so every read of them is an event in the audit trail (`request.read`).
   */
  async getRequest(actor: Actor, id: string) {
    return this.run(async (tx) => {
      const request = await tx.get('request', id);
      if (!request) throw notFound(`no briefing request "${id}"`);
      let view;
      if (isOffice(actor)) {
        const round = request.roundId ? await this.roundView(request.roundId) : undefined;
        view = { ...request, ...(round ? { round } : {}) };
      } else if (actor.role === 'group-leader' && actor.group === request.group) {
        const round = request.roundId ? await tx.get('round', request.roundId) : undefined;
        const own = round ? await tx.get('offer', round.requesterOfferId) : undefined;
        view = groupRequestView(request, own);
      } else {
        // Another group, or an officer: the request's existence is not theirs to know.
        throw notFound(`no briefing request "${id}"`);
      }
      tx.record({
        actor: actor.id,
        action: 'request.read',
        entity: { kind: 'request', id },
        before: null,
        after: null,
        note: `details read (as ${actor.role})`,
      });
      return view;
    });
  }

  /** Requests without their confidential details (read one with getRequest, which is recorded). */
  async listRequests(actor: Actor, statuses?: BriefingRequest['status'][]): Promise<RequestSummary[]> {
    if (!isOffice(actor) && actor.role !== 'group-leader') throw forbidden('requests are for the office and the groups');
    const r = this.store.reader();
    const all = await r.getMany('request', await r.index('requests'));
    const visible = isOffice(actor) ? all : all.filter((q) => q.group === actor.group);
    return (statuses ? visible.filter((q) => statuses.includes(q.status)) : visible).map(({ details, ...summary }) => ({
      ...summary,
      detailsLength: details.length,
    }));
  }

  async roundView(roundId: string): Promise<RoundView> {
    const r = this.store.reader();
    const round = await r.get('round', roundId);
    if (!round) throw notFound(`no round "${roundId}"`);
    const offers = await r.getMany('offer', round.offerIds);
    const notices = await r.getMany(
      'notice',
      offers.flatMap((o) => o.noticeIds),
    );
    const sessions = await r.getMany(
      'session',
      offers.flatMap((o) => o.sessionIds),
    );
    return roundView(round, offers, notices, sessions);
  }

  /**
   * Rounds, newest first. With a page, only `limit` of them after the round `cursor` names (the last of the page
   * before), so one request's work is bounded however many rounds there are; an unknown cursor is a 400.
   */
  async listRounds(actor: Actor, page?: { cursor?: string; limit?: number }): Promise<RoundView[]> {
    if (!isOffice(actor)) throw forbidden('rounds are for the office');
    const ids = [...(await this.store.reader().index('rounds'))].reverse();
    let start = 0;
    if (page?.cursor !== undefined) {
      const at = ids.indexOf(page.cursor);
      if (at < 0) throw invalid(`cursor: no round "${page.cursor.slice(0, 64)}" to continue after`);
      start = at + 1;
    }
    const chosen = ids.slice(start, page?.limit === undefined ? undefined : start + page.limit);
    return Promise.all(chosen.map((id) => this.roundView(id)));
  }

  /**
   * Rounds as the office page shows them: each offer's time left in working days with its next reminder, in the
   * council's zone; each session with its time, venue and officers' answers by name; the follow-ups sent; and
   * notice problems in words.
   */
  async officeRounds(actor: Actor, page?: { cursor?: string; limit?: number }) {
    const rounds = await this.listRounds(actor, page);
    const r = this.store.reader();
    const tz = this.settings.timezone;
    const now = this.clock();
    const sessions = await r.getMany(
      'session',
      rounds.flatMap((x) => x.offers.flatMap((o) => o.sessionIds)),
    );
    const invitations = new Map(
      (
        await r.getMany(
          'invitation',
          sessions.flatMap((s) => s.invitationIds),
        )
      ).map((i) => [i.id, i]),
    );
    const followUps = await r.getMany(
      'follow-up',
      rounds.flatMap((x) => x.followUpIds),
    );
    return rounds.map((round) => ({
      ...round,
      openedByName: this.personName(round.openedBy),
      requestGroup: this.partyName(round.offers.find((o) => o.kind === 'requester')?.party.id ?? ''),
      offers: round.offers.map((o) => {
        const due: Due | undefined = dueText(now, o, workingCalendar(this.council));
        return {
          ...o,
          ...(due ? { due } : {}),
          ...(o.respondedBy ? { respondedByName: this.personName(o.respondedBy) } : {}),
          contactNames: o.party.contacts.map((id) => this.personName(id)),
          notices: o.notices.map((n) => ({ ...n, ...(n.lastError ? { problem: deliveryProblem(n.lastError) } : {}) })),
          sessions: sessions
            .filter((s) => s.offerId === o.id)
            .map((s): OfficeSession => ({
              id: s.id,
              offerId: s.offerId,
              when: sessionTime(s.startsAt, s.endsAt, tz),
              venue: s.venue,
              status: s.status,
              material: s.material,
              startsAt: s.startsAt,
              endsAt: s.endsAt,
              officers: s.officers.map((officer) => {
                const inv = s.invitationIds.map((id) => invitations.get(id)).find((i) => i?.officer === officer);
                return {
                  id: officer,
                  name: this.personName(officer),
                  ...(inv ? { invitationId: inv.id } : {}),
                  answer: inv ? (inv.status === 'pending' && inv.refusal ? 'refused-decline' : inv.status) : 'pending',
                  ...(inv?.reason ? { reason: inv.reason } : {}),
                  ...(inv?.status === 'pending' && inv.refusal?.dealtWith ? { dealtWith: true as const } : {}),
                };
              }),
            })),
        };
      }),
      followUps: followUps
        .filter((f) => f.roundId === round.id)
        .map((f) => ({
          id: f.id,
          at: f.at,
          by: this.personName(f.by),
          answer: f.answer,
          to: f.offerIds.map((id) => round.offers.find((o) => o.id === id)?.party.name ?? id),
        })),
    }));
  }

  /** A group's own offers, newest first. */
  async listOffers(actor: Actor): Promise<GroupOfferView[]> {
    if (actor.role !== 'group-leader') throw forbidden('offers are listed for a group; the office sees rounds');
    const r = this.store.reader();
    const rounds = await r.getMany('round', [...(await r.index('rounds'))].reverse());
    const views: GroupOfferView[] = [];
    for (const round of rounds) {
      const offers = (await r.getMany('offer', round.offerIds)).filter((o) => o.party.id === actor.group);
      for (const offer of offers) views.push(groupOfferView(offer, round, await r.getMany('session', offer.sessionIds)));
    }
    return views;
  }

  async getOffer(actor: Actor, offerId: string) {
    const r = this.store.reader();
    const offer = await r.get('offer', offerId);
    const visible = offer && (isOffice(actor) || (actor.role === 'group-leader' && actor.group === offer.party.id));
    if (!offer || !visible) throw notFound(`no offer "${offerId}"${actor.role === 'group-leader' ? ' for your group' : ''}`);
    const round = await r.get('round', offer.roundId);
    if (!round) throw notFound(`no round "${offer.roundId}"`);
    const sessions = await r.getMany('session', offer.sessionIds);
    if (isOffice(actor)) return { ...offer, title: round.title, sessions };
    return groupOfferView(offer, round, sessions);
  }

  async listInvitations(actor: Actor) {
    const r = this.store.reader();
    const all = await r.getMany('invitation', await r.index('invitations'));
    if (actor.role === 'officer') return all.filter((i) => i.officer === actor.id).map(withoutOfficeNote);
    if (isOffice(actor)) return all;
    throw forbidden('invitations are for officers and the office');
  }

  async register(actor: Actor): Promise<RegisterRow[]> {
    if (!isOffice(actor)) throw forbidden('the register is for the office, the authoriser and the Monitoring Officer');
    const r = this.store.reader();
    const rounds = await r.getMany('round', await r.index('rounds'));
    const offers = await r.getMany(
      'offer',
      rounds.flatMap((x) => x.offerIds),
    );
    const sessions = await r.getMany(
      'session',
      offers.flatMap((o) => o.sessionIds),
    );
    const notices = await r.getMany(
      'notice',
      offers.flatMap((o) => o.noticeIds),
    );
    return registerRows(rounds, offers, sessions, notices);
  }

  /**
   * Audit events for reading. A request's confidential details are left out of its events' before and after
   * (reading them is what getRequest records); the hashes are those of the whole events, which verifyAudit checks.
   */
  async audit(actor: Actor, fromSeq = 1, count = 200): Promise<AuditEvent[]> {
    if (!isOffice(actor)) throw forbidden('the audit trail is for the office, the authoriser and the Monitoring Officer');
    return (await this.store.auditEvents(fromSeq, count)).map(withoutDetails);
  }

  /** Audit events with what each means in words, names not ids (the office page's audit trail). */
  async auditInWords(actor: Actor, fromSeq = 1, count = 200): Promise<EventForReading[]> {
    const events = await this.audit(actor, fromSeq, count);
    const r = this.store.reader();
    const ids = { request: new Set<string>(), round: new Set<string>(), offer: new Set<string>(), invitation: new Set<string>() };
    for (const e of events) {
      const state = (e.after ?? e.before) as Record<string, unknown> | null;
      if (e.entity.kind === 'request') ids.request.add(e.entity.id);
      if (e.entity.kind === 'round') {
        ids.request.add(String((state as Round | null)?.requestId ?? ''));
        for (const id of (state as Round | null)?.offerIds ?? []) ids.offer.add(id);
      }
      if (e.entity.kind === 'offer' && state) ids.round.add(String((state as unknown as Offer).roundId));
      if (e.entity.kind === 'follow-up' && state) {
        ids.round.add(String(state.roundId));
        for (const id of (state.offerIds as string[]) ?? []) ids.offer.add(id);
      }
      if (e.entity.kind === 'invitation' && state) {
        const refusal = (state as unknown as Invitation).refusal;
        const fromNote = /accepted invitation (\S+?)(;|$)/.exec(e.note ?? '')?.[1];
        if (refusal) ids.invitation.add(refusal.acceptedInvitationId);
        else if (fromNote) ids.invitation.add(fromNote);
      }
    }
    const [requests, rounds, offers, invitations] = await Promise.all([
      r.getMany('request', [...ids.request].filter(Boolean)),
      r.getMany('round', [...ids.round]),
      r.getMany('offer', [...ids.offer]),
      r.getMany('invitation', [...ids.invitation]),
    ]);
    const by = <T extends { id: string }>(xs: T[]) => new Map(xs.map((x) => [x.id, x]));
    const [rq, rd, of, iv] = [by(requests), by(rounds), by(offers), by(invitations)];
    const ctx: WordsContext = {
      timeZone: this.settings.timezone,
      person: (id) => this.personName(id),
      party: (id) => this.partyName(id),
      request: (id) => rq.get(id),
      round: (id) => rd.get(id),
      offer: (id) => of.get(id),
      invitation: (id) => iv.get(id),
    };
    return events.map((e) => ({ ...e, ...describeEvent(e, ctx), actorName: this.personName(e.actor) }));
  }

  /** The daily checkpoint went to the Monitoring Officer (src/notices/checkpoint-mail.ts): on the record too. */
  recordCheckpointMailed(actorId: string, id: string, cp: Checkpoint, to: string, messageId: string) {
    return this.run(async (tx) => {
      tx.record({
        actor: actorId,
        action: 'ledger.checkpoint-mailed',
        entity: { kind: 'notice', id },
        before: null,
        after: null,
        note: `event ${cp.seq} (hash ${cp.hash}) mailed to ${to} as ${messageId}`,
      });
    });
  }

  /**
   * The whole ledger checked: the hash chain, the head's signature, the checkpoints kept outside Redis, and every
   * stored record against its events. Each problem names what is wrong.
   */
  async verifyAudit(actor: Actor): Promise<Integrity> {
    if (!isOffice(actor)) throw forbidden('the audit trail is for the office, the authoriser and the Monitoring Officer');
    // One whole verification at a time: callers who ask while one runs share its answer (it reads every event
    // and record, so a crowd asking at once must not multiply that work).
    this.verifying ??= this.verifyLedger().finally(() => (this.verifying = undefined));
    return this.verifying;
  }

  private verifying: Promise<Integrity> | undefined;

  /**
   * One page of the chain, events `from` to `from + limit - 1`: each linked to the one before, its hash, the head
   * (and its signature) when the page reaches it, and the checkpoints inside the page. Walking `next` to the end
   * checks the whole chain in bounded steps; the records are checked against their events only by verifyAudit.
   */
  async verifyAuditPage(actor: Actor, from: number, limit: number): Promise<IntegrityPage> {
    if (!isOffice(actor)) throw forbidden('the audit trail is for the office, the authoriser and the Monitoring Officer');
    const head = await this.store.head();
    if (from > head.seq + 1) throw invalid(`from: the trail ends at event ${head.seq}`);
    const read = await this.store.auditEvents(Math.max(1, from - 1), limit + (from > 1 ? 1 : 0));
    const link = from > 1 ? read[0] : undefined;
    if (from > 1 && !link) throw invalid(`from: no event ${from - 1} to link to`);
    const events = from > 1 ? read.slice(1) : read;
    const file = this.checkpoints?.read() ?? { checkpoints: [], problems: [] };
    return verifyChainPage({
      events,
      ...(link ? { link } : {}),
      head,
      ...(this.ledgerKey ? { key: this.ledgerKey } : {}),
      checkpoints: file.checkpoints,
      from,
    });
  }

  /** verifyAudit without the caller check, for the processes and the CLI. */
  async verifyLedger(): Promise<Integrity> {
    // The records must be read at the head the events end at: a commit between the reads means read again.
    let head = await this.store.head();
    let events: AuditEvent[];
    let records: Awaited<ReturnType<LedgerStore['records']>>;
    for (let attempt = 0; ; attempt++) {
      events = (await this.store.auditEvents()).slice(0, head.seq);
      records = await this.store.records();
      const after = await this.store.head();
      if (after.seq === head.seq && after.hash === head.hash) break;
      if (attempt >= VERIFY_ATTEMPTS) throw new DomainError('busy', 'the ledger kept changing while it was being verified; try again');
      head = after;
    }
    const file = this.checkpoints?.read() ?? { checkpoints: [], problems: [] };
    const result = verifyLedger({ events, head, records, ...(this.ledgerKey ? { key: this.ledgerKey } : {}), checkpoints: file.checkpoints });
    if (file.problems.length === 0) return result;
    const problems = [...file.problems, ...(result.ok ? [] : result.problems)];
    return { ok: false, count: events.length, seq: result.ok ? head.seq : result.seq, problem: problems[0]!, problems };
  }

  async notice(id: string): Promise<Notice | undefined> {
    return this.store.reader().get('notice', id);
  }
}
