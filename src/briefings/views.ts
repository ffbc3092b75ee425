/**
 * What each reader may see. The office, the authoriser and the Monitoring Officer see everything; a group sees
 * its own requests and its own offers only, never another group's offer, the requesting group of an offer it was
 * made, or what that group asked about. The register is the office's proof of the equal offer.
 */
import { deliveryProblem } from './words.js';
import type { Actor } from './context.js';
import type { BriefingRequest, Notice, Offer, Round, Session } from './types.js';
import { toCsv } from '../export/csv.js';

export const OFFICE_ROLES = new Set(['ce-office', 'authoriser', 'monitoring-officer']);
export const isOffice = (actor: Actor) => OFFICE_ROLES.has(actor.role);

export interface NoticeStatus {
  id: string;
  kind: Notice['kind'];
  channel: Notice['channel'];
  state: Notice['state'];
  attempts: number;
  sentAt?: string;
  lastError?: string;
}

export function noticeStatus(n: Notice): NoticeStatus {
  return {
    id: n.id,
    kind: n.kind,
    channel: n.channel,
    state: n.state,
    attempts: n.attempts,
    ...(n.sentAt ? { sentAt: n.sentAt } : {}),
    ...(n.lastError ? { lastError: n.lastError } : {}),
  };
}

export interface GroupOfferView {
  id: string;
  roundId: string;
  title: string;
  party: { id: string; name: string };
  kind: Offer['kind'];
  status: Offer['status'];
  offeredAt: string;
  expiresAt?: string;
  respondedAt?: string;
  proposedTimes?: string[];
  answerNote?: string;
  sessions: Pick<Session, 'id' | 'venue' | 'startsAt' | 'endsAt' | 'material' | 'status' | 'sequence'>[];
}

/** A group's view of its own offer: the neutral title and its own sessions, nothing about who asked. */
export function groupOfferView(offer: Offer, round: Round, sessions: Session[]): GroupOfferView {
  return {
    id: offer.id,
    roundId: offer.roundId,
    title: round.title,
    party: { id: offer.party.id, name: offer.party.name },
    kind: offer.kind === 'late' ? 'offer' : offer.kind,
    status: offer.status,
    offeredAt: offer.offeredAt,
    ...(offer.expiresAt ? { expiresAt: offer.expiresAt } : {}),
    ...(offer.respondedAt ? { respondedAt: offer.respondedAt } : {}),
    ...(offer.proposedTimes ? { proposedTimes: offer.proposedTimes } : {}),
    ...(offer.answerNote ? { answerNote: offer.answerNote } : {}),
    sessions: sessions
      .filter((s) => s.offerId === offer.id)
      .map(({ id, venue, startsAt, endsAt, material, status, sequence }) => ({ id, venue, startsAt, endsAt, material, status, sequence })),
  };
}

export interface OfficeOfferView extends Offer {
  notices: NoticeStatus[];
}

export function officeOfferView(offer: Offer, notices: Notice[]): OfficeOfferView {
  const byId = new Map(notices.map((n) => [n.id, n]));
  return { ...offer, notices: offer.noticeIds.flatMap((id) => (byId.has(id) ? [noticeStatus(byId.get(id)!)] : [])) };
}

export interface RoundView extends Omit<Round, 'offerIds'> {
  offers: OfficeOfferView[];
  materialConsistent: boolean;
}

export function roundView(round: Round, offers: Offer[], notices: Notice[], sessions: Session[]): RoundView {
  const { offerIds, ...rest } = round;
  const byId = new Map(offers.map((o) => [o.id, o]));
  return {
    ...rest,
    offers: offerIds.flatMap((id) => (byId.has(id) ? [officeOfferView(byId.get(id)!, notices)] : [])),
    materialConsistent: materialConsistent(sessions),
  };
}

/** Every scheduled session of a round used the same material (same SHA-256). */
export function materialConsistent(sessions: Session[]): boolean {
  return new Set(sessions.filter((s) => s.status === 'scheduled').map((s) => s.material.sha256)).size <= 1;
}

/** A request as its own group sees it: its own request, without other groups' offers. */
export function groupRequestView(request: BriefingRequest, ownOffer?: Offer) {
  return { ...request, ...(ownOffer ? { offer: { id: ownOffer.id, status: ownOffer.status } } : {}) };
}

export interface RegisterRow {
  roundId: string;
  requestId: string;
  title: string;
  openedAt: string;
  roundStatus: string;
  party: string;
  partyName: string;
  offerKind: string;
  requester: boolean;
  offerStatus: string;
  offeredAt: string;
  expiresAt: string;
  respondedAt: string;
  sessions: number;
  sessionTimes: string;
  venues: string;
  officers: string;
  materialVersions: string;
  materialSha256: string;
  materialConsistent: boolean;
  /**
   * Whether this party was told, per channel: `email sent; slack not deliverable`. Each channel's word is the worst
   * of its notices: sent, pending, failed or not deliverable.
   */
  delivery: string;
  noticesSent: number;
  noticesPending: number;
  noticesFailed: number;
  noticesUndeliverable: number;
  followUps: number;
}

export type DeliverySummary = 'sent' | 'pending' | 'failed' | 'not deliverable' | 'none';

