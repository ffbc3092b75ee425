/**
 * Answering through a link (offer-links.ts): what the person sees, in plain words, and the answer itself. The API's
 * answer route (answer.route.ts) serves it to the page and, as JSON, to the Slack app's buttons (ApiLinkAnswers
 * below, src/slack/listeners/actions/briefing-answer.action.ts), so a group leader, an independent member or an
 * officer answers the same way wherever they click.
 *
 * A link acts as the person it was sent to: a group's contact answers for the party (`group-leader` for its own
 * offer), an officer for their own invitation. Its nonce is claimed before the answer is made and given back if
 * the answer is refused (the offer had closed, the same-matter rule), so a refused answer does not use the link up.
 */
import { DomainError, conflict } from '../briefings/errors.js';
import type { BriefingService } from '../briefings/service.js';
import type { Invitation, Offer, Session } from '../briefings/types.js';
import { localDate, workingCalendar, zonedInstant, type WorkingCalendar } from '../directory/working-days.js';
import { formatDeadline, formatTime, formatWhen, zoneLabel } from '../notices/render.js';
import { ANSWER_PATH, verifyLink, type LinkClaims, type LinkKeys, type NonceStore } from './offer-links.js';

export interface LinkAnswerDeps {
  service: BriefingService;
  keys: LinkKeys;
  nonces: NonceStore;
  clock: () => Date;
}

export interface UsedLink {
  answer: string;
  at: string;
  via: 'page' | 'slack';
}

interface Common {
  council: string;
  person: { id: string; name: string };
  title: string;
  /** This link gave its answer already. */
  used?: UsedLink & { when: string };
  /** Whether an answer can still be given through this link. */
  canAnswer: boolean;
  /** The answer on record, in words ("Accepted by Cllr Tom Webb on …"), if any. */
  answered?: string;
}

export interface OfferPage extends Common {
  kind: 'offer';
  party: { id: string; name: string; individual: boolean };
  status: Offer['status'];
  /** "18:00 on Tuesday 1 December 2026 (London time, GMT)". */
  deadline: string;
  /** "3 working days left", "closes today at 18:00", "closed". */
  timeLeft: string;
  proposedTimes: string[];
  zone: string;
}

export interface InvitationPage extends Common {
  kind: 'invitation';
  partyName: string;
  status: Invitation['status'];
  sessionStatus: Session['status'];
  when: string;
  venue: string;
  materialVersion: string;
  otherOfficers: string[];
  reason?: string;
}

export type LinkPage = OfferPage | InvitationPage;

/** Why a link shows no page: 404 for one that is not ours (nothing said about why), 410 for one that lapsed. */
export class LinkRefused extends Error {
  constructor(
    readonly status: 404 | 410,
    message: string,
  ) {
    super(message);
    this.name = 'LinkRefused';
  }
}

export type OfferAnswer = { response: 'accept' | 'decline' | 'propose'; times?: string[]; note?: string };

/** An answer given with a button (Slack): accept or decline, and what the link now shows. */
export interface ButtonAnswer {
  title: string;
  /** The answer on record, in words ("Accepted by Cllr Tom Webb on …"). */
  answered?: string;
}

/**
 * What the Slack app needs: read a link (to check whom it was made for) and answer through it. The Slack app
 * holds no ledger key, so it answers through the API's answer route (`ApiLinkAnswers`).
 */
export interface ButtonAnswers {
  claims(token: string): Promise<LinkClaims>;
  answer(token: string, response: 'accept' | 'decline'): Promise<ButtonAnswer>;
}
export type InvitationAnswer = { response: 'accept' | 'decline'; reason?: string };

const NOT_OURS =
  "This link does not open anything. It may have been copied wrongly: use the link in your own email or Slack message, or ask the Chief Executive's Office.";
/** A used nonce is kept a while after the link lapses, so the page can still say it was used. */
const USED_KEPT_MS = 30 * 24 * 3600 * 1000;

export class LinkAnswers {
  constructor(private readonly deps: LinkAnswerDeps) {}

  private get council() {
    return this.deps.service.council;
  }

  private name(id: string): string {
    return this.council.byId.get(id)?.name ?? id;
  }

  private when(iso: string): string {
    return formatWhen(iso, this.council.timezone);
  }

  /** Verify a token and find what it speaks for; a lapsed link is told apart from one that is not ours. */
  async claims(token: string): Promise<LinkClaims> {
    const checked = verifyLink(this.deps.keys, token, Math.floor(this.deps.clock().getTime() / 1000));
    if (!checked.ok) {
      if (checked.reason === 'expired') {
        const closed = this.when(new Date(checked.claims.exp * 1000).toISOString());
        throw new LinkRefused(
          410,
          checked.claims.k === 'o'
            ? `This offer closed at ${closed} and its link no longer works. Your group may still ask the Chief Executive's Office in writing for a briefing of its own.`
            : `This invitation's session has passed (${closed}), so its link no longer works.`,
        );
      }
      throw new LinkRefused(404, NOT_OURS);
    }
    return checked.claims;
  }

