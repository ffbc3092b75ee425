/**
 * Who may do what, from council.yaml alone: a person's roles follow from the directory and the briefing
 * settings, so a session or a token never carries a role the directory does not give (and loses it when
 * council.yaml changes and is reloaded).
 *
 *   ce-office           the chief executive, the designated recipient, and officers with `access: [ce-office]`
 *   authoriser          the designated authoriser (or `briefings.authorisers`)
 *   monitoring-officer  the designated Monitoring Officer, and officers with `access: [monitoring-officer]`
 *   group-leader        a councillor who speaks for their party: its leader, deputy or a spokesperson, or a
 *                       contact of the party (an independent member offered briefings as themselves)
 *   officer             every officer
 *   checker             everyone in the directory (anyone may check a message)
 */
import type { Council, Person } from '../directory/council.js';
import type { ActorRole } from './context.js';
import { currentParties } from './parties.js';
import type { BriefingSettings } from './settings.js';

export type AccessRole = Exclude<ActorRole, 'system'>;

/** When a person has several roles, a route that allows more than one acts in the first of them in this order. */
export const ROLE_PRECEDENCE: readonly AccessRole[] = ['ce-office', 'authoriser', 'monitoring-officer', 'group-leader', 'officer', 'checker'];

export interface Access {
  person: Person;
  roles: AccessRole[];
  /** For group-leader: the party the person speaks for. */
  party?: string;
}

const SPEAKS_FOR_GROUP = ['leader', 'deputy', 'spokesperson'];

export function accessOf(council: Council, settings: BriefingSettings, personId: string): Access | undefined {
  const person = council.byId.get(personId);
  if (!person) return undefined;
  const roles = new Set<AccessRole>();
  if (person.role === 'officer') {
    roles.add('officer');
    if (person.id === settings.chiefExecutive || person.id === settings.recipient || person.access?.includes('ce-office')) roles.add('ce-office');
    if (settings.authorisers.includes(person.id)) roles.add('authoriser');
    if (person.id === settings.monitoringOfficer || person.access?.includes('monitoring-officer')) roles.add('monitoring-officer');
  }
  let party: string | undefined;
  if (person.role === 'councillor') {
    const parties = currentParties(council, settings);
    const own = parties.find((p) => p.members.includes(person.id));
    const speaks = own && (own.contacts.includes(person.id) || (own.kind === 'group' && SPEAKS_FOR_GROUP.includes(person.groupRole ?? '')));
    if (own && speaks) {
      roles.add('group-leader');
      party = own.id;
    }
  }
  roles.add('checker');
  return { person, roles: ROLE_PRECEDENCE.filter((r) => roles.has(r)), ...(party ? { party } : {}) };
}

/** What an identity provider says about the person signing in (from the ID token). */
export interface Identity {
  /** Entra ID object id (`oid`), when the provider sends one. */
  oid?: string;
  email?: string;
  /** False when the provider says the address is not verified. */
  emailVerified?: boolean;
  /** `preferred_username` / `upn`: an address for Entra ID accounts. */
  username?: string;
}

/**
 * The directory's person for a signed-in identity: by object id first (it never changes), then by a verified
 * email address, then by the account's user name when it is an address. None: not a person of this council.
 */
export function personForIdentity(council: Council, identity: Identity): Person | undefined {
  if (identity.oid) {
    const byOid = council.byOid.get(identity.oid.toLowerCase());
    if (byOid) return byOid;
  }
  const people = (address: string | undefined) => {
    const p = address?.includes('@') ? council.byAddress.get(address.trim().toLowerCase()) : undefined;
    // A person who has an object id in council.yaml must sign in with that account, not another with their address.
    return p && (!p.oid || !identity.oid) ? p : undefined;
  };
  if (identity.emailVerified !== false) {
    const p = people(identity.email);
    if (p) return p;
  }
  return people(identity.username);
}