/** `email sent; slack failed`: each channel's worst state, in the order the channels first appear. */
export function deliveryByChannel(notices: Pick<Notice, 'state' | 'channel'>[]): string {
  const channels = [...new Set(notices.map((n) => n.channel))];
  return channels.map((c) => `${c} ${deliverySummary(notices.filter((n) => n.channel === c))}`).join('; ');
}

/** The worst state among a party's notices: one not deliverable or failed is what the office must act on. */
export function deliverySummary(notices: Pick<Notice, 'state'>[]): DeliverySummary {
  if (notices.length === 0) return 'none';
  if (notices.some((n) => n.state === 'undeliverable')) return 'not deliverable';
  if (notices.some((n) => n.state === 'failed')) return 'failed';
  if (notices.some((n) => n.state === 'queued')) return 'pending';
  return 'sent';
}

export function registerRows(rounds: Round[], offers: Offer[], sessions: Session[], notices: Notice[]): RegisterRow[] {
  const offersById = new Map(offers.map((o) => [o.id, o]));
  const noticesById = new Map(notices.map((n) => [n.id, n]));
  const rows: RegisterRow[] = [];
  for (const round of rounds) {
    const roundSessions = sessions.filter((s) => s.roundId === round.id);
    const consistent = materialConsistent(roundSessions);
    for (const offerId of round.offerIds) {
      const offer = offersById.get(offerId);
      if (!offer) continue;
      const own = roundSessions.filter((s) => s.offerId === offer.id && s.status === 'scheduled');
      // The party's own notices: officers' invitations are about its session but go to the officers.
      const own_notices = offer.noticeIds.map((id) => noticesById.get(id)).filter((n) => n !== undefined && n.kind !== 'invitation') as Notice[];
      rows.push({
        roundId: round.id,
        requestId: round.requestId,
        title: round.title,
        openedAt: round.openedAt,
        roundStatus: round.status,
        party: offer.party.id,
        partyName: offer.party.name,
        offerKind: offer.kind,
        requester: offer.kind === 'requester',
        offerStatus: offer.status,
        offeredAt: offer.offeredAt,
        expiresAt: offer.expiresAt ?? '',
        respondedAt: offer.respondedAt ?? '',
        sessions: own.length,
        sessionTimes: own.map((s) => `${s.startsAt}/${s.endsAt}`).join(' '),
        venues: own.map((s) => s.venue).join(' | '),
        officers: [...new Set(own.flatMap((s) => s.officers))].join(' '),
        materialVersions: own.map((s) => s.material.version).join(' '),
        materialSha256: own.map((s) => s.material.sha256).join(' '),
        materialConsistent: consistent,
        delivery: deliveryByChannel(own_notices),
        noticesSent: own_notices.filter((n) => n.state === 'sent').length,
        noticesPending: own_notices.filter((n) => n.state === 'queued').length,
        noticesFailed: own_notices.filter((n) => n.state === 'failed').length,
        noticesUndeliverable: own_notices.filter((n) => n.state === 'undeliverable').length,
        followUps: round.followUpIds.length,
      });
    }
  }
  return rows;
}

const REGISTER_COLUMNS: (keyof RegisterRow)[] = [
  'roundId',
  'requestId',
  'title',
  'openedAt',
  'roundStatus',
  'party',
  'partyName',
  'offerKind',
  'requester',
  'offerStatus',
  'offeredAt',
  'expiresAt',
  'respondedAt',
  'sessions',
  'sessionTimes',
  'venues',
  'officers',
  'materialVersions',
  'materialSha256',
  'materialConsistent',
  'delivery',
  'noticesSent',
  'noticesPending',
  'noticesFailed',
  'noticesUndeliverable',
  'followUps',
];

/** The register as CSV (export/csv.ts: RFC 4180, formula injection neutralised). */
export function registerCsv(rows: RegisterRow[]): string {
  return toCsv(
    REGISTER_COLUMNS,
    rows.map((r) => REGISTER_COLUMNS.map((c) => r[c])),
  );
}

/** A notice that could not be sent: an item for the office to act on. */
export interface UndeliveredNotice {
  noticeId: string;
  kind: Notice['kind'];
  channel: Notice['channel'];
  state: 'failed' | 'not deliverable';
  party: string;
  partyName: string;
  to: { id: string; name: string }[];
  /** Why, in words ("the council's mail server could not be reached (SMTP ESOCKET)", "no Slack id for Cllr Priya Moss"). */
  reason: string;
  /** The transport's own words ("SMTP ESOCKET"), for IT. */
  detail?: string;
  roundId?: string;
  offerId?: string;
  requestId?: string;
  invitationId?: string;
  attempts: number;
  createdAt: string;
}

export function undeliveredNotice(n: Notice, partyName: string, to: { id: string; name: string }[]): UndeliveredNotice {
  return {
    noticeId: n.id,
    kind: n.kind,
    channel: n.channel,
    state: n.state === 'undeliverable' ? 'not deliverable' : 'failed',
    party: n.party,
    partyName,
    to,
    reason: deliveryProblem(n.lastError),
    ...(n.lastError ? { detail: n.lastError } : {}),
    ...(n.roundId ? { roundId: n.roundId } : {}),
    ...(n.offerId ? { offerId: n.offerId } : {}),
    ...(n.requestId ? { requestId: n.requestId } : {}),
    ...(n.invitationId ? { invitationId: n.invitationId } : {}),
    attempts: n.attempts,
    createdAt: n.createdAt,
  };
}
