/**
 * The daily checkpoint to the Monitoring Officer: the ledger's signed head (event number, hash, signature, the
 * ledger key's id and public key) by email, through the same SMTP sender as the briefing notices, once a day per
 * council date (a sent-marker per day, so two workers or a restart send it once). The mailbox is a copy of the
 * checkpoint that neither Redis nor the servers' administrators can rewrite: a chain re-hashed later disagrees
 * with it. Sending it is itself an event in the chain (`ledger.checkpoint-mailed`).
 */
import { localDate } from '../directory/working-days.js';
import { checkpointOf, type Checkpoint } from '../briefings/integrity.js';
import type { BriefingService } from '../briefings/service.js';
import type { Notice } from '../briefings/types.js';
import type { NoticeContext } from './context.js';
import type { EmailSender } from './email.js';
import { fill } from './templates.js';

export const CHECKPOINT_TEMPLATE = {
  subject: 'Briefing ledger checkpoint, {{date}}: event {{seq}}',
  text: [
    'For the Monitoring Officer of {{council}}.',
    '',
    "This is today's checkpoint of the briefing ledger (the audit trail of every briefing request, offer, session and notice). Please keep this email: it is a record of the ledger that nobody with access to Probity's servers can change.",
    '',
    '    Last event:  {{seq}}',
    '    Its hash:    {{hash}}',
    '    Taken at:    {{at}}',
    '    Signature:   {{sig}}',
    '    Ledger key:  {{keyId}}',
    '',
    'To check the ledger against it: on the office page ({{url}}), Verify the chain; or ask for event {{seq}} of the audit trail ({{url}}v1/audit?from={{seq}}&limit=1) and compare its hash with the one above. If they differ, the ledger was rewritten after this email was sent.',
    '',
    'The signature is Ed25519 over "probity-ledger-head:v1:{{seq}}:{{hash}}", with this public key:',
    '',
    '{{publicKey}}',
  ].join('\n'),
};

export interface CheckpointMailDeps {
  service: BriefingService;
  email: EmailSender;
  /** The From: address (the briefing notices' own). */
  from: { name: string; email: string };
  publicUrl: string;
  /** Who the audit trail says sent it. */
  actorId?: string;
}

export type CheckpointMailOutcome = 'sent' | 'already-sent' | 'not-yet' | 'empty-ledger' | 'no-monitoring-officer';

/**
 * Mail today's checkpoint unless it went already. Called at start and every hour by the notice worker; sends
 * from the start of the council's working day.
 */
export async function mailDailyCheckpoint(deps: CheckpointMailDeps, now: Date): Promise<CheckpointMailOutcome> {
  const { service } = deps;
  const key = service.ledgerKey;
  if (!key) throw new Error('the daily checkpoint needs the ledger key (PROBITY_LEDGER_KEY)');
  const settings = service.settings;
  const local = {
    date: localDate(now, settings.timezone),
    hour: Number(new Intl.DateTimeFormat('en-GB', { timeZone: settings.timezone, hour: 'numeric', hourCycle: 'h23' }).format(now)),
  };
  if (local.hour < settings.workingHours.start) return 'not-yet';
  const mo = settings.monitoringOfficer ? service.council.byId.get(settings.monitoringOfficer) : undefined;
  if (!mo?.email) return 'no-monitoring-officer';
  const id = `ledger-checkpoint-${local.date}`;
  if (await service.store.sentMarker(`${id}-${mo.id}`)) return 'already-sent';
  const head = await service.store.head();
  if (head.seq === 0) return 'empty-ledger';
  const cp = checkpointOf(key, head, now.toISOString());
  const council = service.council;
  const ctx: NoticeContext = {
    // Not a briefing notice in the ledger: the id names the day, for the sent-marker and the Message-ID.
    notice: { id } as Notice,
    council: { name: council.council, domain: council.domain ?? 'probity.invalid', timezone: council.timezone },
    recipients: [{ id: mo.id, name: mo.name, email: mo.email }],
    partyName: 'the Monitoring Officer',
    links: {},
    organizer: deps.from,
  };
  const messageId = await deps.email.send(
    ctx,
    () => renderCheckpoint(council.council, cp, key.publicKey.export({ format: 'pem', type: 'spki' }).toString(), deps.publicUrl, local.date),
    service.store,
  );
  await service.recordCheckpointMailed(deps.actorId ?? 'notices-worker', id, cp, mo.id, messageId);
  return 'sent';
}

export function renderCheckpoint(council: string, cp: Checkpoint, publicKeyPem: string, publicUrl: string, date: string) {
  const values = {
    council,
    date,
    seq: String(cp.seq),
    hash: cp.hash,
    at: cp.at,
    sig: cp.sig,
    keyId: cp.keyId,
    url: publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`,
    publicKey: publicKeyPem.trim(),
  };
  const text = fill(CHECKPOINT_TEMPLATE.text, values);
  return { subject: fill(CHECKPOINT_TEMPLATE.subject, values), text, slack: text };
}
