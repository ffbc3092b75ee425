/**
 * What a notice may know. Each kind of notice is built from the records it needs and no more: an offer or a
 * reminder reads the offer and the round's neutral title, never the request, so the requesting group and its
 * discussion are not even in memory when another group's notice is written.
 */
import type { LedgerReader } from '../briefings/ledger.js';
import { neutralityNames, roundScope } from '../briefings/neutral-text.js';
import type { BriefingSettings } from '../briefings/settings.js';
import type { Notice, PartyKind, Session } from '../briefings/types.js';
import type { Council } from '../directory/council.js';

export interface Recipient {
  id: string;
  name: string;
  email?: string;
  slack?: string;
}

export interface NoticeContext {
  notice: Notice;
  council: { name: string; domain: string; timezone: string };
  recipients: Recipient[];
  /** Who the notice speaks to: the group's name, the independent member's own name, or the chief executive. */
  partyName: string;
  /** `independent`: one member addressed as themselves ("you"), not as "your group". */
  partyKind?: PartyKind;
  /**
   * Names this notice must not contain (neutral-text.ts, the same check the API makes); absent for the notices
   * that go back to the requesting group about its own request, and for the chief executive's.
   */
  neutralNames?: string[];
  /** Each recipient's own answer link (offers, reminders and officers' invitations), by person id. */
  links: Record<string, string>;
  /** Other officers invited to the same session (for an officer's invitation). */
  otherOfficers?: string[];
  title?: string;
  matter?: string;
  expiresAt?: string;
  authoriser?: string;
  decision?: { reason?: string; note?: string; until?: string; period?: string };
  session?: Session & { officerNames: string[] };
  followUpAnswer?: string;
  sameMatter?: { officer: string; acceptedGroup: string; declinedGroup: string; reason: string };
  organizer: { name: string; email: string };
}

/** Makes a person's answer link (src/http/offer-links.ts); the worker is given one. */
export interface AnswerLinks {
  offer(input: { offerId: string; party: string; person: string; expiresAt: string; noticeId: string }): string;
  invitation(input: { invitationId: string; party: string; person: string; expiresAt: string; noticeId: string }): string;
}

export interface ContextDeps {
  council: Council;
  settings: BriefingSettings;
  /** The service's public address. */
  publicUrl: string;
  /** Answer links; without them a notice asks people to reply to the office. */
  links?: AnswerLinks;
  /** The From: address; also the iCalendar organizer. */
  from: { name: string; email: string };
}

export class NoticeContextError extends Error {}

export async function buildContext(deps: ContextDeps, reader: LedgerReader, notice: Notice): Promise<NoticeContext> {
  const { council } = deps;
  const person = (id: string) => council.byId.get(id);
  const recipients: Recipient[] = notice.to.flatMap((id) => {
    const p = person(id);
    return p ? [{ id, name: p.name, ...(p.email ? { email: p.email } : {}), ...(p.slack ? { slack: p.slack } : {}) }] : [];
  });
  const base: NoticeContext = {
    notice,
    council: { name: council.council, domain: council.domain ?? 'probity.invalid', timezone: council.timezone },
    recipients,
    partyName: '',
    links: {},
    organizer: deps.from,
  };
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new NoticeContextError(`notice ${notice.id}: ${what} is missing from the ledger`);
    return value;
  };

  if (notice.kind === 'same-matter') {
    const invitation = need(await reader.get('invitation', need(notice.invitationId, 'invitation id')), 'invitation');
    const round = need(await reader.get('round', invitation.roundId), 'round');
    const onMatter = await reader.getMany('invitation', await reader.index(`matter-invitations:${invitation.matterKey}`));
    const accepted =
      onMatter.find((i) => i.id === invitation.refusal?.acceptedInvitationId) ??
      onMatter.find((i) => i.officer === invitation.officer && i.party !== invitation.party && i.status === 'accepted');
    const partyName = (id: string) => round.snapshot.find((p) => p.id === id)?.name ?? council.groups.find((g) => g.id === id)?.name ?? id;
    return {
      ...base,
      partyName: 'the Chief Executive',
      title: round.title,
      sameMatter: {
        officer: person(invitation.officer)?.name ?? invitation.officer,
        acceptedGroup: accepted ? partyName(accepted.party) : 'another group',
        declinedGroup: partyName(invitation.party),
        reason: invitation.refusal?.reason ?? 'none given',
      },
    };
  }

  if (notice.kind === 'declined' || notice.kind === 'deferred') {
    // The requester's own notices: the request is theirs.
    const request = need(await reader.get('request', need(notice.requestId, 'request id')), 'request');
    const group = council.groups.find((g) => g.id === request.group);
    // No neutral-text check: the requesting group reads its own request's words.
    return {
      ...base,
      partyName: group?.name ?? request.group,
      partyKind: 'group',
      matter: request.matter,
      ...(request.decision ? { authoriser: person(request.decision.by)?.name ?? request.decision.by } : {}),
      decision: {
        ...(request.decision?.reason ? { reason: request.decision.reason } : {}),
        ...(request.decision?.note ? { note: request.decision.note } : {}),
        ...(request.decision?.until ? { until: request.decision.until } : {}),
        ...(request.autoDeferred && request.decision === undefined ? { period: request.autoDeferred.period } : {}),
      },
    };
  }

  const offer = need(await reader.get('offer', need(notice.offerId, 'offer id')), 'offer');
  const round = need(await reader.get('round', offer.roundId), 'round');
  const ctx: NoticeContext = {
    ...base,
    partyName: offer.party.name,
    partyKind: offer.party.kind,
    neutralNames: neutralityNames(council, { ...(await roundScope(reader, round)), recipient: offer.party }),
    title: round.title,
    ...(offer.expiresAt ? { expiresAt: offer.expiresAt } : {}),
  };
  if ((notice.kind === 'offer' || notice.kind === 'reminder') && deps.links && offer.expiresAt) {
    for (const r of recipients) {
      ctx.links[r.id] = deps.links.offer({ offerId: offer.id, party: offer.party.id, person: r.id, expiresAt: offer.expiresAt, noticeId: notice.id });
    }
  }
  if (notice.kind === 'approved') {
    ctx.authoriser = person(round.openedBy)?.name ?? round.openedBy;
  }
  if (notice.kind === 'session') {
    const session = need(await reader.get('session', need(notice.sessionId, 'session id')), 'session');
    // A notice planned for an earlier SEQUENCE but sent after a change carries the current session: the
    // calendar then holds the latest details whichever invite arrives last.
    ctx.session = { ...session, officerNames: session.officers.map((id) => person(id)?.name ?? id) };
  }
  if (notice.kind === 'invitation') {
    const session = need(await reader.get('session', need(notice.sessionId, 'session id')), 'session');
    const invitation = need(await reader.get('invitation', need(notice.invitationId, 'invitation id')), 'invitation');
    ctx.session = { ...session, officerNames: session.officers.map((id) => person(id)?.name ?? id) };
    ctx.otherOfficers = session.officers.filter((id) => id !== invitation.officer).map((id) => person(id)?.name ?? id);
    if (deps.links && session.status === 'scheduled') {
      ctx.links[invitation.officer] = deps.links.invitation({
        invitationId: invitation.id,
        party: invitation.party,
        person: invitation.officer,
        expiresAt: session.endsAt,
        noticeId: notice.id,
      });
    }
  }
  if (notice.kind === 'follow-up') {
    const followUp = need(await reader.get('follow-up', need(notice.followUpId, 'follow-up id')), 'follow-up');
    ctx.followUpAnswer = followUp.answer;
  }
  return ctx;
}
