/**
 * Retention (council.yaml `retention`): finding records and audit events expire after the council's period; the
 * briefing register is kept. A council with a retention of a few seconds, on the shared Redis under unique prefixes:
 *
 *   - Slack: a flagged message through the real Bolt receiver, lint queue, worker and `slack-message` processor
 *     (Slack's API is a loopback stub), then "False alarm" on the warning (a feedback record, an audit event);
 *   - IMAP: a nudge claimed through `DraftState` with the TTL the lint worker derives from the council, and a
 *     folder cursor;
 *   - briefings: a request approved into a round through the real service and `RedisStore`, its notices sent by
 *     the real notice processor over SMTP and Slack (sent-markers).
 *
 * Then every key under the prefixes is classified. A key that matches no class fails the test, so a new kind of
 * record written without a retention decision is caught here. Register keys have no TTL; finding and event keys
 * have one no longer than the configured period; operational keys are listed with the reason they are neither.
 * After the period (polled, not timed) the finding and event keys are gone and the register and its audit chain
 * are intact.
 *
 * Also: a feedback record past the period is dropped by the next write while its stream is still live, `trim()`
 * drops it without a write, and (where Dovecot is installed) the real `imap-draft` processor gives its nudged sets
 * the council's findings retention.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelHealth } from '../../src/notices/channel-health.js';
import { verifyChain } from '../../src/briefings/audit.js';
import { parseCouncil, type Council } from '../../src/directory/council.js';
import { createLinter } from '../../src/lint/engine.js';
import { loadLexicon, loadModel, loadResources, loadProtocolPacks } from '../../src/lint/load.js';
import { imapDraftProcessor } from '../../src/mail/imap-draft-processor.js';
import { DraftState, draftKeys } from '../../src/mail/imap-state.js';
import { redisFeedbackStore } from '../../src/slack/feedback-store.js';
import { ACTION } from '../../src/slack/ids.js';
import { actors, exampleYaml, LABOUR_REQUEST } from '../briefings/fixtures.js';
import { SlackStub as BriefingSlackStub, SmtpSink } from '../briefings/sinks.js';
import { settled, until, world, type World } from '../briefings/world.js';
import { DOVECOT_BIN, Dovecot, dovecotMailbox, withImap } from '../imap/dovecot.js';
import { CAMPAIGN_REQUEST, COUNCILLOR, dumpKeys, messageEvent, startHarness, TEAM, type Harness } from '../slack/harness.js';

// Long enough for the whole setup (a Slack warning, a round of notices) to run inside it on a busy 2-core box.
const FINDINGS_MS = 8_000;
const EVENTS_MS = 10_000;
const NUDGE_ID = '<nudge-0123456789abcdef0123456789abcdef@probity.invalid>';
const OTHER_NUDGE_ID = '<nudge-fedcba9876543210fedcba9876543210@probity.invalid>';

function councilWithRetention(): Council {
  const text = exampleYaml.replace(/^retention:\n(?: {2}.*\n)+/m, `retention:\n  findings: ${FINDINGS_MS / 1000}s\n  events: ${EVENTS_MS / 1000}s\n`);
  expect(text).not.toBe(exampleYaml);
  const council = parseCouncil(text);
  expect(council.retention).toEqual({ findings: FINDINGS_MS, events: EVENTS_MS });
  return council;
}

type Class = 'register' | 'finding' | 'event' | 'operational';
interface Rule {
  pattern: RegExp;
  kind: Class;
  why: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Every key Probity may leave under its prefixes, by class. `q` is a BullMQ prefix + queue name. Job hashes of the
 * lint queue are deliberately absent: a lint job carries the message text and must be gone once it completes.
 */
