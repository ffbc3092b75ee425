/** Delivery state written back by the notice worker: each attempt, success or failure is on the record. */
import { notFound } from './errors.js';
import type { Tx } from './ledger.js';
import type { Notice } from './types.js';

export interface DeliveryReport {
  state: 'sent' | 'failed' | 'undeliverable';
  /** The attempt number (1-based) the worker made. */
  attempt: number;
  /** Message-ID for email, message ts for Slack. */
  messageId?: string;
  /** A short, data-free description of a failure ("SMTP 550", "slack: channel_not_found"). */
  error?: string;
  /** True when the failure is final (no more retries). */
  final?: boolean;
}

export async function recordDelivery(tx: Tx, actorId: string, noticeId: string, report: DeliveryReport): Promise<Notice> {
  const notice = await tx.get('notice', noticeId);
  if (!notice) throw notFound(`no notice "${noticeId}"`);
  // A late report of a failure must not undo a send that is already on record.
  if (notice.state === 'sent') return notice;
  const after: Notice = {
    ...notice,
    attempts: Math.max(notice.attempts, report.attempt),
    state: report.state === 'failed' && !report.final ? 'queued' : report.state,
    ...(report.messageId ? { messageId: report.messageId } : {}),
    ...(report.error ? { lastError: report.error } : {}),
    ...(report.state === 'sent' ? { sentAt: tx.nowIso } : {}),
  };
  const action =
    report.state === 'sent' ? 'notice.sent' : report.state === 'undeliverable' ? 'notice.undeliverable' : report.final ? 'notice.failed' : 'notice.retrying';
  tx.put('notice', notice, after, actorId, action);
  return after;
}

/** The round's flow has finished: every first notice was sent or finally failed. Recorded once. */
export async function recordRoundNoticesSettled(
  tx: Tx,
  actorId: string,
  roundId: string,
): Promise<{ sent: number; failed: number; undeliverable: number; other: number }> {
  const round = await tx.get('round', roundId);
  if (!round) throw notFound(`no round "${roundId}"`);
  const offers = await tx.getMany('offer', round.offerIds);
  const notices = await tx.getMany(
    'notice',
    offers.flatMap((o) => o.noticeIds).filter((id) => /-(offer|approved)-(email|slack)$/.test(id)),
  );
  const summary = {
    sent: notices.filter((n) => n.state === 'sent').length,
    failed: notices.filter((n) => n.state === 'failed').length,
    undeliverable: notices.filter((n) => n.state === 'undeliverable').length,
    other: notices.filter((n) => n.state === 'queued').length,
  };
  if (!round.noticesSettledAt) {
    tx.put(
      'round',
      round,
      { ...round, noticesSettledAt: tx.nowIso },
      actorId,
      'round.notices-settled',
      `sent ${summary.sent}, failed ${summary.failed}, other ${summary.other}${summary.undeliverable ? `, not deliverable ${summary.undeliverable}` : ''}`,
    );
  }
  return summary;
}
