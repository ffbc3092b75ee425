/**
 * Turn a notice's context into what is sent: email subject and text, the Slack text, and the iCalendar invite
 * for a session. The last step is a guard: a notice to a group that names another party or a member of the group
 * that asked is refused (never sent), whatever slipped through upstream.
 */
import { escapeMrkdwn } from '../slack/blocks.js';
import { nameIn } from '../briefings/neutral-text.js';
import type { Council } from '../directory/council.js';
import type { NoticeContext, Recipient } from './context.js';
import { sessionInvite } from './ical.js';
import { ANSWER_TEXT, DECLINE_REASON_TEXT, fill, TEMPLATES, type Template } from './templates.js';

export interface RenderedNotice {
  subject: string;
  text: string;
  slack: string;
  /** The recipient's own answer link, when the notice has one (the Slack buttons carry it). */
  link?: string;
  ical?: { method: 'REQUEST' | 'CANCEL'; content: string; filename: string };
}

export class ConfidentialityError extends Error {
  constructor(
    readonly noticeId: string,
    readonly leaked: string,
  ) {
    // The message names the notice, not the leaked words (which may be political data).
    super(`notice ${noticeId} would name another group or member; it was not sent`);
    this.name = 'ConfidentialityError';
  }
}

export function formatWhen(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

/** "18:00" in the zone. */
export function formatTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

/** "London time, GMT": the zone's city and its abbreviation at that instant, so a time is never unlabelled. */
export function zoneLabel(iso: string, timeZone: string): string {
  const city = (timeZone.split('/').at(-1) ?? timeZone).replace(/_/g, ' ');
  const abbreviation = new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'short' })
    .formatToParts(new Date(iso))
    .find((p) => p.type === 'timeZoneName')?.value;
  return abbreviation && abbreviation !== city ? `${city} time, ${abbreviation}` : `${city} time`;
}

/** "18:00 on Tuesday 1 December 2026 (London time, GMT)". */
export function formatDeadline(iso: string, timeZone: string): string {
  const day = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(iso));
  return `${formatTime(iso, timeZone)} on ${day} (${zoneLabel(iso, timeZone)})`;
}

function reasonText(ctx: NoticeContext): string {
  const d = ctx.decision ?? {};
  if (ctx.notice.kind === 'declined') return DECLINE_REASON_TEXT[d.reason ?? ''] ?? 'see the note below.';
  if (d.period) return fill(DECLINE_REASON_TEXT['deferred-pre-election']!, { period: d.period });
  if (d.until) return fill(DECLINE_REASON_TEXT['deferred-until']!, { until: d.until });
  return DECLINE_REASON_TEXT.deferred!;
}

function answerText(ctx: NoticeContext, recipient: Recipient | undefined): string {
  const link = recipient ? ctx.links[recipient.id] : undefined;
  if (ctx.notice.kind === 'invitation') return link ? fill(ANSWER_TEXT.invitation, { link }) : fill(ANSWER_TEXT.office, { from: ctx.organizer.email });
  return link ? fill(ANSWER_TEXT.offer, { link }) : fill(ANSWER_TEXT.office, { from: ctx.organizer.email });
}

function values(ctx: NoticeContext, recipient: Recipient | undefined): Record<string, string> {
  const tz = ctx.council.timezone;
  const s = ctx.session;
  const individual = ctx.partyKind === 'independent';
  const others = ctx.otherOfficers ?? [];
  return {
    council: ctx.council.name,
    name: recipient?.name ?? ctx.partyName,
    party: ctx.partyName,
    theParty: individual || ctx.partyKind === undefined ? ctx.partyName : `the ${ctx.partyName}`,
    you: individual ? 'you' : 'your group',
    your: individual ? 'your' : 'its',
    title: ctx.title ?? '',
    matter: ctx.matter ?? '',
    expires: ctx.expiresAt ? formatDeadline(ctx.expiresAt, tz) : '',
    answer: answerText(ctx, recipient),
    authoriser: ctx.authoriser ?? 'the authorising director',
    reason: ctx.sameMatter ? ctx.sameMatter.reason : reasonText(ctx),
    note: ctx.decision?.note ? `Note: ${ctx.decision.note}` : '',
    start: s ? formatWhen(s.startsAt, tz) : '',
    end: s ? formatWhen(s.endsAt, tz) : '',
    endTime: s ? formatTime(s.endsAt, tz) : '',
    zone: s ? zoneLabel(s.startsAt, tz) : '',
    venue: s?.venue ?? '',
    officers: s ? s.officerNames.join(', ') : '',
    otherOfficers: others.length ? fill(ANSWER_TEXT.otherOfficers, { names: others.join(', ') }) : ANSWER_TEXT.noOtherOfficers,
    materialVersion: s?.material.version ?? '',
    materialSha: s?.material.sha256 ?? '',
    followUp: ctx.followUpAnswer ?? '',
    officer: ctx.sameMatter?.officer ?? '',
    acceptedGroup: ctx.sameMatter?.acceptedGroup ?? '',
    declinedGroup: ctx.sameMatter?.declinedGroup ?? '',
  };
}

function templateFor(ctx: NoticeContext): Template {
  const cancelled = ctx.session?.status === 'cancelled';
  if (ctx.notice.kind === 'session' && cancelled) return TEMPLATES['session-cancelled'];
  if (ctx.notice.kind === 'invitation' && cancelled) return TEMPLATES['invitation-cancelled'];
  return TEMPLATES[ctx.notice.kind];
}

/**
 * Render the notice for one recipient (each contact gets their own copy, with their own answer link); without
 * one, for the first. The last step is the neutral-text check (neutral-text.ts) on everything that will be
 * sent, links aside: the same check, on the same names, that the API made when the words were typed.
 */
export function renderNotice(_council: Council, ctx: NoticeContext, recipient: Recipient | undefined = ctx.recipients[0]): RenderedNotice {
  const template = templateFor(ctx);
  const v = values(ctx, recipient);
  const rendered: RenderedNotice = {
    subject: fill(template.subject, v),
    text: fill(template.text, v).replace(/\n{3,}/g, '\n\n'),
    // Slack reads <!channel>, <url|label> and *bold* in text: every value people typed goes in escaped.
    slack: fill(template.slack, Object.fromEntries(Object.entries(v).map(([k, x]) => [k, escapeMrkdwn(x)]))),
  };
  const link = recipient ? ctx.links[recipient.id] : undefined;
  if (link) rendered.link = link;
  if (ctx.session) {
    const invite = sessionInvite({
      session: ctx.session,
      title: ctx.title ?? '',
      partyName: ctx.partyName,
      domain: ctx.council.domain,
      organizer: ctx.organizer,
      attendees: ctx.recipients,
      stamp: ctx.notice.createdAt,
      description: rendered.text,
    });
    rendered.ical = { ...invite, filename: 'briefing.ics' };
  }
  if (ctx.neutralNames) {
    const all = [rendered.subject, rendered.text, rendered.slack, rendered.ical?.content ?? ''].join('\n').replace(/https?:\/\/\S+/g, ' ');
    const leaked = nameIn(all, ctx.neutralNames);
    if (leaked) throw new ConfidentialityError(ctx.notice.id, leaked);
  }
  return rendered;
}
