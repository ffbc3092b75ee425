/**
 * What every command is given (the directory, the settings, an id source) and who is asking, plus the small
 * helpers the commands share: matter keys, neutral-text checks and planning notices.
 */
import type { Council } from '../directory/council.js';
import { invalid } from './errors.js';
import type { Tx } from './ledger.js';
import { mentionedName, namesOfGroups } from './parties.js';
import type { BriefingSettings } from './settings.js';
import type { Channel, Notice, NoticeKind, Party } from './types.js';

export interface DomainContext {
  council: Council;
  settings: BriefingSettings;
  /** A fresh id with this prefix (`br`, `rd`, `of`…). Random in production, a counter in tests. */
  newId(prefix: string): string;
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
 * Refuse a text that other groups will read if it names any group (or, for a request, the members who made
 * it): the notice to one group never names another group.
 */
export function assertNeutral(ctx: DomainContext, text: string, field: string, alsoNames: string[] = []): void {
  const names = [...namesOfGroups(ctx.council).flatMap((g) => g.names), ...alsoNames];
  const hit = mentionedName(text, names);
  if (hit) {
    throw invalid(`${field} names "${hit}"; other groups will read it, so it must not name a group or its members`, 'neutral-text');
  }
}

export function personName(ctx: DomainContext, id: string): string {
  return ctx.council.byId.get(id)?.name ?? id;
}

/** The channels on which a notice to these people can go. */
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

/** Create the notice records for a plan (one per channel the recipients can take) and return their ids. */
export function planNotices(tx: Tx, ctx: DomainContext, actor: Actor, plan: NoticePlan): string[] {
  const ids: string[] = [];
  for (const channel of channelsFor(ctx, plan.to)) {
    if (plan.channels && !plan.channels.includes(channel)) continue;
    const notice: Notice = {
      id: `${plan.stem}-${channel}`,
      kind: plan.kind,
      channel,
      party: plan.party,
      to: plan.to,
      ...plan.fields,
      state: 'queued',
      attempts: 0,
      createdAt: tx.nowIso,
    };
    tx.put('notice', undefined, notice, actor.id, 'notice.queued');
    ids.push(notice.id);
  }
  return ids;
}

export function contactsWithOfficers(party: Party, officers: string[]): string[] {
  return [...new Set([...party.contacts, ...officers])];
}
