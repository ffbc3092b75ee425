/**
 * Privacy: a unique marker in the message body, through the channels, must appear in no log line, no Redis key or
 * value under the run's prefix, and no file written.
 *
 *   1. The API server as a real process (src/http/server.ts, pino at `trace`, its stdout/stderr captured, HOME and
 *      TMPDIR in a fresh temp dir): checks that succeed, 400 (bad field, bad JSON), 413 and 401, all with the
 *      marker in the body (and the token). Then its Redis prefix and the temp dir are searched.
 *   2. The check route with an engine that throws an error quoting the text: the 500 and its log line carry no text.
 *   3. Slack: `/probity <draft>` through Bolt, the lint queue and the real `slack-check` processor (the message
 *      event path is already covered by test/slack/message-events.test.ts "privacy").
 *   4. `probity check` reading stdin as a real process with HOME/TMPDIR/cwd in a temp dir: no file holds the marker.
 *   5. `probity audit` of a folder of .eml and of a Slack export, JSON and HTML reports and resume state, without
 *      `--excerpts`: no file written holds the marker, nor the senders' addresses (pseudonyms by default).
 *   6. IMAP: a draft saved in a real Dovecot, through the watcher and lint worker as real processes (logs at debug):
 *      the nudge reaches the author's INBOX; no log line, Redis key or value, or file written holds the marker.
 * (Outlook's add-in checks through /v1/check: section 1.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/http/auth.js';
import { checkRoutes } from '../../src/http/check.route.js';
import type { Linter } from '../../src/lint/engine.js';
import { deletePrefix, freePort, sharedRedis, uniquePrefix } from '../briefings/redis-helpers.js';
import { until } from '../briefings/world.js';
import { CAMPAIGN_REQUEST, COUNCILLOR, dumpKeys, startHarness, type Harness } from '../slack/harness.js';
import { DOVECOT_BIN, Dovecot, mailboxEnv, withImap } from '../imap/dovecot.js';
import { ledgerEnv } from '../helpers/ledger-env.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = import.meta.resolve('tsx');
const SECRET = 'privacy-test-secret-0123456789abcdefghijk';
const marker = () => `zqmark${randomUUID().replace(/-/g, '').slice(0, 12)}`;

/** Every regular file under dir whose bytes contain `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && st.size < 50 * 1024 * 1024 && readFileSync(p).includes(needle)) hits.push(p);
    }
  };
  walk(dir);
  return hits;
}

describe('the API server process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'probity-privacy-api-'));
  const prefix = uniquePrefix('privacy-api');
  const redis = sharedRedis();
  const m = marker();
  let child: ChildProcess;
  let output = '';
  let port = 0;

  beforeAll(async () => {
    port = await freePort();
    child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'workers/api.ts')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        TMPDIR: dir,
        PORT: String(port),
        HOST: '127.0.0.1',
        PROBITY_TOKEN_SECRET: SECRET,
        ...ledgerEnv(),
        PROBITY_LINK_KEYS: 'k1:link-key-for-process-tests-0123456789abcdef',
        PROBITY_COUNCIL: join(ROOT, 'examples/council.yaml'),
        REDIS_URL: process.env.PROBITY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
        PROBITY_LEDGER_PREFIX: `${prefix}:ledger`,
        PROBITY_QUEUE_PREFIX: `${prefix}-bull`,
        LOG_LEVEL: 'trace',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString('utf8')));
    await until(() => /Server listening/.test(output) || child.exitCode !== null, 'server up');
    expect(child.exitCode, output).toBeNull();
  }, 60_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    await deletePrefix(redis, prefix);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs every request, but never the marker, and keeps it nowhere in Redis or on disk', async () => {
    const token = issueToken(SECRET, { sub: 'outlook-addin', role: 'checker', exp: Math.floor(Date.now() / 1000) + 3600 });
    const post = async (body: string, auth = `Bearer ${token}`) => {
      for (let attempt = 0; ; attempt++) {
        const r = await fetch(`http://127.0.0.1:${port}/v1/check`, {
          method: 'POST',
          headers: { authorization: auth, 'content-type': 'application/json' },
          body,
        });
        if (r.status !== 503 || attempt >= 20) return { status: r.status, text: await r.text() };
        await new Promise((res) => setTimeout(res, 250));
      }
    };
    const message = {
      channel: 'email',
      from: 'daniel.okafor@ashcombe.gov.uk',
      to: ['amir.patel@ashcombe.gov.uk'],
      subject: `Leaflets ${m}`,
      text: `I want you to print 500 leaflets for our Labour campaign by Friday. ${m}`,
      html: `<p>${m}</p>`,
    };

    const ok = await post(JSON.stringify(message));
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('political-request');
    expect((await post(JSON.stringify({ ...message, channel: m }))).status).toBe(400);
    expect((await post(JSON.stringify({ ...message, sentAt: m }))).status).toBe(400);
    expect((await post(JSON.stringify({ ...message, to: [m.repeat(30)] }))).status).toBe(400);
    const badJson = await post(`{"channel":"email","text":"${m}`);
    expect(badJson.status).toBe(400);
    expect(badJson.text).not.toContain(m);
    expect((await post(JSON.stringify({ ...message, text: `${m} `.repeat(30_000) }))).status).toBe(413);
    expect((await post(JSON.stringify(message), `Bearer pb1.${m}.${m}`)).status).toBe(401);
    expect((await post(JSON.stringify(message), 'Bearer ' + token.replace(/\.[^.]+$/, `.${m}`))).status).toBe(401);

    // Graceful stop, so everything buffered is flushed to the captured streams.
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));

    const lines = output.split('\n').filter(Boolean);
    expect(lines.filter((l) => l.includes('incoming request')).length).toBeGreaterThanOrEqual(8);
    expect(lines.filter((l) => l.includes(m))).toEqual([]);
    for (const [key, value] of await dumpKeys(redis, `${prefix}*`)) {
      expect(key).not.toContain(m);
      expect(value, key).not.toContain(m);
    }
    expect(filesContaining(dir, m)).toEqual([]);
  });
});

describe('the check route when the engine fails', () => {
  it('answers 500 without the text, and logs only the error name and code', async () => {
    const m = marker();
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const throwing = {
      lint(message: { text: string }) {
        const err = new Error(`engine failed on: ${message.text}`) as Error & { code?: string };
        err.code = 'E_TEST';
        throw err;
      },
    } as unknown as Linter;
    const app = Fastify({ logger: { level: 'trace', stream } });
    await app.register(checkRoutes, { linter: throwing, auth: { secret: SECRET }, overload: false });
    await app.ready();
    try {
      const token = issueToken(SECRET, { sub: 'outlook-addin', role: 'checker', exp: Math.floor(Date.now() / 1000) + 3600 });
      const r = await app.inject({
        method: 'POST',
        url: '/v1/check',
        headers: { authorization: `Bearer ${token}` },
        payload: { channel: 'email', from: 'a@b.example', text: `hello ${m}` },
      });
      expect(r.statusCode).toBe(500);
      expect(r.body).not.toContain(m);
      expect(lines.some((l) => l.includes('check failed'))).toBe(true);
      expect(lines.filter((l) => l.includes(m))).toEqual([]);
    } finally {
      await app.close();
    }
  });
});

describe('Slack: /probity <draft> through the queue', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers privately with the findings, and leaves the marker in no log record and no Redis key or value', async () => {
    const m = marker();
    const response = await h.postCommand({
      user_id: COUNCILLOR,
      user_name: 'daniel.okafor',
      text: `${CAMPAIGN_REQUEST} ${m}`,
      response_url: h.stub.responseUrl(`cmd-${m}`),
      trigger_id: `${Date.now()}.1.deadbeef`,
    });
    expect(response.status).toBe(200);
    await h.stub.waitFor((c) => c.method === 'response' && c.responseId === `cmd-${m}`);
    // The job is removed on completion; wait for the queue to be empty of it.
    await until(async () => (await h.lint.queue.getJobCounts('active', 'wait', 'delayed', 'completed', 'failed')).active === 0, 'queue drained');
    await until(async () => {
      for (const [key, value] of await h.dumpKeys()) if (key.includes(m) || value.includes(m)) return false;
      return true;
    }, 'no marker in Redis');
    expect(JSON.stringify(h.log.records)).not.toContain(m);
  });
});

describe('probity check (a real process reading stdin)', () => {
  it('writes no file holding the message, wherever it could', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'probity-privacy-cli-'));
    const m = marker();
    try {
      const input = `${JSON.stringify({ id: 'one', channel: 'email', from: 'daniel.okafor@ashcombe.gov.uk', to: ['amir.patel@ashcombe.gov.uk'], text: `I want you to print 500 leaflets for our Labour campaign by Friday. ${m}` })}\n`;
      const child = spawn(
        process.execPath,
        ['--import', TSX, join(ROOT, 'src/cli/main.ts'), 'check', '--council', join(ROOT, 'examples/council.yaml'), '--fail-on', 'never', '-'],
        {
          cwd: dir,
          env: { PATH: process.env.PATH ?? '', HOME: dir, TMPDIR: dir, NO_COLOR: '1' },
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      );
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
      child.stdin.end(input);
      const code = await new Promise<number | null>((r) => child.once('exit', r));
      expect(code, out).toBe(0);
      expect(out).toContain('political-request'); // the terminal is the user's own: findings show there
      expect(filesContaining(dir, m)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('probity audit (a real process) without --excerpts', () => {
  async function run(args: string[], cwd: string): Promise<{ code: number | null; out: string }> {
    const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'src/cli/main.ts'), 'audit', ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, TMPDIR: cwd, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    return { code, out };
  }

  it('writes reports and state that hold neither the message nor who wrote it', async () => {
    const input = mkdtempSync(join(tmpdir(), 'probity-privacy-audit-in-'));
    const work = mkdtempSync(join(tmpdir(), 'probity-privacy-audit-out-'));
    const m = marker();
    try {
      const eml = join(input, 'mail');
      mkdirSync(eml);
      for (let i = 0; i < 3; i++) {
        writeFileSync(
          join(eml, `${i}.eml`),
          `From: Daniel Okafor <daniel.okafor@ashcombe.gov.uk>\r\nTo: amir.patel@ashcombe.gov.uk\r\nSubject: Leaflets ${m}\r\nMessage-ID: <${m}-${i}@ashcombe.gov.uk>\r\nDate: Tue, 12 May 2026 09:00:00 +0100\r\n\r\nI want you to print 500 leaflets for our Labour campaign by Friday. ${m}\r\n`,
        );
      }
      const slack = join(input, 'slack');
      mkdirSync(join(slack, 'general'), { recursive: true });
      writeFileSync(join(slack, 'users.json'), JSON.stringify([{ id: 'U0OKAFOR', profile: { email: 'daniel.okafor@ashcombe.gov.uk' } }]));
      writeFileSync(
        join(slack, 'general', '2026-05-12.json'),
        JSON.stringify([
          {
            type: 'message',
            user: 'U0OKAFOR',
            text: `<@U0PATEL> I want you to print 500 leaflets for our Labour campaign by Friday. ${m}`,
            ts: '1778572800.000100',
          },
        ]),
      );

      for (const [name, path] of [
        ['eml', eml],
        ['slack', slack],
      ] as const) {
        const r = await run(
          [path, '--council', join(ROOT, 'examples/council.yaml'), '--json', join(work, `${name}.json`), '--html', join(work, `${name}.html`), '--no-progress'],
          work,
        );
        expect([0, 1], r.out).toContain(r.code);
        expect(readFileSync(join(work, `${name}.json`), 'utf8')).toMatch(/political-request/);
      }
      expect(filesContaining(work, m)).toEqual([]);
      expect(filesContaining(work, 'daniel.okafor')).toEqual([]);
    } finally {
      rmSync(input, { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
    }
  }, 120_000);
});

describe.skipIf(!DOVECOT_BIN)('IMAP: a saved draft through the watcher and lint worker processes (real Dovecot)', () => {
  const prefix = uniquePrefix('privacy-imap');
  let dir: string;
  let redis: ReturnType<typeof sharedRedis>;
  const user = `privacy${randomUUID().slice(0, 6)}`;
  const children: ChildProcess[] = [];
  let output = '';
  let dovecot: Dovecot;

  const start = (script: string, env: Record<string, string>) => {
    const child = spawn(process.execPath, ['--import', TSX, join(ROOT, script)], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        TMPDIR: dir,
        REDIS_URL: process.env.PROBITY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
        PROBITY_REDIS_PREFIX: prefix,
        PROBITY_COUNCIL: join(ROOT, 'examples/council.yaml'),
        LOG_LEVEL: 'debug',
        PROBITY_IMAP_MAILBOXES: 'clerk',
        ...mailboxEnv(dovecot, user),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString('utf8')));
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'probity-privacy-imap-'));
    redis = sharedRedis();
    dovecot = new Dovecot();
    await dovecot.start();
  }, 60_000);

  afterAll(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await new Promise((r) => child.once('exit', r));
      }
    }
    await deletePrefix(redis, prefix);
    redis.disconnect();
    await dovecot?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('nudges the author, and leaves the marker in no log line (at debug), no Redis key or value and no file', async () => {
    const m = marker();
    const worker = start('workers/lint.worker.ts', {});
    const watcher = start('workers/imap-watcher.ts', { PROBITY_IMAP_DEBOUNCE_MS: '200' });
    await until(
      () => (/lint worker ready/.test(output) && /imap watcher started/.test(output)) || worker.exitCode !== null || watcher.exitCode !== null,
      'processes up',
    );
    expect([worker.exitCode, watcher.exitCode], output).toEqual([null, null]);

    await withImap(dovecot, user, (client) =>
      client.append(
        'Drafts',
        `From: daniel.okafor@ashcombe.gov.uk\r\nTo: amir.patel@ashcombe.gov.uk\r\nSubject: Leaflets ${m}\r\nMessage-ID: <${m}@ashcombe.gov.uk>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHi Amir, I want you to print 500 leaflets for our Labour campaign by Friday. ${m}\r\n`,
        ['\\Draft'],
      ),
    );
    // The nudge arrives in the author's own INBOX (quoting the draft there is the point of it).
    const nudge = await until(
      () =>
        withImap(dovecot, user, async (client) => {
          const lock = await client.getMailboxLock('INBOX');
          try {
            if ((client.mailbox as { exists: number }).exists === 0) return '';
            const first = await client.fetchOne('1', { source: true });
            return first && first.source ? first.source.toString('utf8') : '';
          } finally {
            lock.release();
          }
        }),
      'nudge in INBOX',
      200,
    );
    expect(nudge).toContain('political-request');

    // Graceful stop, so everything buffered is flushed to the captured streams.
    for (const child of [watcher, worker]) {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
    }
    const lines = output.split('\n').filter(Boolean);
    expect(
      lines.some((l) => l.includes('imap draft checked') && l.includes('nudged')),
      output.slice(-2000),
    ).toBe(true);
    expect(lines.filter((l) => l.includes(m))).toEqual([]);
    for (const [key, value] of await dumpKeys(redis, `${prefix}*`)) {
      expect(key).not.toContain(m);
      expect(value, key).not.toContain(m);
    }
    expect(filesContaining(dir, m)).toEqual([]);
  }, 120_000);
});
