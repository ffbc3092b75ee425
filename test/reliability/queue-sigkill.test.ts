/**
 * Queue reliability: 10,000 lint jobs of every kind through two real worker processes
 * (`node --import tsx workers/lint.worker.ts`: the real processors and engine), one of them SIGKILLed when half the
 * side effects have happened. The jobs, interleaved:
 *  - `slack-message`: a posted message that breaks the protocol → an ephemeral warning (chat.postEphemeral) on a
 *    loopback Slack API stub, one channel per job;
 *  - `slack-check`: `/probity <draft>` → an answer posted to the job's response_url on the same stub;
 *  - `imap-draft`: a saved draft in a real Dovecot (4 mailboxes) → a nudge appended to the author's INBOX.
 * All on the shared Redis under a unique prefix (only its keys are deleted afterwards).
 *
 * Proves: every job's side effect happens (none lost; failed jobs are removed, so a failure shows as a missing
 * effect), the queue drains and leaves no job or lease behind, and:
 *  - IMAP nudges: exactly one per draft. The nudge has a fixed Message-ID and a lease owned by the job id, so a job
 *    the killed worker had in flight looks in INBOX before appending (src/mail/imap-draft-processor.ts).
 *  - Slack warnings and response_url answers: Slack offers no idempotency key for either, so a job whose post
 *    Slack accepted but whose completion the killed worker never recorded is posted again by the other worker once
 *    its lock lapses: at most one extra post per job in flight on the killed worker (its concurrency, 8). The test
 *    measures that window (how many were posted twice) and prints it; docs/reliability.md keeps the figures.
 * PROBITY_RELIABILITY_JOBS sets the total (default 10,000; a twenty-fifth of them are IMAP drafts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImapDraftJob } from '../../src/mail/draft-job.js';
import type { SlackCheckJob, SlackMessageJob } from '../../src/queue/lint-jobs.js';
import { LINT_QUEUE } from '../../src/queue/lint-jobs.js';
import { TEST_QUEUE_KEYS, testQueueKeys } from '../helpers/queue-keys.js';
import { createLintProducer, type LintProducer } from '../../src/queue/lint-queue.js';
import { LINT_WORKER_CONCURRENCY } from '../../src/queue/lint-worker.js';
import { producerConnection, whenReady } from '../../src/queue/redis.js';
import { deletePrefix } from '../briefings/redis-helpers.js';
import { DOVECOT_BIN, Dovecot, mailboxEnv, messageIdsIn, withImap } from '../imap/dovecot.js';
import { SlackStub } from '../slack/slack-stub.js';
/** The Slack app's sealing keys: Slack jobs reach Redis sealed. */
const keys = testQueueKeys();

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = import.meta.resolve('tsx');
const REDIS_URL = process.env.PROBITY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const JOBS = Number(process.env.PROBITY_RELIABILITY_JOBS ?? 10_000);
/** Short, so the killed worker's jobs move on in ~20 s rather than ~60 s; real deployments keep BullMQ's 30 s. */
const LOCK_MS = 10_000;
const MAILBOXES = 4;
const prefix = `probity-test-rel-${process.pid}-${randomUUID().slice(0, 8)}`;
const run = randomUUID().slice(0, 6);
const FLAGGED = 'I want you to print 500 leaflets for our Labour campaign by Friday.';

type Kind = 'slack-message' | 'slack-check' | 'imap-draft';
const kindOf = (n: number): Kind => (n % 25 === 0 ? 'imap-draft' : n % 2 === 1 ? 'slack-message' : 'slack-check');

const stub = new SlackStub();
let dovecot: Dovecot;
let redis: ReturnType<typeof producerConnection>;
let producer: LintProducer;
const workers: { child: ChildProcess; stderr: () => string }[] = [];
/** IMAP job id → the status of each run that finished (nudged, already-nudged, …). */
const imapRuns = new Map<string, string[]>();
const users = Array.from({ length: MAILBOXES }, (_, i) => `rel${i}-${run}`);
const mailboxId = (i: number) => `m${i}`;

function startWorker(name: string): { child: ChildProcess; stderr: () => string } {
  let stderr = '';
  const imapEnv: Record<string, string> = { PROBITY_IMAP_MAILBOXES: users.map((_, i) => mailboxId(i)).join(',') };
  users.forEach((user, i) => Object.assign(imapEnv, mailboxEnv(dovecot, user, mailboxId(i))));
  const child = spawn(process.execPath, ['--import', TSX, 'workers/lint.worker.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      REDIS_URL,
      PROBITY_COUNCIL: 'examples/council.yaml',
      PROBITY_REDIS_PREFIX: prefix,
      PROBITY_LINT_LOCK_MS: String(LOCK_MS),
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      PROBITY_QUEUE_KEYS: TEST_QUEUE_KEYS,
      SLACK_API_URL: stub.apiUrl,
      SLACK_RESPONSE_URL_PREFIX: stub.baseUrl,
      LOG_LEVEL: 'info',
      WORKER_NAME: name,
      ...imapEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString('utf8')).slice(-4000);
  });
  // Each IMAP job's outcome, from the worker's log (ids and statuses only): shows whether any ran twice.
  let partial = '';
  child.stdout!.on('data', (c: Buffer) => {
    const lines = (partial + c.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.includes('"imap draft checked"')) continue;
      const { jobId, status, lease } = JSON.parse(line) as { jobId: string; status: string; lease?: string };
      imapRuns.set(jobId, [...(imapRuns.get(jobId) ?? []), `${status}/${lease ?? '-'}`]);
    }
  });
  return { child, stderr: () => stderr };
}

