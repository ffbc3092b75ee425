/**
 * The iCalendar invite for a session: one UID per session for its whole life (so calendars update the same
 * event) and SEQUENCE = the session's change count, METHOD:REQUEST, or METHOD:CANCEL once cancelled. DTSTAMP is
 * the notice's creation time, so a retried send produces the same file.
 */
import ical, { ICalAttendeeRole, ICalAttendeeStatus, ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import type { Session } from '../briefings/types.js';
import type { Recipient } from './context.js';

export interface InviteInput {
  session: Session;
  title: string;
  partyName: string;
  domain: string;
  organizer: { name: string; email: string };
  attendees: Recipient[];
  stamp: string;
  description: string;
}

export function sessionUid(sessionId: string, domain: string): string {
  return `${sessionId}@${domain}`;
}

export function sessionInvite(input: InviteInput): { method: 'REQUEST' | 'CANCEL'; content: string } {
  const cancelled = input.session.status === 'cancelled';
  const method = cancelled ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST;
  const calendar = ical({ prodId: { company: 'Probity', product: 'briefings', language: 'EN' }, method });
  calendar.createEvent({
    id: sessionUid(input.session.id, input.domain),
    sequence: input.session.sequence,
    stamp: new Date(input.stamp),
    start: new Date(input.session.startsAt),
    end: new Date(input.session.endsAt),
    summary: `Briefing: ${input.title}`,
    location: input.session.venue,
    description: input.description,
    status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    organizer: { name: input.organizer.name, email: input.organizer.email },
    attendees: input.attendees
      .filter((a) => a.email)
      .map((a) => ({ name: a.name, email: a.email!, rsvp: true, role: ICalAttendeeRole.REQ, status: ICalAttendeeStatus.NEEDSACTION })),
  });
  return { method: cancelled ? 'CANCEL' : 'REQUEST', content: calendar.toString() };
}
