/**
 * The enquiry service: every channel (IMAP, Slack, the page's telephone form) hands it a message and it opens,
 * moves or resolves an enquiry. Threads are followed by Message-ID / In-Reply-To / References (Slack: the thread's
 * ts). A message that opens nothing leaves nothing behind: no id, no subject, no trace.
 */
import { DomainError } from '../briefings/errors.js';
import type { Council, Person } from '../directory/council.js';
import { resolve } from '../directory/council.js';
import type { Message } from '../lint/types.js';
import { workingCalendar, type WorkingCalendar } from '../directory/working-days.js';
import type { Detector } from './detect.js';
import { acknowledge, answer, assign, close, hold, isResolved, open, type Channel, type Enquiry, type Step } from './model.js';
import { serviceOf, type EnquirySettings } from './settings.js';
import { emailThreadKey, slackThreadKey, type EnquiryStore } from './store.js';

export interface IncomingMessage extends Message {
  /** Email headers (angle brackets optional). */
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  /** Slack: where the message is, its ts and the thread it replies in. */
  slack?: { channel: string; ts: string; threadTs?: string };
  receivedAt: Date;
}

export type IntakeAction = 'opened' | 'acknowledged' | 'held' | 'answered' | 'followed' | 'ignored';
export interface IntakeResult {
  action: IntakeAction;
  enquiry?: Enquiry;
}

export interface Scheduler {
  /** Queue (idempotently) the reminder and escalation jobs for the enquiry's current due dates. */
  schedule(e: Enquiry): Promise<void>;
  /** council.yaml reloaded: the calendar and reminder lead for the jobs scheduled from now on. */
  setCalendar?(calendar: WorkingCalendar, remindBefore: number): void;
}

export interface ServiceDeps {
  council: Council;
  settings: EnquirySettings;
  store: EnquiryStore;
  detector: Detector;
  clock: () => Date;
  newId: () => string;
  scheduler?: Scheduler;
}

export class EnquiryService {
  calendar: WorkingCalendar;
  scheduler?: Scheduler;

  constructor(private readonly deps: ServiceDeps) {
    this.calendar = workingCalendar(deps.council);
    if (deps.scheduler) this.scheduler = deps.scheduler;
  }

  /**
   * council.yaml again (SIGHUP): people, services, periods, closure days and the detector's names. Open enquiries
   * keep the dates they were given; what changes applies from the next enquiry and the next reminder on.
   */
  setCouncil(council: Council, settings: EnquirySettings, detector: Detector): void {
    this.deps.council = council;
    this.deps.settings = settings;
    this.deps.detector = detector;
    this.calendar = workingCalendar(council);
    this.scheduler?.setCalendar?.(this.calendar, settings.remindWorkingDaysBefore);
  }

  get council(): Council {
    return this.deps.council;
  }
  get settings(): EnquirySettings {
    return this.deps.settings;
  }
  get store(): EnquiryStore {
    return this.deps.store;
  }

  setScheduler(scheduler: Scheduler): void {
    this.scheduler = scheduler;
  }

  /** Email or Slack, from any mailbox or channel Probity watches. */
  async intake(m: IncomingMessage): Promise<IntakeResult> {
    const own = ownKey(m);
    // A message already read (an IMAP rescan, Slack's retry) changes nothing the second time.
    if (own && (await this.deps.store.byThread([own]))) return { action: 'ignored' };
    const parents = parentKeys(m);
    const existing = await this.deps.store.byThread(parents);
    const sender = resolve(this.deps.council, m.from);
    if (existing) {
      const e = await this.deps.store.get(existing);
      if (e) return this.inThread(e, m, sender, own);
    }
    return this.openFrom(
      m,
      [own, ...parents].filter((k): k is string => k !== undefined),
      false,
    );
  }