  private async used(claims: LinkClaims): Promise<(UsedLink & { when: string }) | undefined> {
    const raw = await this.deps.nonces.used(claims.n);
    if (!raw) return undefined;
    try {
      const used = JSON.parse(raw) as UsedLink;
      return { ...used, when: this.when(used.at) };
    } catch {
      return undefined;
    }
  }

  private async offerFor(claims: LinkClaims): Promise<Offer> {
    const offer = await this.deps.service.store.reader().get('offer', claims.id);
    // The link names the party and the person: both must still match the offer it names.
    if (!offer || offer.party.id !== claims.p || !offer.party.contacts.includes(claims.u)) throw new LinkRefused(404, NOT_OURS);
    return offer;
  }

  private async invitationFor(claims: LinkClaims): Promise<{ invitation: Invitation; session: Session }> {
    const r = this.deps.service.store.reader();
    const invitation = await r.get('invitation', claims.id);
    if (!invitation || invitation.officer !== claims.u || invitation.party !== claims.p) throw new LinkRefused(404, NOT_OURS);
    const session = await r.get('session', invitation.sessionId);
    if (!session) throw new LinkRefused(404, NOT_OURS);
    return { invitation, session };
  }

  /** What the person sees on opening the link. */
  async page(token: string): Promise<LinkPage> {
    const claims = await this.claims(token);
    return claims.k === 'o' ? this.offerPage(claims) : this.invitationPage(claims);
  }

  private async offerPage(claims: LinkClaims): Promise<OfferPage> {
    const offer = await this.offerFor(claims);
    const round = await this.deps.service.store.reader().get('round', offer.roundId);
    if (!round) throw new LinkRefused(404, NOT_OURS);
    const tz = this.council.timezone;
    const now = this.deps.clock();
    const expiresAt = offer.expiresAt ?? new Date(claims.exp * 1000).toISOString();
    const open = offer.status === 'open' && now.getTime() < Date.parse(expiresAt) && round.status === 'open';
    const used = await this.used(claims);
    const verb: Partial<Record<Offer['status'], string>> = { accepted: 'Accepted', declined: 'Declined', expired: 'Lapsed unanswered', withdrawn: 'Withdrawn' };
    const answered =
      offer.status === 'expired'
        ? `Lapsed unanswered at ${this.when(offer.respondedAt ?? expiresAt)}`
        : verb[offer.status] && offer.respondedAt
          ? `${verb[offer.status]} by ${this.name(offer.respondedBy ?? '')} on ${this.when(offer.respondedAt)}`
          : undefined;
    return {
      kind: 'offer',
      council: this.council.council,
      person: { id: claims.u, name: this.name(claims.u) },
      party: { id: offer.party.id, name: offer.party.name, individual: offer.party.kind === 'independent' },
      title: round.title,
      status: offer.status,
      deadline: formatDeadline(expiresAt, tz),
      timeLeft: open ? timeLeft(now, expiresAt, workingCalendar(this.council)) : 'closed',
      proposedTimes: (offer.proposedTimes ?? []).map((t) => this.when(t)),
      zone: zoneLabel(now.toISOString(), tz),
      canAnswer: open && !used,
      ...(used ? { used } : {}),
      ...(answered ? { answered } : {}),
    };
  }

  private async invitationPage(claims: LinkClaims): Promise<InvitationPage> {
    const { invitation, session } = await this.invitationFor(claims);
    const r = this.deps.service.store.reader();
    const round = await r.get('round', invitation.roundId);
    const offer = await r.get('offer', session.offerId);
    const tz = this.council.timezone;
    const used = await this.used(claims);
    const scheduled = session.status === 'scheduled' && this.deps.clock().getTime() < Date.parse(session.endsAt);
    return {
      kind: 'invitation',
      council: this.council.council,
      person: { id: claims.u, name: this.name(claims.u) },
      partyName: offer?.party.name ?? invitation.party,
      title: round?.title ?? '',
      status: invitation.status,
      sessionStatus: session.status,
      when: `${this.when(session.startsAt)} to ${formatTime(session.endsAt, tz)} (${zoneLabel(session.startsAt, tz)})`,
      venue: session.venue,
      materialVersion: session.material.version,
      otherOfficers: session.officers.filter((id) => id !== invitation.officer).map((id) => this.name(id)),
      ...(invitation.reason ? { reason: invitation.reason } : {}),
      canAnswer: scheduled && !used && invitation.status === 'pending',
      ...(used ? { used } : {}),
      ...(invitation.respondedAt ? { answered: `${invitation.status === 'accepted' ? 'Accepted' : 'Declined'} on ${this.when(invitation.respondedAt)}` } : {}),
    };
  }

