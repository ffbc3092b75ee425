/**
 * The add-in's settings. The API process writes them into the served handler (`var PROBITY_ADDIN_CONFIG = …`
 * ahead of the bundle, see src/http/addin.route.ts), so a council changes them with environment variables and
 * a restart, not a new manifest. They hold no credential: each user's comes from Office single sign-on at the
 * time of the check (sign-in.ts).
 */
import type { Severity } from '../lint/types.js';

export type SendMode = 'softBlock' | 'promptUser';

export interface AddinConfig {
  /** Base URL of the Probity API, no trailing slash: the handler POSTs to `${apiUrl}/v1/check`. */
  apiUrl: string;
  /** Findings at or above this block Send; lower ones are left for the task pane. */
  minSeverity: Severity;
  sendMode: SendMode;
  /** The check gives up after this long and says so (Outlook says "taking longer than expected" at 5 s). */
  timeoutMs: number;
}

export const DEFAULT_TIMEOUT_MS = 3000;

declare const PROBITY_ADDIN_CONFIG: Partial<AddinConfig> | undefined;

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export function readConfig(): AddinConfig {
  const given: Partial<AddinConfig> = typeof PROBITY_ADDIN_CONFIG === 'object' && PROBITY_ADDIN_CONFIG ? PROBITY_ADDIN_CONFIG : {};
  const timeoutMs = typeof given.timeoutMs === 'number' && given.timeoutMs > 0 ? given.timeoutMs : DEFAULT_TIMEOUT_MS;
  return {
    apiUrl: (typeof given.apiUrl === 'string' ? given.apiUrl : '').replace(/\/+$/, ''),
    minSeverity: given.minSeverity && SEVERITIES.indexOf(given.minSeverity) >= 0 ? given.minSeverity : 'warning',
    sendMode: given.sendMode === 'promptUser' ? 'promptUser' : 'softBlock',
    timeoutMs,
  };
}