  private async inThread(e: Enquiry, m: IncomingMessage, sender: Person | undefined, own: string | undefined): Promise<IntakeResult> {
    const threads = own ? [own] : [];
    // An officer's email in the thread that does not go to the councillor (passed to a colleague, a note to the
    // manager) is the council's business, not a reply: it changes nothing. In Slack the thread is the reply.
    const toCouncillor = m.channel === 'slack' || [...m.to, ...m.cc].some((a) => resolve(this.deps.council, a)?.id === e.councillor);
    if (sender?.role === 'officer' && !toCouncillor) {
      await this.deps.store.linkThreads(e, threads);
      return { action: 'followed', enquiry: e };
    }
    if (sender?.role === 'officer') {
      if (isResolved(e)) {
        await this.deps.store.linkThreads(e, threads);
        return { action: 'ignored', enquiry: e };
      }
      const reading = this.deps.detector.readReply(m, this.calendar.localDate(m.receivedAt));
      const at = m.receivedAt;
      const result = await this.deps.store.update(
        e.id,
        (current) => {
          // A mailbox enquiry is the replying officer's from their first reply.
          const assigned = current.officer ? undefined : assign(current, at, sender.id, sender.id, serviceOf(this.deps.settings, sender.id)?.id);
          const base = assigned?.enquiry ?? current;
          const step: Step =
            reading.kind === 'answer'
              ? answer(base, at, sender.id)
              : reading.kind === 'holding'
                ? hold(base, at, sender.id, reading.newDay, { reason: reading.gaveReason, action: reading.gaveAction }, this.calendar)
                : acknowledge(base, at, sender.id);
          if (!step) return assigned;
          return step;
        },
        threads,
      );
      if (!result) return { action: 'ignored' };
      if (result.changed) await this.scheduler?.schedule(result.enquiry);
      const action: IntakeAction = !result.changed ? 'ignored' : reading.kind === 'answer' ? 'answered' : reading.kind === 'holding' ? 'held' : 'acknowledged';
      return { action, enquiry: result.enquiry };
    }
    if (sender?.id === e.councillor && isResolved(e)) {
      // A new question in an answered thread is a new enquiry; "thanks!" is not.
      const opened = await this.openFrom(m, threads, true);
      if (opened.action === 'opened') return opened;
    }
    await this.deps.store.linkThreads(e, threads);
    return { action: 'followed', enquiry: e };
  }

  private async openFrom(m: IncomingMessage, threads: string[], isReply: boolean): Promise<IntakeResult> {
    // In a thread the detector is told so (a fault mentioned in a reply is not a new report); else the subject says.
    const inThread = isReply || parentKeys(m).length > 0;
    const d = this.deps.detector.detect(m, { mailboxes: this.deps.settings.mailboxSet, ...(inThread ? { isReply: true } : {}) });
    if (!d.enquiry || !d.councillor) return { action: 'ignored' };
    const officer = d.officers[0];
    const channel: Channel = m.channel === 'slack' ? 'slack' : 'email';
    const subject = m.channel === 'slack' ? 'Slack message' : (m.subject ?? '').replace(/^\s*((re|fwd?|fw)\s*:\s*)+/i, '') || '(no subject)';
    return this.create(
      {
        councillor: d.councillor,
        ...(officer ? { officer: officer.id } : {}),
        ...(d.mailbox ? { mailbox: d.mailbox } : {}),
        channel,
        subject,
        receivedAt: m.receivedAt,
      },
      threads,
    );
  }

  /** A telephone enquiry recorded on the page (or any enquiry opened by hand). */
  async record(input: { councillor: string; officer?: string; subject: string; receivedAt?: Date; channel?: Channel; by: string }): Promise<Enquiry> {
    const councillor = this.deps.council.byId.get(input.councillor);
    if (councillor?.role !== 'councillor') throw new EnquiryError('invalid', `"${input.councillor}" is not a councillor in council.yaml`);
    if (input.officer && this.deps.council.byId.get(input.officer)?.role !== 'officer')
      throw new EnquiryError('invalid', `"${input.officer}" is not an officer in council.yaml`);
    const result = await this.create(
      {
        councillor,
        ...(input.officer ? { officer: input.officer } : {}),
        channel: input.channel ?? 'phone',
        subject: input.subject,
        receivedAt: input.receivedAt ?? this.deps.clock(),
      },
      [],
      input.by,
    );
    return result.enquiry!;
  }

