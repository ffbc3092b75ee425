/**
 * Turn a notice's context into what is sent: email subject and text, the Slack text, and the iCalendar invite
 * for a session. The last step is a guard: a notice to a group that names another group, or a councillor
 * outside the group, is refused (never sent), whatever slipped through upstream.
 */
import { escapeMrkdwn } from '../slack/blocks.js';
import { mentionedName } from '../briefings/parties.js';
import type { Council } from '../directory/council.js';
import type { NoticeContext } from './context.js';
import { sessionInvite } from './ical.js';
import { DECLINE_REASON_TEXT, fill, TEMPLATES, type Template } from './templates.js';

export interface RenderedNotice {
  subject: string;
  text: string;
  slack: string;
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

function reasonText(ctx: NoticeContext): string {
  const d = ctx.decision ?? {};
  if (ctx.notice.kind === 'declined') return DECLINE_REASON_TEXT[d.reason ?? ''] ?? 'see the note below.';
  if (d.period) return fill(DECLINE_REASON_TEXT['deferred-pre-election']!, { period: d.period });
  if (d.until) return fill(DECLINE_REASON_TEXT['deferred-until']!, { until: d.until });
  return DECLINE_REASON_TEXT.deferred!;
}

function values(ctx: NoticeContext): Record<string, string> {
  const tz = ctx.council.timezone;
  const s = ctx.session;
  return {
    council: ctx.council.name,
    party: ctx.partyName,
    title: ctx.title ?? '',
    matter: ctx.matter ?? '',
    expires: ctx.expiresAt ? formatWhen(ctx.expiresAt, tz) : '',
    respondUrl: ctx.respondUrl,
    authoriser: ctx.authoriser ?? 'the authorising director',
    reason: ctx.sameMatter ? ctx.sameMatter.reason : reasonText(ctx),
    note: ctx.decision?.note ? `Note: ${ctx.decision.note}` : '',
    start: s ? formatWhen(s.startsAt, tz) : '',
    end: s ? formatWhen(s.endsAt, tz) : '',
    venue: s?.venue ?? '',
    officers: s ? s.officerNames.join(', ') : '',
    materialVersion: s?.material.version ?? '',
    materialSha: s?.material.sha256 ?? '',
    answer: ctx.followUpAnswer ?? '',
    officer: ctx.sameMatter?.officer ?? '',
    acceptedGroup: ctx.sameMatter?.acceptedGroup ?? '',
    declinedGroup: ctx.sameMatter?.declinedGroup ?? '',
  };
}

/** Names a notice to this party must not contain: other groups (names, aliases) and councillors outside it. */
function forbiddenNames(council: Council, ctx: NoticeContext): string[] {
  const own = new Set(ctx.partyMembers);
  const ownGroup = council.groups.find((g) => g.name === ctx.partyName);
  return [
    ...council.groups.filter((g) => g !== ownGroup).flatMap((g) => [g.name, ...g.aliases]),
    ...council.people.filter((p) => p.role === 'councillor' && !own.has(p.id)).map((p) => p.name),
  ];
}

export function renderNotice(council: Council, ctx: NoticeContext): RenderedNotice {
  const kind = ctx.notice.kind === 'session' && ctx.session?.status === 'cancelled' ? 'session-cancelled' : ctx.notice.kind;
  const template: Template = TEMPLATES[kind];
  const v = values(ctx);
  const rendered: RenderedNotice = {
    subject: fill(template.subject, v),
    text: fill(template.text, v).replace(/\n{3,}/g, '\n\n'),
    // Slack reads <!channel>, <url|label> and *bold* in text: every value people typed goes in escaped.
    slack: fill(template.slack, Object.fromEntries(Object.entries(v).map(([k, x]) => [k, escapeMrkdwn(x)]))),
  };
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
  // The chief executive's routing notice is internal and must name the groups involved; every other notice is
  // read by one group and must name no other.
  if (ctx.notice.kind !== 'same-matter') {
    const all = [rendered.subject, rendered.text, rendered.slack, rendered.ical?.content ?? ''].join('\n');
    const leaked = mentionedName(all, forbiddenNames(council, ctx));
    if (leaked) throw new ConfidentialityError(ctx.notice.id, leaked);
  }
  return rendered;
}
