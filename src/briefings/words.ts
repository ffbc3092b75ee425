/**
 * The ledger in words, for the office page: what each audit event means ("Claire Murray approved the Labour
 * Group's request “Local Plan review”"), how long an offer has left in the council's working days and time zone
 * ("3 working days left (reminder Wed 30 Dec)"), and why a notice was not delivered ("the council's mail server
 * could not be reached") rather than the transport's code ("SMTP ESOCKET").
 */
import type { AuditEvent } from './audit.js';
import type { BriefingRequest, FollowUp, Invitation, Notice, Offer, Round, Session } from './types.js';
import { localDate, type WorkingCalendar } from '../directory/working-days.js';

const short = (timeZone: string, opts: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('en-GB', { timeZone, ...opts });

/** "Wed 30 Dec". */
export function shortDay(iso: string, timeZone: string): string {
  return short(timeZone, { weekday: 'short', day: 'numeric', month: 'short' }).format(new Date(iso)).replace(',', '');
}

/** "2 Dec". */
export function dayMonth(iso: string, timeZone: string): string {
  return short(timeZone, { day: 'numeric', month: 'short' }).format(new Date(iso));
}

/** "17:00". */
export function hourMinute(iso: string, timeZone: string): string {
  return short(timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

/** "London time, GMT". */
export function zoneName(iso: string, timeZone: string): string {
  const city = (timeZone.split('/').at(-1) ?? timeZone).replace(/_/g, ' ');
  const abbreviation = short(timeZone, { timeZoneName: 'short' })
    .formatToParts(new Date(iso))
    .find((p) => p.type === 'timeZoneName')?.value;
  return abbreviation && abbreviation !== city ? `${city} time, ${abbreviation}` : `${city} time`;
}

/** "Tue 8 Dec, 17:00–18:00 (London time, GMT)". */
export function sessionTime(startsAt: string, endsAt: string, timeZone: string): string {
  const sameDay = localDate(new Date(startsAt), timeZone) === localDate(new Date(endsAt), timeZone);
  const end = sameDay ? hourMinute(endsAt, timeZone) : `${shortDay(endsAt, timeZone)}, ${hourMinute(endsAt, timeZone)}`;
  return `${shortDay(startsAt, timeZone)}, ${hourMinute(startsAt, timeZone)}–${end} (${zoneName(startsAt, timeZone)})`;
}

export interface Due {
  /** "3 working days left (reminder Wed 30 Dec)", "closes today at 18:00", "closed". */
  text: string;
  /** "18:00 Tue 1 Dec (London time, GMT)": the deadline itself, labelled with the council's zone. */
  deadline: string;
}

/** How long an open offer has left, in the council's working days, and when its next reminder goes. */
export function dueText(now: Date, offer: Pick<Offer, 'status' | 'expiresAt' | 'remindAt'>, calendar: WorkingCalendar): Due | undefined {
  if (!offer.expiresAt) return undefined;
  const timeZone = calendar.timezone;
  const deadline = `${hourMinute(offer.expiresAt, timeZone)} ${shortDay(offer.expiresAt, timeZone)} (${zoneName(offer.expiresAt, timeZone)})`;
  if (offer.status !== 'open' || now.getTime() >= Date.parse(offer.expiresAt)) return { text: 'closed', deadline };
  const today = localDate(now, timeZone);
  const last = localDate(new Date(offer.expiresAt), timeZone);
  const next = offer.remindAt.find((at) => Date.parse(at) > now.getTime());
  const reminder = next ? ` (reminder ${shortDay(next, timeZone)})` : ' (no reminder left)';
  if (last <= today) return { text: `closes today at ${hourMinute(offer.expiresAt, timeZone)}${reminder}`, deadline };
  const n = calendar.workingDaysBetween(today, last);
  return { text: `${n} working day${n === 1 ? '' : 's'} left${reminder}`, deadline };
}

/**
 * Why a notice was not delivered, in words for the office; the transport's own code follows in brackets so IT
 * can look it up. Unknown errors pass through as they are (they are already Probity's own sentences).
 */
export function deliveryProblem(error: string | undefined): string {
  if (!error) return 'not sent';
  const smtp = /^SMTP (\S+)$/.exec(error);
  if (smtp) {
    const code = smtp[1]!;
    const words: Record<string, string> = {
      ESOCKET: "the council's mail server could not be reached",
      ECONNECTION: "the council's mail server could not be reached",
      ECONNREFUSED: "the council's mail server refused the connection (is it running?)",
      ETIMEDOUT: "the council's mail server did not answer in time",
      EDNS: "the council's mail server's name could not be found",
      EAUTH: "the council's mail server did not accept Probity's user name and password",
      ETLS: "a secure connection to the council's mail server could not be made",
      EENVELOPE: 'the mail server refused the addresses',
      EMESSAGE: 'the mail server refused the message',
      error: 'the mail server gave an error',
    };
    if (words[code]) return `${words[code]} (${error})`;
    if (/^5\d\d$/.test(code)) return `the mail server refused it for good, for example an address that does not exist (${error})`;
    if (/^4\d\d$/.test(code)) return `the mail server asked Probity to try later (${error})`;
    return `the mail server gave an error (${error})`;
  }
  const slack = /^slack: (\S+)$/.exec(error);
  if (slack) {
    const code = slack[1]!;
    const words: Record<string, string> = {
      invalid_auth: "Slack did not accept Probity's bot token",
      not_authed: "Slack did not accept Probity's bot token",
      account_inactive: "Probity's Slack app has been switched off",
      token_revoked: "Probity's Slack bot token has been revoked",
      user_not_found: 'Slack does not know this person (check their Slack id in council.yaml)',
      user_disabled: "this person's Slack account is deactivated",
      cannot_dm_bot: 'the Slack id in council.yaml is a bot, not a person',
      missing_scope: 'the Slack app lacks a permission it needs (ask IT to reinstall it)',
      ratelimited: 'Slack asked Probity to slow down',
      ECONNREFUSED: 'Slack could not be reached',
      ETIMEDOUT: 'Slack did not answer in time',
      'request failed': 'Slack could not be reached',
    };
    return `${words[code] ?? 'Slack gave an error'} (${error})`;
  }
  return error;
}

const DECLINE_WORDS: Record<string, string> = {
  'not-council-business': 'not council business',
  'non-council-premises': 'premises the council does not own or control',
  'non-members-present': 'people who are not members would be present',
  'pre-election': 'the pre-election period',
  duplicate: 'a duplicate of another request',
};

export function declineReasonWords(reason: string | undefined): string {
  return reason ? (DECLINE_WORDS[reason] ?? reason) : 'no reason given';
}

const NOTICE_KIND: Record<Notice['kind'], string> = {
  offer: 'offer',
  reminder: 'reminder',
  approved: 'approval',
  declined: 'decline',
  deferred: 'deferral',
  session: 'session',
  invitation: 'invitation',
  'follow-up': 'follow-up',
  'same-matter': 'same-matter alert',
};

export function noticeKindWords(kind: Notice['kind']): string {
  return NOTICE_KIND[kind] ?? kind;
}

/** What describing an event needs: names, the council's zone, and the records events only point to. */
export interface WordsContext {
  timeZone: string;
  /** A person's name ("Helen Carter"), or a service's ("Probity"). */
  person(id: string): string;
  /** A party's name: a group ("Labour Group"), an independent member, or the independents. */
  party(id: string): string;
  request(id: string): BriefingRequest | undefined;
  round(id: string): Round | undefined;
  offer(id: string): Offer | undefined;
  invitation(id: string): Invitation | undefined;
}

export interface EventInWords {
  text: string;
  /** Bookkeeping that repeats another event (an offer gaining a session id, a notice queued): hidden by default. */
  minor: boolean;
}

/** The possessive of a party's name: "the Labour Group's", "Cllr Peter Grant's". */
function of(name: string): string {
  const the = /Group|Independents|independent members/.test(name) && !/^the /i.test(name) ? `the ${name}` : name;
  return `${the}’s`;
}

function the(name: string): string {
  return /Group|Independents|independent members/.test(name) && !/^the /i.test(name) ? `the ${name}` : name;
}

/** One event as a sentence a person can read. */
export function describeEvent(event: AuditEvent, ctx: WordsContext): EventInWords {
  const who = ctx.person(event.actor);
  const after = event.after as Record<string, unknown> | null;
  const before = event.before as Record<string, unknown> | null;
  const say = (text: string, minor = false): EventInWords => ({ text, minor });
  const tz = ctx.timeZone;
  const [kind, verb] = event.action.split('.') as [string, string];

  if (kind === 'request') {
    const r = ((after ?? before) as BriefingRequest | null) ?? ctx.request(event.entity.id);
    const matter = r ? `“${r.matter}”` : 'a request';
    const group = r ? of(ctx.party(r.group)) : 'a group’s';
    switch (verb) {
      case 'created':
        if (r && r.recordedBy !== r.requestedBy) {
          const received = r.received ? ` (received by ${r.received.via} ${dayMonth(r.received.at, tz)} ${hourMinute(r.received.at, tz)})` : '';
          return say(
            `${ctx.person(r.recordedBy)} recorded a written request from ${ctx.person(r.requestedBy)} for ${the(ctx.party(r.group))}${received}: ${matter}`,
          );
        }
        return say(`${r ? ctx.person(r.requestedBy) : who} asked for a briefing for ${r ? the(ctx.party(r.group)) : 'their group'}: ${matter}`);
      case 'approved':
        return say(`${who} approved ${group} request ${matter}: every other group is offered the same briefing`);
      case 'declined':
        return say(
          `${who} declined ${group} request ${matter} — ${declineReasonWords(r?.decision?.reason)}${r?.decision?.note ? ` (“${r.decision.note}”)` : ''}`,
        );
      case 'deferred':
        if (event.actor === 'system')
          return say(`${group[0]!.toUpperCase()}${group.slice(1)} request ${matter} was deferred automatically: ${event.note ?? 'pre-election period'}`);
        return say(
          `${who} deferred ${group} request ${matter}${r?.decision?.until ? ` until ${r.decision.until}` : ''}${r?.decision?.note ? ` (“${r.decision.note}”)` : ''}`,
        );
      case 'withdrawn':
        return say(`${who} withdrew ${group} request ${matter}; the other groups keep their offers`);
      case 'read':
        return say(`${who} read the confidential details of ${group} request ${matter}`);
    }
  }

  if (kind === 'round') {
    const round = ((after ?? before) as Round | null) ?? ctx.round(event.entity.id);
    const title = round ? `“${round.title}”` : 'a round';
    switch (verb) {
      case 'opened': {
        const requester = round ? ctx.request(round.requestId)?.group : undefined;
        const others = (round?.snapshot ?? []).filter((p) => p.id !== requester).map((p) => p.name);
        return say(`The briefing ${title} was offered to ${others.length ? others.join(', ') : 'every other group'}`);
      }
      case 'closed':
        return say(`The round ${title} closed: every offer has been answered or has expired`);
      case 'late-offers': {
        const added = ((after as Round | null)?.offerIds ?? []).filter((id) => !((before as Round | null)?.offerIds ?? []).includes(id));
        const names = added.map((id) => ctx.offer(id)?.party.name ?? 'a new group');
        return say(`${who} made late offers of ${title} to ${names.join(', ') || 'groups formed since it opened'}`);
      }
      case 'notices-settled':
        return say(`Every first notice of ${title} was sent or finally failed (${event.note ?? ''})`.replace(' ()', ''));
      case 'follow-up':
        return say(`${title} has a follow-up answer`, true);
    }
  }

  if (kind === 'offer') {
    const offer = ((after ?? before) as Offer | null) ?? ctx.offer(event.entity.id);
    const party = offer ? the(offer.party.name) : 'a group';
    const title = offer ? ctx.round(offer.roundId)?.title : undefined;
    const briefing = title ? `“${title}”` : 'the briefing';
    switch (verb) {
      case 'made':
        return say(
          `Offered ${briefing} to ${party}${offer?.expiresAt ? `, to answer by ${hourMinute(offer.expiresAt, tz)} ${shortDay(offer.expiresAt, tz)}` : ''}`,
          true,
        );
      case 'agreed':
        return say(`${party[0]!.toUpperCase()}${party.slice(1)} has the briefing it asked for: ${briefing}`, true);
      case 'made-late':
        return say(
          `Late offer of ${briefing} to ${party}${offer?.expiresAt ? `, to answer by ${hourMinute(offer.expiresAt, tz)} ${shortDay(offer.expiresAt, tz)}` : ''}`,
        );
      case 'accepted': {
        const times = offer?.proposedTimes?.length
          ? `; times that suit: ${offer.proposedTimes.map((t) => `${shortDay(t, tz)} ${hourMinute(t, tz)}`).join(', ')}`
          : '';
        return say(`${who} took up ${briefing} for ${party}${times}`);
      }
      case 'declined':
        return say(`${who} declined ${briefing} for ${party}`);
      case 'expired':
        return say(`The offer of ${briefing} to ${party} expired without an answer`);
      case 'reminded':
        return say(`${party[0]!.toUpperCase()}${party.slice(1)} was reminded to answer the offer of ${briefing}`);
      case 'withdrawn':
        return say(`${party[0]!.toUpperCase()}${party.slice(1)} no longer has its own briefing ${briefing} (request withdrawn)`, true);
      case 'session-added':
      case 'session-changed':
      case 'follow-up':
        return say(`${party[0]!.toUpperCase()}${party.slice(1)}’s offer: ${verb.replace('-', ' ')}`, true);
    }
  }

  if (kind === 'session') {
    const s = (after ?? before) as Session | null;
    const party = s ? the(ctx.party(s.party)) : 'a group';
    const when = s ? sessionTime(s.startsAt, s.endsAt, tz) : '';
    const officers = s ? s.officers.map((o) => ctx.person(o)).join(', ') : '';
    switch (verb) {
      case 'scheduled':
        return say(`${who} scheduled ${of(party)} session: ${when}, ${s?.venue ?? ''}, with ${officers}, material version ${s?.material.version ?? ''}`);
      case 'changed':
        return say(`${who} changed ${of(party)} session: now ${when}, ${s?.venue ?? ''}, material version ${s?.material.version ?? ''}`);
      case 'cancelled':
        return say(`${who} cancelled ${of(party)} session of ${when}`);
    }
  }

  if (kind === 'invitation') {
    const inv = (after ?? before) as Invitation | null;
    const party = inv ? ctx.party(inv.party).replace(/ Group$/, '') : 'a group';
    const officer = inv ? ctx.person(inv.officer) : 'An officer';
    switch (verb) {
      case 'sent':
        return say(`${officer} was invited to brief ${the(ctx.party(inv?.party ?? ''))}`);
      case 'updated':
        return say(`${officer}’s invitation was re-sent with the session’s changes`, true);
      case 'accepted':
        return say(`${who} accepted the ${party} invitation`);
      case 'declined':
        return say(`${who} declined the ${party} invitation${inv?.reason ? ` — “${inv.reason}”` : ''}`);
      case 'decline-refused': {
        const acceptedId = inv?.refusal?.acceptedInvitationId ?? /accepted invitation (\S+?)(;|$)/.exec(event.note ?? '')?.[1];
        const accepted = acceptedId ? ctx.invitation(acceptedId) : undefined;
        const acceptedParty = accepted ? ctx.party(accepted.party).replace(/ Group$/, '') : 'another group';
        const acceptedOn = accepted?.respondedAt ? `, accepted ${dayMonth(accepted.respondedAt, tz)}` : '';
        const reason = inv?.refusal?.reason ?? /reason given: (.*)$/.exec(event.note ?? '')?.[1];
        return say(
          `${who} declined the ${party} invitation — refused: same matter as ${acceptedParty}’s${acceptedOn}${reason ? `; their reason: “${reason}”` : ''}`,
        );
      }
      case 'refusal-dealt-with': {
        const note = inv?.refusal?.dealtWith?.note ?? event.note;
        return say(`${who} marked the refused decline as dealt with: ${note ? `“${note}”` : 'no note'} (${officer}, the ${party} invitation)`);
      }
    }
  }

  if (kind === 'follow-up') {
    const f = after as FollowUp | null;
    const title = f ? ctx.round(f.roundId)?.title : undefined;
    const names = (f?.offerIds ?? []).map((id) => ctx.offer(id)?.party.name ?? 'a group');
    return say(`${who} sent a follow-up answer on ${title ? `“${title}”` : 'the briefing'} to every group that took it up: ${names.join(', ')}`);
  }

  if (kind === 'notice') {
    const n = (after ?? before) as Notice | null;
    if (n) {
      const channel = n.channel === 'email' ? 'Email' : 'Slack message';
      const what = `${channel} (${noticeKindWords(n.kind)}) to ${n.party === 'chief-executive' ? 'the Chief Executive' : the(ctx.party(n.party))}${n.to.length ? ` — ${n.to.map((p) => ctx.person(p)).join(', ')}` : ''}`;
      switch (verb) {
        case 'queued':
          return say(`${what}: queued`, true);
        case 'sent':
          return say(`${what}: sent`, true);
        case 'retrying':
          return say(`${what}: not sent yet, trying again — ${deliveryProblem(n.lastError)}`, true);
        case 'failed':
          return say(`${what}: NOT SENT — ${deliveryProblem(n.lastError)}`);
        case 'undeliverable':
          return say(`${what}: cannot be sent — ${deliveryProblem(n.lastError)}`);
      }
    }
  }

  if (event.action === 'ledger.checkpoint-mailed') return say(`The day’s checkpoint of the record was mailed to the Monitoring Officer`);
  return say(`${who}: ${event.action.replace(/[.-]/g, ' ')}${event.note ? ` (${event.note})` : ''}`);
}