function rules(slackPrefix: string, briefingPrefix: string): Rule[] {
  const k = escape(`${slackPrefix}:`);
  const ledger = escape(`${briefingPrefix}:ledger:`);
  const lint = escape(`${slackPrefix}:lint:`);
  const notices = escape(`${briefingPrefix}-bull:notices:`);
  const bullMeta = '(?:meta|id|wait|paused|active|prioritized|delayed|completed|failed|waiting-children|marker|stalled|stalled-check|limiter|pc|de:[^:]+)';
  return [
    // The briefing register: kept.
    { pattern: new RegExp(`^${ledger}e:[a-z-]+:[^:]+$`), kind: 'register', why: 'briefing register record (request, round, offer, notice, session…)' },
    { pattern: new RegExp(`^${ledger}i:[^:]+(?::[^:]+)*$`), kind: 'register', why: 'briefing register index' },
    { pattern: new RegExp(`^${ledger}(?:audit|head)$`), kind: 'register', why: 'briefing audit chain and its head' },
    { pattern: new RegExp(`^${ledger}outbox$`), kind: 'register', why: 'ledger work not yet handed to the notices queue (emptied by the dispatcher)' },
    {
      pattern: new RegExp(`^${ledger}sent:[^:]+$`),
      kind: 'register',
      why: 'notice sent-marker: the SMTP Message-ID / Slack ts of a notice, the same id the register records; it is what keeps a notice to exactly one delivery',
    },
    {
      pattern: new RegExp(`^${ledger}link-used:[A-Za-z0-9_-]+$`),
      kind: 'operational',
      why: "an answer link's nonce, claimed by the one answer it gave (kept a month after the offer closes, so the page can say so): what was answered and when, nothing else",
    },
    {
      pattern: new RegExp(`^${ledger}channel:(?:email|slack)$`),
      kind: 'operational',
      why: "a notice worker's report that it sends on this channel (lapses after a minute)",
    },
    // Finding records: retention.findings.
    { pattern: new RegExp(`^${k}slack:warned:[^:]+:[0-9.]+$`), kind: 'finding', why: 'this Slack message was warned' },
    { pattern: new RegExp(`^${k}imap:nudged:[0-9a-f]{64}$`), kind: 'finding', why: 'rule ids already nudged about, per draft hash' },
    {
      pattern: new RegExp(`^${k}imap:pending:[0-9a-f]{40}$`),
      kind: 'finding',
      why: 'lease on a nudge being delivered: which job holds it and since when (an hour at most)',
    },
    // Audit events: retention.events.
    { pattern: new RegExp(`^${k}slack:feedback$`), kind: 'event', why: "authors' acknowledgements and false alarms" },
    // Operational: no finding, no message data.
    { pattern: new RegExp(`^${k}slack:event:[A-Za-z0-9]+$`), kind: 'operational', why: "Slack event id claim (1 h) so Slack's retries warn once" },
    {
      pattern: new RegExp(`^${k}slack:event:request:[0-9a-f]{64}$`),
      kind: 'operational',
      why: "a signed Slack request's claim (1 h, SHA-256 of its signature) so a replay is dropped",
    },
    {
      pattern: new RegExp(`^${k}slack:members:[A-Z0-9]+$`),
      kind: 'operational',
      why: "a channel's member ids (1 h, or until someone joins or leaves): who a message is to",
    },
    {
      pattern: new RegExp(`^${k}slack:members-epoch:[A-Z0-9]+$`),
      kind: 'operational',
      why: "a counter of a channel's joins and leaves (1 h), so a stale member list is not stored",
    },
    { pattern: new RegExp(`^${k}imap:cursor:[^:]+:[0-9a-f]{16}$`), kind: 'operational', why: 'IMAP folder cursor: UIDVALIDITY and last UID' },
    {
      pattern: new RegExp(`^${lint}events$`),
      kind: 'operational',
      why: "BullMQ's event stream: job ids (Slack event ids, draft hashes) and counts {findings, delivered}, no rule or text; capped by BullMQ at 10,000 entries",
    },
    { pattern: new RegExp(`^${lint}${bullMeta}$`), kind: 'operational', why: 'BullMQ lint queue bookkeeping (ids, counters, settings)' },
    { pattern: new RegExp(`^${notices}${bullMeta}$`), kind: 'operational', why: 'BullMQ notices queue bookkeeping' },
    { pattern: new RegExp(`^${notices}events$`), kind: 'operational', why: "BullMQ's event stream for notices: notice ids and outcomes" },
    {
      pattern: new RegExp(`^${notices}[^:]+(?::(?:dependencies|processed|unsuccessful|failed|lock))?$`),
      kind: 'operational',
      why: 'notice, round and reminder jobs: ids only ({noticeId} / {roundId} / {offerId}); BullMQ removes them 7 days after completion (30 after failure)',
    },
  ];
}

