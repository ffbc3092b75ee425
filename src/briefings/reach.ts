/**
 * Whether a notice can reach a party: a party is reachable when at least one of its contacts has an address on a
 * channel the council uses (`briefings.channels`) and a notice worker is sending on that channel. A round cannot
 * open while a party is unreachable, and the office sees which party and why before the authoriser approves.
 */
import type { DomainContext } from './context.js';
import { conflict } from './errors.js';
import type { Channel, Party } from './types.js';

export const CHANNEL_LABEL: Record<Channel, { address: string; name: string; setup: string }> = {
  email: { address: 'email address', name: 'Email', setup: 'an SMTP relay (SMTP_URL or SMTP_HOST)' },
  slack: { address: 'Slack id', name: 'Slack', setup: 'a Slack bot token (SLACK_BOT_TOKEN)' },
};

export interface PartyReach {
  party: string;
  name: string;
  /** Channels on which a notice to this party can go now. */
  channels: Channel[];
  /** Why a channel cannot be used, in words, one item per channel. */
  problems: string[];
  reachable: boolean;
}

const list = (names: string[]) => (names.length <= 2 ? names.join(' and ') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`);

/** The channels the notice workers are sending on; where no one has said, every channel the council uses. */
export function workingChannels(ctx: DomainContext): Channel[] {
  return ctx.workingChannels ?? ctx.settings.channels;
}

export function partyReach(ctx: DomainContext, party: Party, working: Channel[] = workingChannels(ctx)): PartyReach {
  const people = party.contacts.map((id) => ({ id, person: ctx.council.byId.get(id) }));
  const name = (p: (typeof people)[number]) => p.person?.name ?? p.id;
  const channels: Channel[] = [];
  const problems: string[] = [];
  if (ctx.settings.channels.length === 0) problems.push('briefings.channels in council.yaml lists no channel');
  for (const channel of ctx.settings.channels) {
    const label = CHANNEL_LABEL[channel];
    const has = people.filter((p) => (channel === 'email' ? p.person?.email : p.person?.slack));
    if (has.length === 0) {
      problems.push(`no ${label.address} for ${list(people.map(name))} in council.yaml`);
    } else if (!working.includes(channel)) {
      problems.push(`${label.name} is not being sent: no notice worker with ${label.setup} is running`);
    } else {
      channels.push(channel);
    }
  }
  return { party: party.id, name: party.name, channels, problems, reachable: channels.length > 0 };
}

/** Refuse to open a round while any party offered it (or the requester, who is told it was agreed) is unreachable. */
export function assertReachable(ctx: DomainContext, parties: Party[]): void {
  const unreachable = parties.map((p) => partyReach(ctx, p)).filter((r) => !r.reachable);
  if (unreachable.length === 0) return;
  const why = unreachable.map((r) => `${r.name} (${r.problems.join('; ')})`).join('; ');
  throw conflict(
    `the offer cannot go out: ${unreachable.length === 1 ? 'this group has' : 'these groups have'} no working channel: ${why}. Fix council.yaml or the notice worker, then approve again.`,
    'no-working-channel',
  );
}
