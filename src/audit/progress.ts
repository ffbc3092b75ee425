/**
 * Progress on stderr: a bar with rate and ETA (cli-progress) on a terminal, and plain lines every few seconds
 * when stderr is a pipe or a file (CI logs, `2> audit.log`), which a bar would fill with control codes.
 */
import cliProgress from 'cli-progress';
import type { ProgressSink } from './run.js';
import type { AuditSource } from './types.js';

/** Plain progress lines this often: often enough to see it is alive, rarely enough for a log. */
const PLAIN_EVERY_MS = 5_000;
/** Samples the bar's ETA averages over: a few seconds of mail, so one large message does not swing it. */
const ETA_BUFFER = 200;

function unitLabel(unit: AuditSource['unit'], value: number): string {
  if (unit === 'bytes') return value < 1024 * 1024 ? `${Math.round(value / 1024)} KB` : `${(value / 1024 / 1024).toFixed(1)} MB`;
  return `${Math.floor(value)} ${unit}`;
}

interface Stream {
  write(text: string): boolean;
  isTTY?: boolean;
}

export function progressSink(stream: Stream, clock: () => number = Date.now): ProgressSink {
  let startTime = 0;
  let startDone = 0;
  let total: number | undefined;
  let unit: AuditSource['unit'] = 'messages';
  let lastLine = 0;
  let at = 0;
  let done = 0;
  const rate = () => {
    const seconds = (clock() - startTime) / 1000;
    return seconds > 0 ? Math.round((done - startDone) / seconds) : 0;
  };

  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream: stream as unknown as NodeJS.WritableStream,
        format: ' {bar} {percentage}% | {where} | {done} checked | {rate} msg/s | ETA {eta_formatted}',
        etaBuffer: ETA_BUFFER,
        fps: 5,
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    return {
      start(t, u, position, d) {
        total = t;
        unit = u;
        startTime = clock();
        startDone = done = d;
        bar.start(t ?? 0, position, { where: unitLabel(u, position), done: d, rate: 0 });
      },
      update(position, d) {
        at = position;
        done = d;
        bar.update(position, { where: total ? `${unitLabel(unit, position)} of ${unitLabel(unit, total)}` : unitLabel(unit, position), done: d, rate: rate() });
      },
      stop() {
        bar.stop();
      },
    };
  }

  const line = () => {
    const pct = total ? ` (${Math.min(100, Math.floor((at / total) * 100))}%)` : '';
    stream.write(`probity audit: ${done} checked, ${unitLabel(unit, at)}${total ? ` of ${unitLabel(unit, total)}` : ''}${pct}, ${rate()} msg/s\n`);
  };
  return {
    start(t, u, position, d) {
      total = t;
      unit = u;
      at = position;
      startTime = lastLine = clock();
      startDone = done = d;
      stream.write(`probity audit: started${d > 0 ? ` after ${d} entries` : ''}${t !== undefined ? `, ${unitLabel(u, t)} in all` : ''}\n`);
    },
    update(position, d) {
      at = position;
      done = d;
      if (clock() - lastLine >= PLAIN_EVERY_MS) {
        lastLine = clock();
        line();
      }
    },
    stop() {
      line();
    },
  };
}