interface Seen {
  key: string;
  kind: Class | 'unclassified';
  pttl: number;
}

async function scan(redis: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

async function classify(redis: Redis, prefixes: string[], table: Rule[]): Promise<Seen[]> {
  const out: Seen[] = [];
  for (const prefix of prefixes) {
    for (const key of await scan(redis, `${prefix}*`)) {
      const rule = table.find((r) => r.pattern.test(key));
      out.push({ key, kind: rule?.kind ?? 'unclassified', pttl: await redis.pttl(key) });
    }
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

let h: Harness;
let w: World;
let smtp: SmtpSink;
let briefingSlack: BriefingSlackStub;
let council: Council;
const textMarker = `zqret${randomUUID().replace(/-/g, '').slice(0, 12)}`;

beforeAll(async () => {
  council = councilWithRetention();
  const linter = createLinter({ council, packs: loadProtocolPacks(), lexicon: loadLexicon(), resources: loadResources(), model: loadModel() });
  h = await startHarness({ linter });
  smtp = await SmtpSink.start();
  briefingSlack = await BriefingSlackStub.start();
  w = await world({ smtp, slack: briefingSlack, council, label: 'retention' });
});

afterAll(async () => {
  await h?.close();
  await w?.close();
  await smtp?.stop();
  await briefingSlack?.stop();
});

describe('retention of findings and audit events; the briefing register is kept', () => {
  it('every stored key is classified; findings and events expire after the council’s period, the register stays', async () => {
    // Slack: a warning, then "False alarm" on it.
    const event = messageEvent({ channel: 'C0RETAIN', text: `${CAMPAIGN_REQUEST} ${textMarker}` });
    await h.postEvent(event);
    const ephemeral = await h.stub.waitFor((c) => c.method === 'chat.postEphemeral' && c.args.channel === 'C0RETAIN');
    const warnedKey = `${h.keyPrefix}slack:warned:C0RETAIN:${String(event.ts)}`;
    await until(async () => (await h.redis.exists(warnedKey)) === 1, 'warned marker');
    const actions = (ephemeral.args.blocks as { type: string; elements?: { action_id: string; value?: string }[] }[]).find((b) => b.type === 'actions');
    const falseAlarm = actions!.elements!.find((b) => b.action_id === ACTION.falseAlarm)!;
    const clicked = await h.postInteraction({
      type: 'block_actions',
      user: { id: COUNCILLOR, username: 'daniel.okafor', name: 'daniel.okafor', team_id: TEAM },
      trigger_id: 'trig-retain',
      container: { type: 'message', is_ephemeral: true },
      channel: { id: 'C0RETAIN', name: 'planning' },
      response_url: h.stub.responseUrl('retain-1'),
      actions: [
        { type: 'button', action_id: falseAlarm.action_id, block_id: 'probity_warning_actions', value: falseAlarm.value, action_ts: `${Date.now() / 1000}` },
      ],
    });
    expect(clicked.status).toBe(200);
    await until(async () => (await h.feedback.list()).some((r) => r.ts === String(event.ts)), 'feedback record');
    // The lint job (which carried the text) is gone once it completes.
    await until(
      async () => (await h.lint.queue.getJobCountByTypes('wait', 'active', 'delayed', 'completed', 'failed', 'prioritized')) === 0,
      'lint queue drained',
    );

    // IMAP: a nudge claimed with the TTL the lint worker derives from the council (imap-draft-processor), and a cursor.
    const drafts = new DraftState(h.redis, h.keyPrefix, { nudgedTtlSeconds: Math.ceil(council.retention.findings / 1000) });
    const keys = draftKeys('main', '<draft-1@ashcombe.gov.uk>', {
      from: 'daniel.okafor@ashcombe.gov.uk',
      to: ['amir.patel@ashcombe.gov.uk'],
      cc: [],
      bcc: [],
      subject: 'Leaflets',
      text: textMarker,
    });
    // One nudge delivered (its rules recorded under both of the draft's names), and one claimed but not delivered (its lease).
    expect(await drafts.claimNudge(keys, ['political-request'], NUDGE_ID, 'job:retention')).toEqual({
      kind: 'deliver',
      lease: 'new',
      rules: ['political-request'],
    });
    await drafts.finishNudge(keys, ['political-request'], NUDGE_ID, 'job:retention');
    expect(await drafts.claimNudge(keys, ['derogatory'], OTHER_NUDGE_ID, 'job:retention')).toEqual({ kind: 'deliver', lease: 'new', rules: ['derogatory'] });
    await drafts.setCursor('main', 'Drafts', { uidValidity: '1', lastUid: 7 });

    // Briefings: a request approved into a round; every notice sent.
    const req = await w.svc.request(actors.labourLeader, LABOUR_REQUEST);
    const { round } = await w.svc.decide(actors.authoriser, req.id, { decision: 'approve' });
    const view = await w.svc.roundView(round!.id);
    const noticeIds = view.offers.flatMap((o) => o.noticeIds);
    expect(noticeIds.length).toBeGreaterThan(0);
    await settled(w, noticeIds);
    await until(async () => (await w.store.outbox()).length === 0, 'outbox dispatched');
    // The round's parent job records "notices settled" once its children are done: let it, so the snapshot is stable.
    await until(async () => (await w.dispatcher.queue.getJobCountByTypes('wait', 'active', 'waiting-children', 'prioritized')) === 0, 'notices queue idle');
    // A group answers through its notice's link (the link's nonce is claimed), and a worker reports its channels.
    const tory = view.offers.find((o) => o.party.id === 'conservative')!;
    const link = w.links.offer({
      offerId: tory.id,
      party: 'conservative',
      person: 'cllr-webb',
      expiresAt: tory.expiresAt!,
      noticeId: `${tory.id}-offer-email`,
    });
    await w.answers.answerOffer(link.slice(link.lastIndexOf('/') + 1), { response: 'accept' }, 'page');
    await new ChannelHealth(w.redis, w.ledgerPrefix).report(['email'], 'retention-test');
    const auditBefore = await w.store.auditEvents();
    expect(verifyChain(auditBefore, await w.store.head())).toMatchObject({ ok: true });

    // Classify every key.
    const table = rules(h.prefix, w.prefix);
    const seen = await classify(h.redis, [h.prefix, w.prefix], table);
    expect(seen.filter((s) => s.kind === 'unclassified').map((s) => s.key)).toEqual([]);
    const of = (kind: Class) => seen.filter((s) => s.kind === kind);
    // Each kind of record this test wrote is there (so the checks below are not vacuous).
    expect(of('finding').map((s) => s.key)).toEqual(expect.arrayContaining([warnedKey, ...keys.map((d) => `${h.keyPrefix}imap:nudged:${d}`)]));
    expect(of('event').map((s) => s.key)).toEqual([`${h.keyPrefix}slack:feedback`]);
    const register = of('register');
    for (const needed of [':ledger:audit', ':ledger:head', ':ledger:e:request:', ':ledger:e:round:', ':ledger:sent:']) {
      expect(
        register.some((s) => s.key.includes(needed)),
        needed,
      ).toBe(true);
    }
    for (const s of register) expect(s.pttl, s.key).toBe(-1);
    for (const s of of('finding')) {
      expect(s.pttl, s.key).toBeGreaterThan(0);
      expect(s.pttl, s.key).toBeLessThanOrEqual(FINDINGS_MS);
    }
    for (const s of of('event')) {
      expect(s.pttl, s.key).toBeGreaterThan(0);
      expect(s.pttl, s.key).toBeLessThanOrEqual(EVENTS_MS);
    }
    // No message text anywhere, whatever its class; queued notice work carries ids only.
    for (const prefix of [h.prefix, w.prefix]) {
      for (const [key, value] of await dumpKeys(h.redis, `${prefix}*`)) {
        expect(key).not.toContain(textMarker);
        expect(value, key).not.toContain(textMarker);
      }
    }
    for (const s of of('operational').filter((o) => o.key.startsWith(`${w.prefix}-bull:notices:`))) {
      const data = (await h.redis.type(s.key)) === 'hash' ? await h.redis.hget(s.key, 'data') : null;
      if (data !== null)
        expect(
          Object.keys(JSON.parse(data) as object).every((f) => ['noticeId', 'roundId', 'offerId', 'reminder'].includes(f)),
          s.key,
        ).toBe(true);
    }

    // Past the period: findings and events are gone, the register is whole.
    const expiring = [...of('finding'), ...of('event')].map((s) => s.key);
    await until(async () => (await h.redis.exists(...expiring)) === 0, 'findings and events expired');
    expect(await h.feedback.list()).toEqual([]);
    for (const s of register) {
      expect(await h.redis.exists(s.key), s.key).toBe(1);
      expect(await h.redis.pttl(s.key), s.key).toBe(-1);
    }
    const auditAfter = await w.store.auditEvents();
    expect(auditAfter).toEqual(auditBefore);
    expect(verifyChain(auditAfter, await w.store.head())).toEqual({ ok: true, count: auditBefore.length, head: await w.store.head() });
    expect((await w.svc.roundView(round!.id)).offers.flatMap((o) => o.notices).every((n) => n.state === 'sent')).toBe(true);
    // The same claim can be made again: the draft is no longer remembered.
    expect(await drafts.claimNudge(keys, ['political-request'], NUDGE_ID, 'job:retention-2')).toEqual({
      kind: 'deliver',
      lease: 'new',
      rules: ['political-request'],
    });
  });

  it('a feedback record older than the period goes at the next write, even in a stream that is still live', async () => {
    // A, then M half a period later (the stream now lives until M + period), then B once A is past the period:
    // the write of B must drop A. (Had the stream expired first, A would be gone anyway: this can pass early under
    // load, never fail wrongly.)
    const keyPrefix = `${h.keyPrefix}next-write:`;
    const store = redisFeedbackStore(h.redis, { keyPrefix, retentionMs: EVENTS_MS });
    const serverMs = async () => {
      const [seconds, micro] = await h.redis.time();
      return Number(seconds) * 1000 + Math.floor(Number(micro) / 1000);
    };
    const write = (n: number) => store.record({ kind: 'false-alarm', findings: [], user: COUNCILLOR, channel: 'C0TRIM', ts: `1700000000.00000${n}` });
    const a = Number((await write(1)).split('-')[0]);
    await until(async () => (await serverMs()) > a + EVENTS_MS / 2, 'half a period');
    await write(2);
    await until(async () => (await serverMs()) > a + EVENTS_MS, 'A past the period');
    await write(3);
    const left = (await store.list()).map((r) => r.ts);
    expect(left).toContain('1700000000.000003');
    expect(left).not.toContain('1700000000.000001');
  });

  it("trim() removes records older than the period without waiting for a write, on Redis's clock, and re-sets the expiry", async () => {
    const keyPrefix = `${h.keyPrefix}trim:`;
    const key = `${keyPrefix}slack:feedback`;
    const store = redisFeedbackStore(h.redis, { keyPrefix, retentionMs: 60_000 });
    const [seconds] = await h.redis.time();
    const serverNow = Number(seconds) * 1000;
    // Two records written 70 s and 10 s ago by Redis's clock (entry ids are Redis times), one just now.
    await h.redis.xadd(key, `${serverNow - 70_000}-0`, 'kind', 'false-alarm', 'ts', '1700000000.000001');
    await h.redis.xadd(key, `${serverNow - 10_000}-0`, 'kind', 'false-alarm', 'ts', '1700000000.000002');
    expect(await store.trim()).toBe(1);
    expect((await store.list()).map((r) => r.ts)).toEqual(['1700000000.000002']);
    // The key now expires one period after its newest entry (10 s ago): about 50 s.
    const pttl = await h.redis.pttl(key);
    expect(pttl).toBeGreaterThan(40_000);
    expect(pttl).toBeLessThanOrEqual(50_000);

    // The council lengthens the period: the next sweep moves the expiry out without waiting for a write.
    const longer = redisFeedbackStore(h.redis, { keyPrefix, retentionMs: 3_600_000 });
    expect(await longer.trim()).toBe(0);
    expect(await h.redis.pttl(key)).toBeGreaterThan(3_500_000);
  });

  it.skipIf(!DOVECOT_BIN)('the imap-draft processor gives its nudged sets the council’s findings retention (real Dovecot)', async () => {
    const dovecot = new Dovecot();
    await dovecot.start();
    try {
      const user = `retention-${randomUUID().slice(0, 8)}`;
      const config = dovecotMailbox(dovecot, user);
      const source = [
        'From: daniel.okafor@ashcombe.gov.uk',
        'To: amir.patel@ashcombe.gov.uk',
        'Subject: Leaflets',
        'Message-ID: <retention-1@example.test>',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        '',
        `I want you to print 500 leaflets for our Labour campaign by Friday. ${textMarker}`,
        '',
      ].join('\r\n');
      const appended = await withImap(dovecot, user, (client) => client.append('Drafts', source, ['\\Draft']));
      expect(appended && appended.uid && appended.uidValidity).toBeTruthy();

      const keyPrefix = `${h.keyPrefix}imap-processor:`;
      const imap = {
        mailboxes: new Map([[config.id, config]]),
        minSeverity: 'warning' as const,
        nudgeFrom: 'Probity <probity@ashcombe.gov.uk>',
        keyword: '$ProbityChecked',
      };
      const result = await imapDraftProcessor(
        { mailbox: config.id, folder: 'Drafts', uidValidity: String(appended && appended.uidValidity), uid: Number(appended && appended.uid) },
        { linter: h.linter, redis: h.redis, keyPrefix, log: h.log, imap, rateLimit: async () => {} },
        { id: 'retention-1', name: 'imap-draft', attemptsMade: 0 },
      );
      expect(result.delivered).toBe('imap-nudge');
      const nudged = await scan(h.redis, `${keyPrefix}imap:nudged:*`);
      expect(nudged).toHaveLength(2); // the Message-ID hash and the content hash
      for (const key of nudged) {
        const pttl = await h.redis.pttl(key);
        expect(pttl, key).toBeGreaterThan(0);
        expect(pttl, key).toBeLessThanOrEqual(FINDINGS_MS);
      }
      await until(async () => (await h.redis.exists(...nudged)) === 0, 'nudged sets expired');
    } finally {
      await dovecot.dispose();
    }
  });

  it('an unclassified key fails the classification', async () => {
    const stray = `${h.keyPrefix}slack:something-new:1`;
    await h.redis.set(stray, '1');
    try {
      const seen = await classify(h.redis, [h.prefix], rules(h.prefix, w.prefix));
      expect(seen.find((s) => s.key === stray)?.kind).toBe('unclassified');
    } finally {
      await h.redis.del(stray);
    }
  });
});
