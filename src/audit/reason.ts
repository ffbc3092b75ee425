/** Why an entry could not be read, in our own words: parsers' messages can quote the input. */
import { InputError } from '../mail/errors.js';

export function reasonOf(err: unknown): string {
  if (err instanceof InputError) {
    const m = err.message;
    if (m.startsWith('not a readable email message')) return 'not a readable email message';
    return m;
  }
  return 'could not be read';
}