  private async create(
    input: { councillor: Person; officer?: string; mailbox?: string; channel: Channel; subject: string; receivedAt: Date },
    threads: string[],
    by?: string,
  ): Promise<IntakeResult> {
    const { enquiry, event } = open(
      {
        id: this.deps.newId(),
        councillor: input.councillor.id,
        ...(input.officer ? { officer: input.officer } : {}),
        ...(input.mailbox ? { mailbox: input.mailbox } : {}),
        ...(input.officer && serviceOf(this.deps.settings, input.officer) ? { service: serviceOf(this.deps.settings, input.officer)!.id } : {}),
        ...(input.councillor.ward ? { ward: input.councillor.ward } : {}),
        channel: input.channel,
        subject: input.subject,
        receivedAt: input.receivedAt,
      },
      this.deps.settings,
      this.calendar,
    );
    const saved = await this.deps.store.create(enquiry, by ? { ...event, by } : event, threads);
    await this.scheduler?.schedule(saved);
    return { action: 'opened', enquiry: saved };
  }

  async get(id: string): Promise<Enquiry | undefined> {
    return this.deps.store.get(id);
  }

  /** One click from a reminder, or the officer's page. */
  async acknowledge(id: string, by: string): Promise<Enquiry> {
    return this.apply(id, (e) => acknowledge(e, this.deps.clock(), by));
  }

  async markAnswered(id: string, by: string): Promise<Enquiry> {
    return this.apply(id, (e) => answer(e, this.deps.clock(), by, true));
  }

  /** A holding reply recorded by hand: the new date, and whether the reason and the action were given. */
  async holding(id: string, by: string, newDay: string, gave: { reason: boolean; action: boolean }): Promise<Enquiry> {
    if (newDay <= this.calendar.localDate(this.deps.clock())) throw new EnquiryError('invalid', 'the new date must be after today');
    return this.apply(id, (e) => hold(e, this.deps.clock(), by, newDay, gave, this.calendar));
  }

  /** "Not an enquiry": the councillor or the officer closes a wrong one in one click. */
  async close(id: string, by: string, reason: NonNullable<Enquiry['closeReason']> = 'not-an-enquiry'): Promise<Enquiry> {
    return this.apply(id, (e) => close(e, this.deps.clock(), by, reason));
  }

  async assign(id: string, by: string, officer: string): Promise<Enquiry> {
    if (this.deps.council.byId.get(officer)?.role !== 'officer') throw new EnquiryError('invalid', `"${officer}" is not an officer in council.yaml`);
    return this.apply(id, (e) => (isResolved(e) ? undefined : assign(e, this.deps.clock(), by, officer, serviceOf(this.deps.settings, officer)?.id)));
  }

  private async apply(id: string, change: (e: Enquiry) => Step): Promise<Enquiry> {
    const result = await this.deps.store.update(id, change);
    if (!result) throw new EnquiryError('not-found', `no enquiry ${id}`);
    if (result.changed) await this.scheduler?.schedule(result.enquiry);
    return result.enquiry;
  }
}

/** Refusals, in the briefing domain's shape so the API's one error handler maps them (400, 403, 404, 409). */
export class EnquiryError extends DomainError {
  constructor(code: 'invalid' | 'not-found' | 'forbidden' | 'conflict', message: string) {
    super(code, message);
    this.name = 'EnquiryError';
  }
}

function ownKey(m: IncomingMessage): string | undefined {
  if (m.slack) return slackThreadKey(m.slack.channel, m.slack.ts);
  return m.messageId ? emailThreadKey(m.messageId) : undefined;
}

function parentKeys(m: IncomingMessage): string[] {
  if (m.slack) return m.slack.threadTs && m.slack.threadTs !== m.slack.ts ? [slackThreadKey(m.slack.channel, m.slack.threadTs)] : [];
  const ids = [...(m.references ?? []), ...(m.inReplyTo ? [m.inReplyTo] : [])];
  return [...new Set(ids.filter((id) => id.trim()).map(emailThreadKey))];
}
