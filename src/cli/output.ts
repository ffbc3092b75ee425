/** Writing to the terminal or a pipe: colour only where it will be read as colour, and backpressure respected. */
import { once } from 'node:events';

export interface OutputStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
  once(event: 'drain', listener: () => void): unknown;
}

/** Colour on a TTY unless NO_COLOR is set (https://no-color.org); FORCE_COLOR (not "0") forces it. */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return stream.isTTY === true;
}

/** Write and wait for the stream to drain when its buffer is full, so a large audit does not pile up in memory. */
export async function write(stream: OutputStream, text: string): Promise<void> {
  if (text === '') return;
  if (!stream.write(text)) await once(stream as unknown as NodeJS.EventEmitter, 'drain');
}
