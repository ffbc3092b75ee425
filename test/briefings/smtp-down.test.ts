/**
 * The mail server is down when a round opens: every notice retries with backoff, and when the server is back
 * every group gets its notice exactly once (real Redis, BullMQ, nodemailer, and an SMTP server that is really
 * gone: its port refuses connections until a new one listens there).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { actors, LABOUR_REQUEST } from './fixtures.js';
import { SmtpSink } from './sinks.js';
import { settled, until, world, type World } from './world.js';

let w: World | undefined;
let sink: SmtpSink | undefined;
afterEach(async () => {
  await w?.close();
  await sink?.stop();
  w = undefined;
  sink = undefined;
});

describe('SMTP down during a round of notices', () => {
  it('retries with backoff while the server is down and delivers every notice exactly once when it returns', async () => {
    // Find a free port, then close it: connections to it are refused, as to a mail server that is down.
    const probe = await SmtpSink.start();
    const port = probe.port;
    await probe.stop();

    // Enough attempts, backing off from 100 ms, to outlast a second or so of outage.
    w = await world({ smtp: { port }, label: 'smtpdown', attempts: 10, backoffMs: 100 });
    const req = await w.svc.request(actors.labourLeader, LABOUR_REQUEST);
    const { round } = await w.svc.decide(actors.authoriser, req.id, { decision: 'approve' });
    const view = await w.svc.roundView(round!.id);
    const emailNotices = view.offers.flatMap((o) => o.noticeIds).filter((id) => id.endsWith('-email'));
    expect(emailNotices.length).toBeGreaterThan(2);

    // Every email notice fails at least once while the port refuses connections.
    await until(async () => {
      const notices = await Promise.all(emailNotices.map((id) => w!.svc.notice(id)));
      return notices.every((n) => n && n.attempts >= 1 && n.state !== 'sent') ? true : undefined;
    }, 'every email notice to have tried and failed');

    // The mail server comes back on the same port.
    sink = await SmtpSink.start({ port });
    await settled(w, emailNotices);

    const notices = await Promise.all(emailNotices.map((id) => w!.svc.notice(id)));
    for (const n of notices) expect(n).toMatchObject({ state: 'sent' });
    expect(notices.some((n) => n!.attempts > 1)).toBe(true);
    // Exactly one email per notice and recipient, each with its fixed Message-ID.
    const ids = sink.mails.map((m) => m.messageId);
    expect(sink.mails).toHaveLength(notices.reduce((n, x) => n + x!.to.length, 0));
    expect(new Set(ids).size).toBe(ids.length);
    const events = await w.store.auditEvents();
    expect(events.some((e) => e.action === 'notice.retrying')).toBe(true);
  });
});
