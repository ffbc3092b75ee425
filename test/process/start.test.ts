/**
 * Every process as a real child process (workers/*.ts), with a missing, an invalid and a complete environment:
 * the first two stop with one line per problem on stderr and exit 1, never a stack trace; the third starts, logs
 * as pino JSON and exits 0 on SIGTERM. With Redis unreachable the API logs one line, retries, and exits with one
 * line when PROBITY_REDIS_WAIT_MS runs out. SIGHUP reloads council.yaml for /v1/check as well as the briefings.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/http/auth.js';
import { PACKAGE_ROOT } from '../../src/lint/load.js';
import { PROCESSES, type ProcessName } from '../../src/process/settings.js';
import { freePort } from '../helpers/free-port.js';
import { SlackStub } from '../slack/slack-stub.js';
import { ledgerEnv } from '../helpers/ledger-env.js';
import { TEST_QUEUE_KEYS } from '../helpers/queue-keys.js';

const REDIS_URL = process.env.PROBITY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = 'c3f9a1e7b5d2c8f4a6e0b9d3f7a1c5e2';
const SCRIPT: Record<ProcessName, string> = {
  api: 'workers/api.ts',
  'lint-worker': 'workers/lint.worker.ts',
  'notices-worker': 'workers/notices.worker.ts',
  slack: 'workers/slack.ts',
  'imap-watcher': 'workers/imap-watcher.ts',
  'enquiries-worker': 'workers/enquiries.worker.ts',
  'enquiries-imap': 'workers/enquiries-imap.ts',
};
const prefix = `probity-test-start-${randomUUID().slice(0, 8)}`;
const dir = mkdtempSync(join(tmpdir(), 'probity-start-'));
const stub = new SlackStub();
const children: ChildProcess[] = [];

beforeAll(() => stub.start());
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await stub.close();
});

interface Run {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  /** Resolves with the first stdout line containing `text`. */
  line(text: string, timeoutMs?: number): Promise<string>;
  exit(): Promise<number | null>;
}