/** Saves the drafts (one per imap job, spread over the mailboxes) and returns each job's payload by job number. */
async function saveDrafts(numbers: number[]): Promise<Map<number, ImapDraftJob>> {
  const jobs = new Map<number, ImapDraftJob>();
  await Promise.all(
    users.map((user, i) =>
      withImap(dovecot, user, async (client) => {
        for (const n of numbers.filter((_, k) => k % MAILBOXES === i)) {
          const raw = [
            'From: daniel.okafor@ashcombe.gov.uk',
            'To: amir.patel@ashcombe.gov.uk',
            `Subject: Leaflets ${n}`,
            `Message-ID: <draft-${n}-${run}@example.test>`,
            'Content-Type: text/plain; charset=utf-8',
            '',
            `Hi Amir, ${FLAGGED}`,
            '',
          ].join('\r\n');
          const appended = await client.append('Drafts', raw, ['\\Draft']);
          if (!appended || !appended.uid) throw new Error('APPEND gave no UID');
          jobs.set(n, { mailbox: mailboxId(i), folder: 'Drafts', uidValidity: String(appended.uidValidity), uid: appended.uid });
        }
      }),
    ),
  );
  return jobs;
}

/** Message-IDs of everything in each mailbox's INBOX (only nudges arrive there). */
const inboxMessageIds = () => Promise.all(users.map((user) => messageIdsIn(dovecot, user)));

