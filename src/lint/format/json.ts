/** The JSON rendering: one line per message, `{"id": …, "findings": [ … ]}` (JSON Lines), findings as the engine made them. */
import type { Finding } from '../types.js';

export function formatMessageJson(id: string, findings: readonly Finding[]): string {
  return JSON.stringify({ id, findings }) + '\n';
}
