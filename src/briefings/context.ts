/**
 * What every command is given (the directory, the settings, an id source) and who is asking, plus the small
 * helpers the commands share: matter keys, neutral-text checks and planning notices.
 */
import type { Council } from '../directory/council.js';
import { invalid } from './errors.js';
import type { Tx } from './ledger.js';
import { nameIn, neutralityNames, oneLineProblem, textProblem, type NeutralityScope } from './neutral-text.js';
import { currentParties, partyOfGroup } from './parties.js';
import { CHANNEL_LABEL } from './reach.js';
import type { BriefingSettings } from './settings.js';
import type { Channel, Notice, NoticeKind } from './types.js';

export interface DomainContext {
  council: Council;
  settings: BriefingSettings;
  /** A fresh id with this prefix (`br`, `rd`, `of`…). Random in production, a counter in tests. */
  newId(prefix: string): string;
  /** The channels notice workers are sending on now (reach.ts); absent: every channel the council uses. */
  workingChannels?: Channel[];
}

export type ActorRole = 'ce-office' | 'authoriser' | 'monitoring-officer' | 'group-leader' | 'officer' | 'checker' | 'system';

export interface Actor {
  /** Person id (or service name for `system`). */
  id: string;
  role: ActorRole;
  /** For `group-leader`: the party the token speaks for. */
  group?: string;
}

export const SYSTEM: Actor = { id: 'system', role: 'system' };

/** Lower case, single spaces, no punctuation: "Local Plan – Review!" and "local plan review" are one matter. */
export function matterKey(matter: string): string {
  return matter
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Refuse a text that other groups will read if it names a party, an independent member offered the briefing, or
 * a member of the requesting group (see neutral-text.ts; the notice worker runs the same check before sending).
 * Without a scope, the parties are the directory's as they stand and the requester is `requesterGroup`'s party.
 */
export function assertNeutral(ctx: DomainContext, text: string, field: string, scope: Partial<NeutralityScope> & { requesterGroup?: string } = {}): void {
  const requester = scope.requester ?? (scope.requesterGroup ? partyOfGroup(ctx.council, ctx.settings, scope.requesterGroup) : undefined);
  const names = neutralityNames(ctx.council, {
    parties: scope.parties ?? currentParties(ctx.council, ctx.settings),
    ...(requester ? { requester } : {}),
    ...(scope.recipient ? { recipient: scope.recipient } : {}),
  });
  const hit = nameIn(text, names);
  if (hit) {
    throw invalid(
      `${field} names "${hit}"; other groups will read it, so it must not name a group, an independent member or a member of the group that asked`,
      'neutral-text',
    );
  }
}

/** Refuse a line break or control character in a one-line field (a title, a venue, a version, a reason). */
export function assertOneLine(field: string, value: string | undefined): void {
  if (value === undefined) return;
  const problem = oneLineProblem(value);
  if (problem) throw invalid(`${field}: ${problem}`, 'one-line');
}

/** Refuse control characters (other than tab and line breaks) in a text field. */
export function assertText(field: string, value: string | undefined): void {
  if (value === undefined) return;
  const problem = textProblem(value);
  if (problem) throw invalid(`${field}: ${problem}`, 'control-character');
}

export function personName(ctx: DomainContext, id: string): string {
  return ctx.council.byId.get(id)?.name ?? id;
}

/** The channels the council uses on which at least one of these people has an address. */
export function channelsFor(ctx: DomainContext, people: string[]): Channel[] {
  const found = people.map((id) => ctx.council.byId.get(id)).filter((p) => p !== undefined);
  const channels: Channel[] = [];
  if (ctx.settings.channels.includes('email') && found.some((p) => p.email)) channels.push('email');
  if (ctx.settings.channels.includes('slack') && found.some((p) => p.slack)) channels.push('slack');
  return channels;
}

export interface NoticePlan {
  kind: NoticeKind;
  /** Stable stem of the notice id; the channel is appended. Deterministic so a retried command reuses it. */
  stem: string;
  party: string;
  to: string[];
  fields: Partial<Pick<Notice, 'roundId' | 'offerId' | 'requestId' | 'sessionId' | 'sessionSequence' | 'followUpId' | 'invitationId' | 'reminder'>>;
  /** Restrict to some channels (the iCalendar invite only goes by email, Slack gets a note). */
  channels?: Channel[];
}

/**
 * Create the notice records for a plan (one per channel the recipients can take) and return their ids. When the
 * recipients have no address on any channel the plan may use, one notice is still recorded, as `undeliverable`
 * with the reason, so the office sees that these people were not told.
 */
export function planNotices(tx: Tx, ctx: DomainContext, actor: Actor, plan: NoticePlan): string[] {
  const record = (channel: Channel, state: 'queued' | 'undeliverable', lastError?: string): string => {
    const notice: Notice = {
      id: `${plan.stem}-${channel}`,
      kind: plan.kind,
      channel,
      party: plan.party,
      to: plan.to,
      ...plan.fields,
      state,
      attempts: 0,
      ...(lastError ? { lastError } : {}),
      createdAt: tx.nowIso,
    };
    tx.put('notice', undefined, notice, actor.id, `notice.${state}`);
    tx.addIndex('notices', notice.id, tx.now.getTime());
    return notice.id;
  };
  const allowed = plan.channels ?? ctx.settings.channels;
  const channels = channelsFor(ctx, plan.to).filter((c) => allowed.includes(c));
  if (channels.length > 0) return channels.map((c) => record(c, 'queued'));
  // Listed with the others, so the offer and the register show it; the worker leaves it alone.
  const names = plan.to.map((id) => personName(ctx, id)).join(', ') || 'nobody';
  const wanted = allowed.map((c) => CHANNEL_LABEL[c].address).join(' or ') || 'channel';
  return [record(allowed[0] ?? 'email', 'undeliverable', `no ${wanted} for ${names}`)];
}
