/**
 * The add-in's call to `POST /v1/check?stage=pre-send`, for both the send-time handler and the task pane: the
 * API returns only the findings sure enough for a check before sending (council.yaml `confidence.pre-send`),
 * each with its confidence. It uses `fetch` where
 * the runtime has it (every Outlook runtime that has Smart Alerts does) and XMLHttpRequest otherwise, and it
 * gives up after `timeoutMs` whichever the transport. The bearer is the user's own single sign-on token
 * (sign-in.ts). Any failure rejects with a CheckFailed; the caller says so to the user (alert.ts's
 * couldNotCheck).
 */
import type { Finding, Message } from '../lint/types.js';
import type { AddinConfig } from './config.js';

/** The engine's message model, as Outlook sends it (an email, never HTML: the body is read as text). */
export type CheckRequest = Omit<Message, 'id' | 'html' | 'sentAt'> & { channel: 'email' };

export interface CheckResponse {
  findings: Finding[];
}

/** The add-in checks before the mail goes: the API applies the council's pre-send threshold. */
export const CHECK_STAGE = 'pre-send';

export class CheckFailed extends Error {
  constructor(
    readonly reason: 'timeout' | 'network' | 'status' | 'body' | 'sign-in',
    readonly detail = '',
  ) {
    super(`check failed: ${reason}${detail ? ` (${detail})` : ''}`);
    this.name = 'CheckFailed';
  }
}

function parse(text: string): CheckResponse {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new CheckFailed('body', 'not JSON');
  }
  const findings = body && typeof body === 'object' ? (body as { findings?: unknown }).findings : undefined;
  if (!Array.isArray(findings)) throw new CheckFailed('body', 'no findings');
  return { findings: findings as Finding[] };
}

function viaFetch(url: string, init: { headers: Record<string, string>; body: string }, timeoutMs: number): Promise<CheckResponse> {
  const controller = typeof AbortController === 'function' ? new AbortController() : undefined;
  return new Promise<CheckResponse>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new CheckFailed('timeout'));
      if (controller) controller.abort();
    }, timeoutMs);
    const request: RequestInit = { method: 'POST', headers: init.headers, body: init.body };
    if (controller) request.signal = controller.signal;
    fetch(url, request)
      .then((response) => {
        if (!response.ok) throw new CheckFailed('status', String(response.status));
        return response.text();
      })
      .then((text) => resolve(parse(text)))
      .catch((error: unknown) => reject(error instanceof CheckFailed ? error : new CheckFailed('network')))
      .then(() => clearTimeout(timer));
  });
}

function viaXhr(url: string, init: { headers: Record<string, string>; body: string }, timeoutMs: number): Promise<CheckResponse> {
  return new Promise<CheckResponse>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url, true);
    for (const name of Object.keys(init.headers)) xhr.setRequestHeader(name, init.headers[name]!);
    xhr.timeout = timeoutMs;
    xhr.ontimeout = () => reject(new CheckFailed('timeout'));
    xhr.onerror = () => reject(new CheckFailed('network'));
    xhr.onload = () => {
      if (xhr.status < 200 || xhr.status >= 300) return reject(new CheckFailed('status', String(xhr.status)));
      try {
        resolve(parse(xhr.responseText));
      } catch (error) {
        reject(error);
      }
    };
    xhr.send(init.body);
  });
}

export function postCheck(config: Pick<AddinConfig, 'apiUrl' | 'timeoutMs'>, message: CheckRequest, token: string): Promise<CheckResponse> {
  const url = `${config.apiUrl}/v1/check?stage=${CHECK_STAGE}`;
  const init = {
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(message),
  };
  if (typeof fetch === 'function') return viaFetch(url, init, config.timeoutMs);
  if (typeof XMLHttpRequest === 'function') return viaXhr(url, init, config.timeoutMs);
  return Promise.reject(new CheckFailed('network', 'no transport'));
}