/** Polls `check` until it holds; past `limitMs` fails, saying what was awaited and where things stood. */
async function until(check: () => unknown, what: string, intervalMs: number, limitMs = 300_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}: ${slackEffects().size} Slack jobs answered; worker stderr: ${workers.map((w) => w.stderr()).join(' | ')}`,
      );
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Posts Slack accepted, per job: ephemeral warnings by channel (one channel per job), answers by response id. */
function slackEffects(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const call of stub.calls) {
    const id = call.method === 'chat.postEphemeral' ? String(call.args.channel) : call.method === 'response' ? call.responseId : undefined;
    if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

beforeAll(async () => {
  await stub.start();
  dovecot = new Dovecot();
  await dovecot.start();
  redis = producerConnection(REDIS_URL);
  await whenReady(redis);
  producer = createLintProducer({ connection: redis, prefix, keys });
}, 60_000);

afterAll(async () => {
  for (const w of workers) {
    if (w.child.exitCode === null && w.child.signalCode === null) {
      w.child.kill('SIGKILL');
      await new Promise((r) => w.child.once('exit', r));
    }
  }
  await producer?.queue.obliterate({ force: true }).catch(() => undefined);
  await producer?.close();
  await deletePrefix(redis, prefix);
  await redis?.quit();
  await stub.close();
  await dovecot?.dispose();
});

const slackMessage = (n: number): SlackMessageJob => ({
  kind: 'posted',
  eventId: `Ev${n}`,
  channel: `C${n}`,
  ts: `1700000000.${String(n).padStart(6, '0')}`,
  user: 'U0OKAFOR',
  // A junior officer: the councillor's request for campaign work is an error under the protocol.
  to: ['U0PATEL'],
  text: FLAGGED,
});

const slackCheck = (n: number): SlackCheckJob => ({
  source: 'command',
  user: 'U0OKAFOR',
  from: 'U0OKAFOR',
  to: [],
  text: n % 10 === 0 ? FLAGGED : `Could you send me report ${n}?`,
  reply: { via: 'response_url', url: stub.responseUrl(`chk-${n}`) },
});

describe.skipIf(!DOVECOT_BIN)(`reliability: ${JOBS} lint jobs (Slack warnings, Slack checks, IMAP drafts), two worker processes, one SIGKILLed halfway`, () => {
  it("every side effect happens; IMAP nudges exactly once; Slack posts at most twice, only for the killed worker's jobs in flight", async () => {
    const numbers = Array.from({ length: JOBS }, (_, n) => n);
    const drafts = await saveDrafts(numbers.filter((n) => kindOf(n) === 'imap-draft'));
    const slackIds = numbers.filter((n) => kindOf(n) !== 'imap-draft').map((n) => (kindOf(n) === 'slack-message' ? `C${n}` : `chk-${n}`));

    const started = Date.now();
    // Queue everything first (ids make a re-add a no-op), then start the workers.
    for (let i = 0; i < JOBS; i += 1000) {
      const batch = numbers.slice(i, i + 1000).map((n) => {
        const kind = kindOf(n);
        if (kind === 'imap-draft')
          return { name: kind, data: drafts.get(n)!, opts: { jobId: `draft-${n}`, attempts: 5, backoff: { type: 'exponential', delay: 1000 } } };
        // Slack jobs sealed, as the Slack app's producer seals them.
        if (kind === 'slack-message') return { name: kind, data: keys.seal(kind, slackMessage(n)), opts: { jobId: `msg-${n}` } };
        return { name: kind, data: keys.seal(kind, slackCheck(n)), opts: { jobId: `chk-${n}` } };
      });
      await producer.queue.addBulk(batch as Parameters<typeof producer.queue.addBulk>[0]);
    }
    expect(await producer.queue.count()).toBe(JOBS);
    const queuedMs = Date.now() - started;

    workers.push(startWorker('a'), startWorker('b'));
    await until(() => slackEffects().size >= slackIds.length / 2 || workers.some((w) => w.child.exitCode !== null), 'half answered', 50);
    expect(
      workers.map((w) => w.child.exitCode),
      workers.map((w) => w.stderr()).join('\n'),
    ).toEqual([null, null]);
    workers[0]!.child.kill('SIGKILL');
    const killedAt = slackEffects().size;
    const halfMs = Date.now() - started;
    await new Promise((r) => workers[0]!.child.once('exit', r));

    await until(
      async () => {
        if (workers[1]!.child.exitCode !== null) return true;
        if (slackEffects().size < slackIds.length) return false;
        const counts = await producer.queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed');
        return Object.values(counts).every((c) => c === 0);
      },
      'all answered and drained',
      200,
    );
    expect(workers[1]!.child.exitCode, workers[1]!.stderr()).toBeNull();
    const doneMs = Date.now() - started;

    // Slack: every job's warning or answer was posted; the extra posts are the window Slack cannot close.
    const effects = slackEffects();
    expect(slackIds.filter((id) => !effects.has(id))).toEqual([]);
    const duplicated = [...effects.entries()].filter(([, c]) => c > 1);
    // IMAP: one nudge per draft, no more, no fewer.
    const inboxes = await inboxMessageIds();
    const nudges = inboxes.flat();
    const perMailbox = users.map((_, i) => [...drafts.values()].filter((d) => d.mailbox === mailboxId(i)).length);

    const figures = {
      jobs: JOBS,
      slackMessages: numbers.filter((n) => kindOf(n) === 'slack-message').length,
      slackChecks: numbers.filter((n) => kindOf(n) === 'slack-check').length,
      imapDrafts: drafts.size,
      queuedMs,
      killedAtSlackAnswered: killedAt,
      halfMs,
      doneMs,
      slackPosts: [...effects.values()].reduce((s, c) => s + c, 0),
      slackDuplicatedJobs: duplicated.length,
      duplicatedWarnings: duplicated.filter(([id]) => id.startsWith('C')).length,
      duplicatedAnswers: duplicated.filter(([id]) => id.startsWith('chk-')).length,
      nudges: nudges.length,
      duplicatedNudges: nudges.length - new Set(nudges).size,
      // Runs that finished; those that were a killed run's second go (their own lease, or one taken over); and
      // those that found their nudge already in INBOX (appended by the killed worker before it recorded it).
      imapRunsFinished: [...imapRuns.values()].flat().length,
      imapRunsAfterAKill: [...imapRuns.values()].flat().filter((run) => /\/(own|taken)$/.test(run)).length,
      imapNudgesFoundAlreadyThere: [...imapRuns.values()].flat().filter((run) => run.startsWith('already-nudged/')).length,
    };
    console.log(`[reliability] ${LINT_QUEUE} SIGKILL run: ${JSON.stringify(figures)}`);

    expect(inboxes.map((ids) => ids.length)).toEqual(perMailbox);
    expect(new Set(nudges).size).toBe(drafts.size);
    expect(nudges.every((id) => /^<nudge-[0-9a-f]{32}@/.test(id))).toBe(true);
    // The window: at most one extra post per job the killed worker had in flight.
    expect(duplicated.length).toBeLessThanOrEqual(LINT_WORKER_CONCURRENCY);
    expect(duplicated.every(([, c]) => c === 2)).toBe(true);
    // Nothing of the jobs is left behind (completed and failed jobs are removed with their text), and no lease.
    expect(await redis.keys(`${prefix}:${LINT_QUEUE}:msg-*`)).toEqual([]);
    expect(await redis.keys(`${prefix}:${LINT_QUEUE}:chk-*`)).toEqual([]);
    expect(await redis.keys(`${prefix}:${LINT_QUEUE}:draft-*`)).toEqual([]);
    expect(await redis.keys(`${prefix}:imap:pending:*`)).toEqual([]);
  }, 420_000);
});
