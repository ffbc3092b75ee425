/**
 * The add-in's settings. The API process writes them into the served handler (`var PROBITY_ADDIN_CONFIG = …`
 * ahead of the bundle, see src/http/addin.route.ts), so a council changes them with environment variables and
 * a restart, not a new manifest. A user's own token, if the council hands them out, can be kept in the add-in's
 * roaming settings under `probityToken` and wins over the shared one.
 */
import type { Severity } from '../lint/types.js';
import { office } from './office.js';

export type SendMode = 'softBlock' | 'promptUser';

export interface AddinConfig {
  /** Base URL of the Probity API, no trailing slash: the handler POSTs to `${apiUrl}/v1/check`. */
  apiUrl: string;
  /** Bearer token (a `checker` token: it can check messages and nothing else). */
  token: string;
  /** Findings at or above this block Send; lower ones are left for the task pane. */
  minSeverity: Severity;
  sendMode: SendMode;
  /** The check gives up after this long and lets the mail go (Outlook says "taking longer than expected" at 5 s). */
  timeoutMs: number;
}

export const DEFAULT_TIMEOUT_MS = 3000;

declare const PROBITY_ADDIN_CONFIG: Partial<AddinConfig> | undefined;

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export function readConfig(): AddinConfig {
  const given: Partial<AddinConfig> = typeof PROBITY_ADDIN_CONFIG === 'object' && PROBITY_ADDIN_CONFIG ? PROBITY_ADDIN_CONFIG : {};
  let token = typeof given.token === 'string' ? given.token : '';
  try {
    const own = office()?.context.roamingSettings?.get('probityToken');
    if (typeof own === 'string' && own) token = own;
  } catch {
    // roaming settings are optional
  }
  const timeoutMs = typeof given.timeoutMs === 'number' && given.timeoutMs > 0 ? given.timeoutMs : DEFAULT_TIMEOUT_MS;
  return {
    apiUrl: (typeof given.apiUrl === 'string' ? given.apiUrl : '').replace(/\/+$/, ''),
    token,
    minSeverity: given.minSeverity && SEVERITIES.indexOf(given.minSeverity) >= 0 ? given.minSeverity : 'warning',
    sendMode: given.sendMode === 'promptUser' ? 'promptUser' : 'softBlock',
    timeoutMs,
  };
}