  /** Answer an offer through its link. Refusals are DomainErrors (409 with the rule) or LinkRefused. */
  async answerOffer(token: string, answer: OfferAnswer, via: UsedLink['via']): Promise<Offer> {
    const claims = await this.claims(token);
    if (claims.k !== 'o') throw new LinkRefused(404, NOT_OURS);
    const offer = await this.offerFor(claims);
    const times = answer.response === 'propose' ? (answer.times ?? []).filter((t) => t.trim()).map((t) => this.localToIso(t)) : [];
    if (answer.response === 'propose' && times.length === 0) throw new DomainError('invalid', 'give at least one date and time that would suit', 'no-times');
    return this.once(claims, answer.response, via, () =>
      this.deps.service.respondToOffer(
        { id: claims.u, role: 'group-leader', group: offer.party.id },
        offer.id,
        answer.response === 'decline' ? 'decline' : 'accept',
        {
          ...(times.length ? { proposedTimes: times } : {}),
          ...(answer.note?.trim() ? { note: answer.note } : {}),
        },
      ),
    );
  }

  /** Answer an officer's invitation through its link. */
  async answerInvitation(token: string, answer: InvitationAnswer, via: UsedLink['via']): Promise<Invitation> {
    const claims = await this.claims(token);
    if (claims.k !== 'i') throw new LinkRefused(404, NOT_OURS);
    const { invitation } = await this.invitationFor(claims);
    return this.once(claims, answer.response, via, () =>
      this.deps.service.respondToInvitation({ id: claims.u, role: 'officer' }, invitation.id, answer.response, answer.reason?.trim() || undefined),
    );
  }

  /** Claim the link's nonce, make the answer, give the nonce back if the answer is refused. */
  private async once<T>(claims: LinkClaims, answer: string, via: UsedLink['via'], act: () => Promise<T>): Promise<T> {
    const now = this.deps.clock();
    const record: UsedLink = { answer, at: now.toISOString(), via };
    const earlier = await this.deps.nonces.claim(claims.n, JSON.stringify(record), claims.exp * 1000 - now.getTime() + USED_KEPT_MS);
    if (earlier) {
      let said = 'an answer';
      try {
        const used = JSON.parse(earlier) as UsedLink;
        said = `"${used.answer}" on ${this.when(used.at)}`;
      } catch {
        // keep the plain wording
      }
      throw conflict(`this link has already been used to answer (${said}); each link gives one answer`, 'link-used');
    }
    try {
      return await act();
    } catch (err) {
      await this.deps.nonces.release(claims.n);
      throw err;
    }
  }

  /** A `datetime-local` value ("2026-12-02T17:30"), read as the council's local time. */
  private localToIso(value: string): string {
    const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})$/.exec(value.trim());
    if (!m) throw new DomainError('invalid', `"${value}" is not a date and time`, 'bad-time');
    return zonedInstant(m[1]!, Number(m[2]), this.council.timezone, Number(m[3])).toISOString();
  }
}

/** "3 working days left (to 18:00 on Tuesday)", or "closes today at 18:00". */
export function timeLeft(now: Date, expiresAt: string, calendar: WorkingCalendar): string {
  const timeZone = calendar.timezone;
  const today = localDate(now, timeZone);
  const last = localDate(new Date(expiresAt), timeZone);
  if (last <= today) return `closes today at ${formatTime(expiresAt, timeZone)}`;
  const n = calendar.workingDaysBetween(today, last);
  return `${n} working day${n === 1 ? '' : 's'} left`;
}

/**
 * The Slack app's way to answer: it checks the link itself (the keys are shared) and posts the answer to the API's
 * answer route, which writes the ledger (signed heads and checkpoints stay with the API and the worker).
 */
export class ApiLinkAnswers implements ButtonAnswers {
  constructor(
    private readonly keys: LinkKeys,
    private readonly apiUrl: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async claims(token: string): Promise<LinkClaims> {
    const checked = verifyLink(this.keys, token, Math.floor(this.clock().getTime() / 1000));
    if (checked.ok) return checked.claims;
    if (checked.reason === 'expired') throw new LinkRefused(410, 'this link has lapsed: the offer or session it was for has closed');
    throw new LinkRefused(404, NOT_OURS);
  }

  async answer(token: string, response: 'accept' | 'decline'): Promise<ButtonAnswer> {
    const res = await fetch(`${this.apiUrl.replace(/\/$/, '')}${ANSWER_PATH}${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ response, via: 'slack' }),
      signal: AbortSignal.timeout(2500), // Slack wants its answer within 3 s
    });
    const body = (await res.json().catch(() => ({}))) as { message?: string; rule?: string; title?: string; answered?: string };
    if (res.ok) return { title: body.title ?? '', ...(body.answered ? { answered: body.answered } : {}) };
    if (res.status === 404 || res.status === 410) throw new LinkRefused(res.status, body.message ?? NOT_OURS);
    const code = res.status === 409 ? 'conflict' : res.status === 400 ? 'invalid' : res.status === 403 ? 'forbidden' : 'busy';
    throw new DomainError(code, body.message ?? `the answer was not recorded (${res.status})`, body.rule);
  }
}
