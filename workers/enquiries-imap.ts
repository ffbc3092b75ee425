/**
 * Enquiry intake by email: one IDLE session per (mailbox, folder), each new message handed to the enquiry service.
 *
 *   PROBITY_ENQUIRY_MAILBOXES=enquiries,kasia          ids; each is configured as PROBITY_IMAP_<ID>_* (docs/imap.md)
 *   PROBITY_ENQUIRY_KASIA_FOLDERS=INBOX,Sent            folders to watch (default INBOX)
 *
 *   node dist/workers/enquiries-imap.js        (node --import tsx workers/enquiries-imap.ts from a checkout)
 */
import { FolderWatcher } from '../src/enquiries/imap-intake.js';
import { runtimeClock } from '../src/enquiries/runtime.js';
import { enquiryService, reloadEnquiries } from '../src/enquiries/wiring.js';
import { envPrefix, readMailboxes } from '../src/mail/imap-config.js';
import { runProcess } from '../src/process/run.js';

await runProcess('enquiries-imap', async ({ settings: s, env, log, redis, ready, council }) => {
  const directory = council();
  // Validated with the settings; PROBITY_IMAP_<ID>_* are named after the council's own mailbox ids.
  const { mailboxes } = readMailboxes({ ...env, PROBITY_IMAP_MAILBOXES: s.PROBITY_ENQUIRY_MAILBOXES });
  const clock = runtimeClock(s.PROBITY_CLOCK_START);
  const connection = redis('worker', 'enquiries-imap');
  await ready();
  const { service, scheduler } = enquiryService({
    council: directory,
    redis: connection,
    queue: connection,
    prefix: s.PROBITY_ENQUIRIES_PREFIX,
    queuePrefix: s.PROBITY_QUEUE_PREFIX,
    clock,
  });

  const folders = (id: string) =>
    (env[`PROBITY_ENQUIRY_${envPrefix(id).slice('PROBITY_IMAP_'.length)}FOLDERS`] ?? 'INBOX')
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean);
  const watchers = mailboxes.flatMap((mailbox) =>
    folders(mailbox.id).map((folder) => new FolderWatcher({ mailbox, folder, service, redis: connection, prefix: s.PROBITY_ENQUIRIES_PREFIX, log })),
  );
  for (const w of watchers) w.start();
  log.info({ mailboxes: mailboxes.map((m) => m.id) }, 'enquiry intake started');

  return {
    async stop() {
      await Promise.all(watchers.map((w) => w.stop()));
      await scheduler.close().catch(() => undefined);
    },
    // council.yaml again: who is a councillor or an officer, the mailboxes, the periods, from the next message on.
    reload() {
      const next = council();
      reloadEnquiries(service, next);
      return { council: next.council };
    },
  };
});
