/**
 * Load test for `POST /v1/check`: autocannon against a real listening server at 10, 50 and 200 concurrent
 * clients, then a deliberate overload, printing throughput, p50, p99, errors and status codes.
 *
 *   npx tsx scripts/load-check.ts [--duration 10] [--overload 2000] [--noop]
 *
 * `--noop` swaps the engine for one that finds nothing, to separate the HTTP path's cost from the engine's.
 * The server runs in its own process (as in production), with the real engine, the example council, the check
 * route's default overload guard and nothing else; the bodies are the example messages (examples/messages.jsonl),
 * cycled per connection. Overload must answer 503 with Retry-After, never leave clients to time out.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { issueToken } from '../src/http/auth.js';
import { checkRoutes } from '../src/http/check.route.js';
import type { Linter } from '../src/lint/engine.js';
import { loadLinter, PACKAGE_ROOT } from '../src/lint/load.js';

const SELF = fileURLToPath(import.meta.url);

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

/** Child mode: serve /v1/check on an ephemeral loopback port and report it to the parent. */
async function serve(secret: string, noop: boolean): Promise<void> {
  const app = Fastify({ logger: false });
  const real = loadLinter();
  const linter: Linter = noop ? { council: real.council, rules: () => real.rules(), lint: (m) => ({ ...(m.id ? { id: m.id } : {}), findings: [] }) } : real;
  await app.register(checkRoutes, { linter, auth: { secret } });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  process.send?.({ address });
  process.on('message', (m) => {
    if (m === 'stop') void app.close().then(() => process.exit(0));
  });
}

interface Run {
  label: string;
  connections: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  max: number;
  total: number;
  errors: number;
  timeouts: number;
  statuses: Record<string, number>;
  retryAfterMissing: number;
}

async function measure(url: string, token: string, bodies: string[], connections: number, duration: number, label: string): Promise<Run> {
  let retryAfterMissing = 0;
  const result = await autocannon({
    url: `${url}/v1/check`,
    connections,
    duration,
    // A client that waited this long has given up (the Outlook add-in gives up at ~3 s).
    timeout: 5,
    requests: bodies.map((body) => ({
      method: 'POST' as const,
      path: '/v1/check',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
      onResponse: (status: number, _body: string, _context: object, headers: IncomingHttpHeaders | undefined) => {
        const retryAfter = Object.keys(headers ?? {}).some((name) => name.toLowerCase() === 'retry-after');
        if ((status === 503 || status === 429) && !retryAfter) retryAfterMissing += 1;
      },
    })),
  });
  const statuses: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = stat.count ?? 0;
  return {
    label,
    connections,
    reqPerSec: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    total: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    statuses,
    retryAfterMissing,
  };
}

async function main(): Promise<void> {
  const duration = arg('duration', 10);
  const overload = arg('overload', 2000);
  const secret = randomBytes(32).toString('hex');
  const token = issueToken(secret, { sub: 'load-check', role: 'checker', exp: Math.floor(Date.now() / 1000) + 3600 });
  const bodies = readFileSync(join(PACKAGE_ROOT, 'examples', 'messages.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const { id: _id, label: _label, expected: _expected, ...message } = JSON.parse(line) as Record<string, unknown>;
      return JSON.stringify(message);
    });

  const noop = process.argv.includes('--noop');
  const child = fork(SELF, ['--serve', ...(noop ? ['--noop'] : [])], { env: { ...process.env, LOAD_CHECK_SECRET: secret }, stdio: 'inherit' });
  const { address } = await new Promise<{ address: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { address: string }));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });

  const runs: Run[] = [];
  try {
    await measure(address, token, bodies, 10, 2, 'warm-up');
    for (const connections of [10, 50, 200]) runs.push(await measure(address, token, bodies, connections, duration, `${connections} clients`));
    runs.push(await measure(address, token, bodies, overload, duration, `overload: ${overload} clients`));
  } finally {
    child.send('stop');
  }

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `\nPOST /v1/check${noop ? ' (engine replaced by a no-op: HTTP path only)' : ''} on ${availableParallelism()} × ${cpu}, ` +
      `node ${process.version}, load average ${loadavg()[0]!.toFixed(1)} at the end, ${bodies.length} example messages cycled, ${duration} s per run\n`,
  );
  console.log('| run | req/s | p50 ms | p99 ms | max ms | requests | errors | timeouts | status codes |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const r of runs) {
    const codes = Object.entries(r.statuses).map(([code, n]) => `${code}×${n}`).join(' ');
    console.log(`| ${r.label} | ${Math.round(r.reqPerSec)} | ${r.p50} | ${r.p99} | ${r.max} | ${r.total} | ${r.errors} | ${r.timeouts} | ${codes} |`);
  }
  const shed = runs.reduce((n, r) => n + (r.statuses['503'] ?? 0) + (r.statuses['429'] ?? 0), 0);
  const missing = runs.reduce((n, r) => n + r.retryAfterMissing, 0);
  console.log(`\nshed with 503/429: ${shed}; of those without Retry-After: ${missing}`);
  console.log(`reproduce: npx tsx scripts/load-check.ts --duration ${duration} --overload ${overload}${noop ? ' --noop' : ''}`);
}

if (process.argv.includes('--serve')) {
  await serve(process.env.LOAD_CHECK_SECRET ?? '', process.argv.includes('--noop'));
} else {
  await main();
}
