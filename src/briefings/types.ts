/**
 * The briefing ledger's records. Plain data: every record is stored as JSON and every change to one is an audit
 * event. Times are ISO-8601 strings in UTC; calendar dates are `YYYY-MM-DD` in the council's zone.
 */

/** Why the authoriser may decline a request (002 5.x, 004 9.5, and the council's own practice). */
export const DECLINE_REASONS = ['not-council-business', 'non-council-premises', 'non-members-present', 'pre-election', 'duplicate'] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

export type RequestStatus = 'pending' | 'deferred' | 'approved' | 'declined' | 'withdrawn';

export interface BriefingRequest {
  id: string;
  /** The matter, as a neutral title ("Local Plan review: housing sites"). Shared with other groups. */
  matter: string;
  /** Normalised matter, the key for the same-matter rule and duplicates. */
  matterKey: string;
  /** What the group wants to cover. Confidential to the requesting group and the council's officers. */
  details: string;
  group: string;
  requestedBy: string;
  /** Who recorded it (the requester, or the chief executive's office entering a written request). */
  recordedBy: string;
  /** The council's designated recipient the request is addressed to. */
  recipient: string;
  /** Officers the group would like to brief it. */
  officers: string[];
  premises: { councilControlled: boolean; description?: string };
  nonMembersPresent: boolean;
  preferredDate?: string;
  requestedAt: string;
  /**
   * A written request the office recorded: when it reached the council and how (the member's email or letter).
   * Absent when the group made the request itself (requestedAt is then when it asked).
   */
  received?: { at: string; via: ReceivedVia };
  status: RequestStatus;
  decision?: Decision;
  /** Set when a pre-election period deferred the request automatically. */
  autoDeferred?: { reason: 'pre-election'; period: string };
  roundId?: string;
  withdrawnAt?: string;
}

/** How a written request the office records reached the council. */
export const RECEIVED_VIA = ['email', 'letter'] as const;
export type ReceivedVia = (typeof RECEIVED_VIA)[number];

export type DecisionKind = 'approve' | 'decline' | 'defer';

export interface Decision {
  kind: DecisionKind;
  by: string;
  at: string;
  reason?: DeclineReason;
  note?: string;
  /** For defer: the date to look at it again. */
  until?: string;
  overridePreElection?: boolean;
}

export type PartyKind = 'group' | 'independent' | 'independents';

/** A group (or independent member, or the independents jointly) as it stood when the round opened. */
export interface Party {
  id: string;
  kind: PartyKind;
  name: string;
  members: string[];
  /** Who notices go to: leader and deputy, or every member where the group has named neither. */
  contacts: string[];
}

export type RoundStatus = 'open' | 'closed';

export interface Round {
  id: string;
  requestId: string;
  matterKey: string;
  /** The neutral title every group sees. Never names a group. */
  title: string;
  openedAt: string;
  openedBy: string;
  status: RoundStatus;
  closedAt?: string;
  /** The parties at approval, requester included. */
  snapshot: Party[];
  offerIds: string[];
  requesterOfferId: string;
  followUpIds: string[];
  /** When every first notice of the round had been sent or had finally failed (the flow's parent ran). */
  noticesSettledAt?: string;
}

export type OfferKind = 'requester' | 'offer' | 'late';
export type OfferStatus = 'agreed' | 'open' | 'accepted' | 'declined' | 'expired' | 'withdrawn';

export interface Offer {
  id: string;
  roundId: string;
  kind: OfferKind;
  party: Party;
  status: OfferStatus;
  offeredAt: string;
  /** End of the last working day to answer (absent for the requester's own briefing). */
  expiresAt?: string;
  /** When reminders go, for an open offer. */
  remindAt: string[];
  respondedAt?: string;
  respondedBy?: string;
  /** Times the party proposed when it took the offer up (ISO instants), for the office to arrange the session. */
  proposedTimes?: string[];
  /** A short note the party added to its answer. */
  answerNote?: string;
  sessionIds: string[];
  /** Ids of the notices sent about this offer, in order. */
  noticeIds: string[];
}

export interface Material {
  version: string;
  sha256: string;
}

export interface Session {
  id: string;
  roundId: string;
  offerId: string;
  party: string;
  officers: string[];
  venue: string;
  startsAt: string;
  endsAt: string;
  material: Material;
  /** iCalendar SEQUENCE: 0 when first sent, +1 on every change. */
  sequence: number;
  status: 'scheduled' | 'cancelled';
  invitationIds: string[];
  createdAt: string;
  updatedAt: string;
}

export type InvitationStatus = 'pending' | 'accepted' | 'declined';

/** An officer's invitation to brief one group's session. */
export interface Invitation {
  id: string;
  sessionId: string;
  roundId: string;
  matterKey: string;
  party: string;
  officer: string;
  status: InvitationStatus;
  respondedAt?: string;
  /** The reason an officer gave with their answer. */
  reason?: string;
  refusedDeclines: number;
  /**
   * The last decline that was refused (same matter as another group's invitation the officer accepted): when,
   * the officer's own reason, and that accepted invitation. An item for the office until the officer accepts or
   * the office marks it as dealt with (who, when, and its one-line note); a later refused decline replaces it.
   */
  refusal?: { at: string; reason?: string; acceptedInvitationId: string; dealtWith?: RefusalDealtWith };
  /** The officer's own invitation notices (one per version of the session). */
  noticeIds?: string[];
}

/** The office's record that a refused decline was taken up with the officer: who, when, and how (one line). */
export interface RefusalDealtWith {
  by: string;
  at: string;
  note: string;
}

export interface FollowUp {
  id: string;
  roundId: string;
  answer: string;
  material?: Material;
  by: string;
  at: string;
  /** The offers it went to: every party that took the briefing up. */
  offerIds: string[];
}

export type Channel = 'email' | 'slack';
export type NoticeKind = 'offer' | 'reminder' | 'approved' | 'declined' | 'deferred' | 'session' | 'invitation' | 'follow-up' | 'same-matter';
/**
 * `undeliverable`: it cannot be sent as things stand (no address on this channel, or the channel is not set up on
 * the notice worker); like `failed`, it is an item for the office to act on, never a silent skip.
 */
export type DeliveryState = 'queued' | 'sent' | 'failed' | 'undeliverable';

export interface Notice {
  id: string;
  kind: NoticeKind;
  channel: Channel;
  /** The party (group id) the notice is for, or `chief-executive` for the routing notice. */
  party: string;
  to: string[];
  roundId?: string;
  offerId?: string;
  requestId?: string;
  sessionId?: string;
  sessionSequence?: number;
  followUpId?: string;
  invitationId?: string;
  reminder?: number;
  state: DeliveryState;
  attempts: number;
  messageId?: string;
  lastError?: string;
  createdAt: string;
  sentAt?: string;
}

export type EntityKind = 'request' | 'round' | 'offer' | 'session' | 'invitation' | 'follow-up' | 'notice';

export interface EntityMap {
  request: BriefingRequest;
  round: Round;
  offer: Offer;
  session: Session;
  invitation: Invitation;
  'follow-up': FollowUp;
  notice: Notice;
}
