/**
 * Who gets offered a briefing: the council's groups as the directory stands, where a group has at least
 * `minGroupMembers` councillors (a one-member "group" is not a group), plus the independents as the council's
 * setting says: none, each individually, or one joint session.
 */
import type { Council, Person } from '../directory/council.js';
import type { BriefingSettings } from './settings.js';
import type { Party } from './types.js';

export const JOINT_INDEPENDENTS = 'independents';
export const independentPartyId = (personId: string) => `ind-${personId}`;

function contactsOf(members: Person[]): string[] {
  const named = ['leader', 'deputy'].flatMap((role) => members.filter((m) => m.groupRole === role).map((m) => m.id));
  return named.length > 0 ? named : members.map((m) => m.id);
}

/** Every party a briefing would be offered to right now, in directory order. */
export function currentParties(council: Council, settings: BriefingSettings): Party[] {
  const councillors = council.people.filter((p) => p.role === 'councillor');
  const parties: Party[] = [];
  const independents: Person[] = [];
  for (const group of council.groups) {
    const members = councillors.filter((p) => p.group === group.id);
    if (members.length >= settings.minGroupMembers) {
      parties.push({ id: group.id, kind: 'group', name: group.name, members: members.map((m) => m.id), contacts: contactsOf(members) });
    } else {
      independents.push(...members);
    }
  }
  independents.push(...councillors.filter((p) => !p.group));
  if (settings.independents === 'individual') {
    for (const p of independents) {
      parties.push({ id: independentPartyId(p.id), kind: 'independent', name: p.name, members: [p.id], contacts: [p.id] });
    }
  } else if (settings.independents === 'joint' && independents.length > 0) {
    const ids = independents.map((p) => p.id);
    parties.push({ id: JOINT_INDEPENDENTS, kind: 'independents', name: 'Independent members', members: ids, contacts: ids });
  }
  return parties;
}

/** The party a member may request for (their group, if it is a group). */
export function partyOfGroup(council: Council, settings: BriefingSettings, groupId: string): Party | undefined {
  return currentParties(council, settings).find((p) => p.kind === 'group' && p.id === groupId);
}

/**
 * The names by which a party can be recognised in text: its name, aliases and (for a group) its id. Used to keep
 * neutral texts neutral.
 */
export function namesOfGroups(council: Council): { group: string; names: string[] }[] {
  return council.groups.map((g) => ({ group: g.id, names: [g.name, ...g.aliases] }));
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The first group name or alias (or listed person's name) that `text` mentions, if any. */
export function mentionedName(text: string, names: string[]): string | undefined {
  for (const name of names) {
    if (name.trim().length < 2) continue;
    if (new RegExp(`(^|[^\\p{L}\\p{N}])${escape(name.trim())}($|[^\\p{L}\\p{N}])`, 'iu').test(text)) return name;
  }
  return undefined;
}
