/** The API as a real process (src/http/server.ts): starts from the environment, serves, enqueues, stops cleanly. */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { ChannelHealth } from '../../src/notices/channel-health.js';
import { NOTICES_QUEUE } from '../../src/notices/queue.js';
import { exampleYaml, LABOUR_REQUEST, tokens } from './fixtures.js';
import { deletePrefix, freePort, sharedRedis, SHARED_REDIS_URL, uniquePrefix } from './redis-helpers.js';
import { until } from './world.js';
import { ledgerEnv } from '../helpers/ledger-env.js';

const SECRET = 'server-test-secret-0123456789abcdefghijkl';
const bearer = tokens(SECRET, 600);

describe('the API process', () => {
  const redis = sharedRedis();
  const prefix = uniquePrefix('server');
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('serves the API and the page, moves a round to the queue, makes late offers on SIGHUP, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const councilFile = join(mkdtempSync(join(tmpdir(), 'probity-server-')), 'council.yaml');
    writeFileSync(councilFile, exampleYaml);
    const child = spawn(process.execPath, ['--import', 'tsx', 'workers/api.ts'], {
      cwd: fileURLToPath(new URL('../../', import.meta.url)),
      env: {
        ...process.env,
        PORT: String(port),
        PROBITY_COUNCIL: councilFile,
        PROBITY_TOKEN_SECRET: SECRET,
        ...ledgerEnv(),
        PROBITY_LINK_KEYS: 'k1:link-key-for-process-tests-0123456789abcdef',
        REDIS_URL: SHARED_REDIS_URL,
        PROBITY_LEDGER_PREFIX: `${prefix}:ledger`,
        PROBITY_QUEUE_PREFIX: `${prefix}-bull`,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout.on('data', (c: Buffer) => output.push(c.toString()));
    child.stderr.on('data', (c: Buffer) => output.push(c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const base = `http://127.0.0.1:${port}`;
    try {
      await until(async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.ok, 'server up', 100);
      expect((await fetch(`${base}/office/`)).headers.get('content-security-policy')).toContain("script-src 'self'");
      const created = await fetch(`${base}/v1/briefings`, {
        method: 'POST',
        headers: { authorization: bearer('cllr-hale', 'group-leader', 'labour'), 'content-type': 'application/json' },
        body: JSON.stringify(LABOUR_REQUEST),
      });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const approve = () =>
        fetch(`${base}/v1/briefings/${id}/decision`, {
          method: 'POST',
          headers: { authorization: bearer('o-murray', 'authoriser'), 'content-type': 'application/json' },
          body: JSON.stringify({ decision: 'approve' }),
        });
      // No notice worker has said it is sending: nobody could be told, so the round does not open, and the office
      // can see why before approving.
      const refused = await approve();
      expect(refused.status).toBe(409);
      expect(await refused.json()).toMatchObject({ rule: 'no-working-channel', message: expect.stringMatching(/Green Group \(.*no notice worker/) });
      const delivery = (await (await fetch(`${base}/v1/delivery`, { headers: { authorization: bearer('o-bell', 'ce-office') } })).json()) as {
        ready: boolean;
        parties: { name: string; problems: string[] }[];
      };
      expect(delivery.ready).toBe(false);
      expect(delivery.parties.find((p) => p.name === 'Green Group')!.problems).toContain(
        'Email is not being sent: no notice worker with an SMTP relay (SMTP_URL or SMTP_HOST) is running',
      );
      // A notice worker with email and Slack set up reports in (as workers/notices.worker.ts does).
      await new ChannelHealth(redis, `${prefix}:ledger`).report(['email', 'slack'], 'test-worker');
      const decided = await approve();
      expect(decided.status).toBe(200);
      const { round } = (await decided.json()) as { round: { id: string } };
      const queue = new Queue(NOTICES_QUEUE, { connection: redis, prefix: `${prefix}-bull` });
      const parent = await until(() => queue.getJob(`round-${round.id}`), 'round flow enqueued');
      expect(await parent.getState()).toBe('waiting-children');
      expect((await parent.getDependenciesCount({ unprocessed: true })).unprocessed).toBe(10); // 5 groups × email, Slack
      await queue.close();

      // A group forms mid-round: the directory is edited and the server told to reload.
      writeFileSync(
        councilFile,
        exampleYaml
          .replace('groups:\n', 'groups:\n  - { id: alliance, name: Independent Alliance }\n')
          .replace(
            'people:\n',
            'people:\n  - { id: cllr-a, name: Cllr Ann Ash, email: ann@ashcombe.gov.uk, role: councillor, group: alliance, groupRole: leader }\n  - { id: cllr-b, name: Cllr Bob Birch, role: councillor, group: alliance }\n',
          ),
      );
      child.kill('SIGHUP');
      const roundView = async () =>
        (await (await fetch(`${base}/v1/rounds/${round.id}`, { headers: { authorization: bearer('o-bell', 'ce-office') } })).json()) as {
          offers: { party: { id: string }; kind: string }[];
        };
      await until(async () => (await roundView()).offers.length === 6, 'late offer');
      expect((await roundView()).offers.at(-1)).toMatchObject({ party: { id: 'alliance' }, kind: 'late' });

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output.join('')).not.toContain(LABOUR_REQUEST.details);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});
