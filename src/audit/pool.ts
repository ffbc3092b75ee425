/**
 * `--jobs N`: N worker threads that parse and lint (lint.worker.ts), each with its own engine. The audit loop
 * keeps a few messages in flight per worker and applies the results in input order, so the counts, the cursor and
 * the checkpoints are exactly those of a run with one job.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Finding, Message } from '../lint/types.js';

export interface PoolSetup {
  councilFile: string;
  excerpts: boolean;
}

export interface PoolRequest {
  seq: number;
  raw?: Uint8Array;
  message?: Message;
}

export type PoolReply = { seq: number; ok: true; message: Message; findings: Finding[] } | { seq: number; ok: false; reason: string };

/**
 * Built, the worker is plain JavaScript. Under tsx (and vitest) it is TypeScript: a small bootstrap registers
 * tsx's loader in the new thread first (a worker does not inherit the loader the main thread registered).
 */
function spawnWorker(setup: PoolSetup): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./lint.worker.js', import.meta.url), { workerData: setup });
  // require.resolve finds the CommonJS entry; the ESM one beside it is what registers the ESM loader.
  const tsxApi = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/esm/api')), 'index.mjs')).href;
  const worker = new URL('./lint.worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(worker)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: setup });
}

export class LintPool {
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: (reply: PoolReply) => void; reject: (err: Error) => void; worker: Worker }>();
  private readonly load = new Map<Worker, number>();
  private failure: Error | undefined;

  private constructor(private readonly workers: Worker[]) {
    for (const worker of workers) {
      this.load.set(worker, 0);
      worker.on('message', (reply: PoolReply) => {
        const waiter = this.waiting.get(reply.seq);
        if (!waiter) return;
        this.waiting.delete(reply.seq);
        this.load.set(worker, (this.load.get(worker) ?? 1) - 1);
        waiter.resolve(reply);
      });
      worker.on('error', (err) => this.fail(err));
      worker.on('exit', (code) => code !== 0 && this.fail(new Error(`an audit worker exited (${code})`)));
    }
  }

  static start(jobs: number, setup: PoolSetup): LintPool {
    return new LintPool(Array.from({ length: jobs }, () => spawnWorker(setup)));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const [seq, waiter] of this.waiting) {
      this.waiting.delete(seq);
      waiter.reject(err);
    }
  }

  /** Parse (when given bytes) and lint on the least busy worker. */
  check(input: { raw: Buffer } | { message: Message }): Promise<PoolReply> {
    if (this.failure) return Promise.reject(this.failure);
    const seq = ++this.seq;
    let worker = this.workers[0]!;
    for (const w of this.workers) if ((this.load.get(w) ?? 0) < (this.load.get(worker) ?? 0)) worker = w;
    this.load.set(worker, (this.load.get(worker) ?? 0) + 1);
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject, worker });
      if ('raw' in input) {
        // A copy of exactly these bytes, moved (not cloned) to the worker: a Buffer can be a view of a shared slab.
        const bytes = new Uint8Array(input.raw);
        worker.postMessage({ seq, raw: bytes } satisfies PoolRequest, [bytes.buffer]);
      } else worker.postMessage({ seq, message: input.message } satisfies PoolRequest);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
