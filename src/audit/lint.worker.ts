/**
 * A worker thread for `probity audit --jobs N`: parses MIME (mailparser) and lints with its own copy of the engine,
 * so N cores share the work. It gets raw bytes or a Message and hands back only what the counts need (the
 * message's addressing and date, the findings' rule, severity and clause), plus the text fields when excerpts
 * were asked for.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadLinter } from '../lint/load.js';
import type { Message } from '../lint/types.js';
import { parseEml } from '../mail/eml.js';
import { reasonOf } from './reason.js';
import type { PoolReply, PoolRequest, PoolSetup } from './pool.js';

const setup = workerData as PoolSetup;
const linter = loadLinter({ councilFile: setup.councilFile });

parentPort!.on('message', (request: PoolRequest) => {
  void handle(request).then((reply) => parentPort!.postMessage(reply));
});

async function handle(request: PoolRequest): Promise<PoolReply> {
  let message: Message;
  try {
    message = request.message ?? (await parseEml(Buffer.from(request.raw!.buffer, request.raw!.byteOffset, request.raw!.byteLength)));
  } catch (err) {
    return { seq: request.seq, ok: false, reason: reasonOf(err) };
  }
  try {
    const { findings } = linter.lint(message);
    const { text: _text, html: _html, ...head } = message;
    return {
      seq: request.seq,
      ok: true,
      message: { ...head, text: '', ...(setup.excerpts ? {} : { subject: undefined }) } as Message,
      findings: findings.map((f) => (setup.excerpts ? f : { ...f, message: '', excerpt: '', suggestion: '' })),
    };
  } catch {
    return { seq: request.seq, ok: false, reason: 'internal error in the engine' };
  }
}