function start(process: ProcessName, env: Record<string, string>): Run {
  const child = spawn(globalThis.process.execPath, ['--import', 'tsx', SCRIPT[process]], {
    cwd: PACKAGE_ROOT,
    // Nothing inherited but what finds node and tsx: a missing environment is really missing.
    env: { PATH: globalThis.process.env.PATH ?? '', HOME: dir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const run: Run = {
    child,
    stdout: [],
    stderr: [],
    line(text, timeoutMs = 40_000) {
      return new Promise((resolve, reject) => {
        const found = run.stdout.find((l) => l.includes(text));
        if (found) return resolve(found);
        const timer = setTimeout(
          () => reject(new Error(`no "${text}" within ${timeoutMs} ms; stdout: ${run.stdout.join('\n')}; stderr: ${run.stderr.join('\n')}`)),
          timeoutMs,
        );
        const onData = () => {
          const hit = run.stdout.find((l) => l.includes(text));
          if (!hit) return;
          clearTimeout(timer);
          child.stdout!.off('data', onData);
          resolve(hit);
        };
        child.stdout!.on('data', onData);
        child.once('exit', () => {
          clearTimeout(timer);
          const hit = run.stdout.find((l) => l.includes(text));
          if (hit) resolve(hit);
          else reject(new Error(`exited before "${text}"; stderr: ${run.stderr.join('\n')}`));
        });
      });
    },
    async exit() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
  const lines = (into: string[]) => (chunk: Buffer) => into.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  child.stdout!.on('data', lines(run.stdout));
  child.stderr!.on('data', lines(run.stderr));
  return run;
}

/** What each process needs and nothing more (IMAP and SMTP point at closed loopback ports: they start anyway). */
async function completeEnv(process: ProcessName): Promise<Record<string, string> & { PORT?: string; SLACK_PORT?: string }> {
  const common = { PROBITY_COUNCIL: join(PACKAGE_ROOT, 'examples/council.yaml'), REDIS_URL, LOG_LEVEL: 'info' };
  const closed = String(await freePort());
  const mailbox = {
    PROBITY_IMAP_MAIN_HOST: '127.0.0.1',
    PROBITY_IMAP_MAIN_PORT: closed,
    PROBITY_IMAP_MAIN_SECURE: 'false',
    PROBITY_IMAP_MAIN_STARTTLS: 'false',
    PROBITY_IMAP_MAIN_USER: 'clerk',
    PROBITY_IMAP_MAIN_PASSWORD: 'pw',
  };
  const prefixes = {
    PROBITY_REDIS_PREFIX: prefix,
    PROBITY_QUEUE_PREFIX: `${prefix}-bull`,
    PROBITY_LEDGER_PREFIX: `${prefix}:ledger`,
    PROBITY_ENQUIRIES_PREFIX: `${prefix}:enq`,
  };
  const links = { PROBITY_LINK_KEYS: `k1:${SECRET}` };
  switch (process) {
    case 'api':
      return { ...common, ...prefixes, ...links, ...ledgerEnv(), PROBITY_TOKEN_SECRET: SECRET, PORT: String(await freePort()) };
    case 'lint-worker':
      return { ...common, ...prefixes };
    case 'notices-worker':
      return { ...common, ...prefixes, ...links, ...ledgerEnv(), SMTP_URL: `smtp://127.0.0.1:${closed}` };
    case 'slack':
      return {
        ...common,
        ...prefixes,
        PROBITY_QUEUE_KEYS: TEST_QUEUE_KEYS,
        SLACK_BOT_TOKEN: 'xoxb-start-test',
        SLACK_SIGNING_SECRET: 'start-test-signing',
        SLACK_API_URL: stub.apiUrl,
        SLACK_PORT: String(await freePort()),
      };
    case 'imap-watcher':
      return { ...common, ...prefixes, ...mailbox, PROBITY_IMAP_MAILBOXES: 'main' };
    case 'enquiries-worker':
      return { ...common, ...prefixes, PROBITY_TOKEN_SECRET: SECRET };
    case 'enquiries-imap':
      return { ...common, ...prefixes, ...mailbox, PROBITY_ENQUIRY_MAILBOXES: 'main' };
  }
}

const noStack = (lines: string[]) => lines.filter((l) => /^\s+at\s|node:internal|\.ts:\d+:\d+/.test(l));

describe.each(PROCESSES)('%s', (process) => {
  it('with nothing set: one line per missing setting, exit 1, no stack trace', async () => {
    const run = start(process, {});
    expect(await run.exit()).toBe(1);
    expect(run.stderr.length).toBeGreaterThan(0);
    for (const line of run.stderr) expect(line).toMatch(new RegExp(`^${process}: [A-Z][A-Z0-9_]+`));
    const first = process === 'imap-watcher' ? 'PROBITY_IMAP_MAILBOXES' : 'PROBITY_COUNCIL';
    expect(run.stderr.some((l) => l.startsWith(`${process}: ${first} must be set`))).toBe(true);
    expect(noStack(run.stderr)).toEqual([]);
    expect(run.stdout).toEqual([]);
  });

  it('with bad values: one line for each, naming the variable and what it must be', async () => {
    const run = start(process, { ...(await completeEnv(process)), LOG_LEVEL: 'loud', PROBITY_SHUTDOWN_MS: 'soon', REDIS_URL: 'http://127.0.0.1:6379' });
    expect(await run.exit()).toBe(1);
    expect(run.stderr).toEqual([
      `${process}: LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent (it is "loud")`,
      `${process}: PROBITY_SHUTDOWN_MS must be a whole number (it is "soon")`,
      `${process}: REDIS_URL must be a URL starting redis:// or rediss:// (it is "http://127.0.0.1:6379")`,
    ]);
  });

  // The IMAP drafts watcher reads no council.yaml: it queues drafts by reference.
  it.skipIf(process === 'imap-watcher')('with a council.yaml that fails validation: its problems, each on a line with the file, exit 1', async () => {
    const file = join(dir, `${process}-broken.yaml`);
    writeFileSync(file, readFileSync(join(PACKAGE_ROOT, 'examples/council.yaml'), 'utf8').replace('out-of-hours: info', 'out-of-hours: loud'));
    const run = start(process, { ...(await completeEnv(process)), PROBITY_COUNCIL: file });
    expect(await run.exit()).toBe(1);
    expect(run.stderr.length).toBeGreaterThan(0);
    for (const line of run.stderr) expect(line.startsWith(`${process}: ${file}: `)).toBe(true);
    expect(run.stderr.join('\n')).toMatch(/out-of-hours/);
    expect(noStack(run.stderr)).toEqual([]);
  });

  it('with a complete environment: starts, logs pino JSON lines, is healthy, exits 0 on SIGTERM', { timeout: 90_000 }, async () => {
    if (process === 'slack') stub.script('auth.test', { body: { ok: true, user_id: 'U0PROBITY', bot_id: 'B0PROBITY', team_id: 'T0ASHCOMBE' } });
    const env = await completeEnv(process);
    const run = start(process, env);
    const started = JSON.parse(await run.line(`"${process} started"`)) as Record<string, unknown>;
    expect(started).toMatchObject({ level: 'info', name: process, msg: `${process} started` });
    expect(typeof started.time).toBe('string');
    // The container healthcheck: /healthz for the HTTP processes, the heartbeat for the workers.
    const target = process === 'api' ? `http://127.0.0.1:${env.PORT}/healthz` : process === 'slack' ? `http://127.0.0.1:${env.SLACK_PORT}/healthz` : process;
    const health = spawnSync(globalThis.process.execPath, ['--import', 'tsx', 'workers/healthcheck.ts', target], { cwd: PACKAGE_ROOT, encoding: 'utf8' });
    expect(health.status, health.stderr).toBe(0);
    run.child.kill('SIGTERM');
    expect(await run.exit()).toBe(0);
    for (const line of run.stdout) expect(() => JSON.parse(line), line).not.toThrow();
    expect(run.stdout.some((l) => l.includes(`"${process} stopped"`))).toBe(true);
    expect(run.stderr).toEqual([]);
  });
});

describe('the API with Redis unreachable at start', () => {
  it('logs one line, retries until PROBITY_REDIS_WAIT_MS, then exits 1 with one line and no stack trace', async () => {
    const closed = await freePort();
    const run = start('api', { ...(await completeEnv('api')), REDIS_URL: `redis://127.0.0.1:${closed}`, PROBITY_REDIS_WAIT_MS: '3000' });
    expect(await run.exit()).toBe(1);
    expect(run.stdout).toHaveLength(1);
    expect(JSON.parse(run.stdout[0]!)).toMatchObject({
      level: 'warn',
      name: 'api',
      code: 'ECONNREFUSED',
      msg: `Redis at 127.0.0.1:${closed} unreachable; retrying`,
    });
    expect(run.stderr).toEqual([`api: Redis at 127.0.0.1:${closed} not reachable after 3 s (ECONNREFUSED)`]);
  });
});

describe('SIGHUP', () => {
  it('reloads council.yaml for /v1/check, not only for the briefings; a broken file is logged and the previous kept', async () => {
    const file = join(dir, 'council.yaml');
    const example = readFileSync(join(PACKAGE_ROOT, 'examples/council.yaml'), 'utf8');
    writeFileSync(file, example);
    const env = { ...(await completeEnv('api')), PROBITY_COUNCIL: file };
    const run = start('api', env);
    await run.line('"api started"');
    const token = issueToken(SECRET, { sub: 'start-test', role: 'checker', exp: Math.floor(Date.now() / 1000) + 600 });
    const message = JSON.parse(
      readFileSync(join(PACKAGE_ROOT, 'examples/messages.jsonl'), 'utf8')
        .split('\n')
        .find((l) => l.includes('"instruction-to-junior-officer"'))!,
    ) as Record<string, unknown>;
    const rules = async () => {
      let response: Response;
      // The check route's overload guard answers 503 + Retry-After while a busy test box lags: ask again.
      for (let attempt = 0; ; attempt++) {
        response = await fetch(`http://127.0.0.1:${env.PORT}/v1/check?stage=audit`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(message),
        });
        if (response.status !== 503 || !response.headers.get('retry-after') || attempt >= 40) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(response.status).toBe(200);
      return ((await response.json()) as { findings: { rule: string }[] }).findings.map((f) => f.rule);
    };
    expect(await rules()).toContain('direct-instruction');

    writeFileSync(file, example.replace('  out-of-hours: info', '  out-of-hours: info\n  direct-instruction: off'));
    run.child.kill('SIGHUP');
    await run.line('"council.yaml reloaded"');
    expect(await rules()).not.toContain('direct-instruction');

    writeFileSync(file, example.replace('out-of-hours: info', 'out-of-hours: loud'));
    run.child.kill('SIGHUP');
    expect(JSON.parse(await run.line('reload failed'))).toMatchObject({ level: 'error', msg: 'council.yaml reload failed; keeping the previous one' });
    expect(await rules()).not.toContain('direct-instruction');

    run.child.kill('SIGTERM');
    expect(await run.exit()).toBe(0);
  });
});
