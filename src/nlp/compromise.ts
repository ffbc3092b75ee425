/**
 * compromise, loaded on first use: it takes about half a second to load, and most messages never reach a question
 * only it can answer (is this opening word an imperative?), so `probity check` on one message need not pay for it.
 */
import { createRequire } from 'node:module';
import type nlpType from 'compromise';

const require = createRequire(import.meta.url);
let loaded: typeof nlpType | undefined;

export function nlp(text: string): ReturnType<typeof nlpType> {
  loaded ??= require('compromise') as typeof nlpType;
  return loaded(text);
}
