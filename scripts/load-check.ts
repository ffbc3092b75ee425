/**
 * Load test for `POST /v1/check`: autocannon against a real listening server at 10, 50 and 200 concurrent
 * clients, then a deliberate overload, printing throughput, p50, p99, errors and status codes.
 *
 *   npx tsx scripts/load-check.ts [--duration 10] [--overload 2000] [--noop]
 *
 * `--overload N` puts N requests in flight at once (200 connections, N/200 pipelined on each).
 *
 * `--noop` swaps the engine for one that finds nothing, to separate the HTTP path's cost from the engine's;
 * `--no-guard` turns the overload guard off, to see what it saves.
 * The server runs in its own process (as in production), with the real engine, the example council, the check
 * route's default overload guard and nothing else (listen backlog: LOAD_CHECK_BACKLOG, default 511); the bodies are the example messages (examples/messages.jsonl),
 * cycled per connection. Overload must answer 503 with Retry-After, never leave clients to time out.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
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

/**
 * Child mode for the baseline: a bare node:http server answering every request with a constant. How many
 * requests *it* loses at the overload level shows what the box and the client alone cost.
 */
function serveBare(): void {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"findings":[]}');
    });
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ address: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  process.on('message', (m) => {
    if (m === 'stop') server.close(() => process.exit(0));
  });
}

/** Child mode: serve /v1/check on an ephemeral loopback port and report it to the parent. */
async function serve(secret: string, noop: boolean, guard: boolean): Promise<void> {
  const app = Fastify({ logger: false });
  const real = loadLinter();
  const linter: Linter = noop ? { council: real.council, rules: () => real.rules(), lint: (m) => ({ ...(m.id ? { id: m.id } : {}), findings: [] }) } : real;
  await app.register(checkRoutes, { linter, auth: { secret }, ...(guard ? {} : { overload: false as const }) });
  const address = await app.listen({ port: 0, host: '127.0.0.1', backlog: Number(process.env.LOAD_CHECK_BACKLOG ?? 511) });
  process.send?.({ address });
  const stalls = watchStalls();
  process.on('message', (m) => {
    if (m === 'stats') process.send?.({ stats: stalls.take() });
    if (m === 'stop') void app.close().then(() => process.exit(0));
  });
}

/** The server's longest event-loop stall and GC pause since the last `take()`: where a long tail comes from. */
function watchStalls(): { take(): { maxStallMs: number; maxGcMs: number } } {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let maxGcMs = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) maxGcMs = Math.max(maxGcMs, entry.duration);
  }).observe({ entryTypes: ['gc'] });
  return {
    take() {
      const out = { maxStallMs: Math.round(delay.max / 1e6), maxGcMs: Math.round(maxGcMs) };
      delay.reset();
      maxGcMs = 0;
      return out;
    },
  };
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
  /** The server's longest event-loop stall and GC pause during the run (ms). */
  server?: { maxStallMs: number; maxGcMs: number };
}

function serverStats(child: ChildProcess): Promise<{ maxStallMs: number; maxGcMs: number }> {
  return new Promise((resolve) => {
    const onMessage = (m: unknown) => {
      if (m && typeof m === 'object' && 'stats' in m) {
        child.off('message', onMessage);
        resolve((m as { stats: { maxStallMs: number; maxGcMs: number } }).stats);
      }
    };
    child.on('message', onMessage);
    child.send('stats');
  });
}

async function measure(url: string, token: string, bodies: string[], connections: number, duration: number, label: string, pipelining = 1): Promise<Run> {
  let retryAfterMissing = 0;
  const result = await autocannon({
    url: `${url}/v1/check`,
    connections,
    pipelining,
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

async function startChild(args: string[], secret: string): Promise<{ child: ChildProcess; address: string }> {
  const child = fork(SELF, args, { env: { ...process.env, LOAD_CHECK_SECRET: secret }, stdio: 'inherit' });
  const { address } = await new Promise<{ address: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { address: string }));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, address };
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
  const runs: Run[] = [];
  const guard = !process.argv.includes('--no-guard');
  const check = await startChild(['--serve', ...(noop ? ['--noop'] : []), ...(guard ? [] : ['--no-guard'])], secret);
  try {
    await measure(check.address, token, bodies, 10, 2, 'warm-up');
    await serverStats(check.child);
    const withStats = async (run: Run) => ({ ...run, server: await serverStats(check.child) });
    for (const connections of [10, 50, 200])
      runs.push(await withStats(await measure(check.address, token, bodies, connections, duration, `${connections} clients`)));
    // Overload as requests in flight over 200 connections (pipelined): thousands of TCP connections on one small
    // box measure the kernel and the client's connect path rather than the server (see the baseline row).
    const pipelining = Math.max(1, Math.round(overload / 200));
    runs.push(
      await withStats(
        await measure(check.address, token, bodies, 200, duration, `overload: ${200 * pipelining} in flight (200 conn × ${pipelining})`, pipelining),
      ),
    );
  } finally {
    check.child.send('stop');
  }
  const bare = await startChild(['--serve-bare'], secret);
  try {
    const pipelining = Math.max(1, Math.round(overload / 200));
    runs.push(await measure(bare.address, token, bodies, 200, duration, `baseline: bare node:http, ${200 * pipelining} in flight`, pipelining));
  } finally {
    bare.child.send('stop');
  }

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `\nPOST /v1/check${noop ? ' (engine replaced by a no-op: HTTP path only)' : ''}${guard ? '' : ' WITHOUT the overload guard'} on ${availableParallelism()} × ${cpu}, ` +
      `node ${process.version}, load average ${loadavg()[0]!.toFixed(1)} at the end, ${bodies.length} example messages cycled, ${duration} s per run\n`,
  );
  console.log('| run | req/s | p50 ms | p99 ms | max ms | requests | errors | timeouts | status codes | server stall / GC ms |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|---:|');
  for (const r of runs) {
    const codes = Object.entries(r.statuses)
      .map(([code, n]) => `${code}×${n}`)
      .join(' ');
    console.log(
      `| ${r.label} | ${Math.round(r.reqPerSec)} | ${r.p50} | ${r.p99} | ${r.max} | ${r.total} | ${r.errors} | ${r.timeouts} | ${codes} | ${r.server ? `${r.server.maxStallMs} / ${r.server.maxGcMs}` : ''} |`,
    );
  }
  console.log('\nThe baseline row is a constant-answer server under the same client: timeouts there are the box and the client, not Probity.');
  const shed = runs.reduce((n, r) => n + (r.statuses['503'] ?? 0) + (r.statuses['429'] ?? 0), 0);
  const missing = runs.reduce((n, r) => n + r.retryAfterMissing, 0);
  console.log(`\nshed with 503/429: ${shed}; of those without Retry-After: ${missing}`);
  console.log(`reproduce: npx tsx scripts/load-check.ts --duration ${duration} --overload ${overload}${noop ? ' --noop' : ''}${guard ? '' : ' --no-guard'}`);
}

if (process.argv.includes('--serve-bare')) {
  serveBare();
} else if (process.argv.includes('--serve')) {
  await serve(process.env.LOAD_CHECK_SECRET ?? '', process.argv.includes('--noop'), !process.argv.includes('--no-guard'));
} else {
  await main();
}
