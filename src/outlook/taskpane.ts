/**
 * The task pane: every finding for the message being written, with the clause and a better way to say it.
 * Opened from the ribbon or from the Smart Alert's "See details". Finding text is set with `textContent`,
 * never parsed as HTML.
 */
import { confidenceSentence } from '../channels/confidence.js';
import type { Finding, Severity } from '../lint/types.js';
import { COULD_NOT_CHECK, whyNotChecked } from './alert.js';
import { postCheck } from './check-client.js';
import { readConfig } from './config.js';
import { composeItem, readMessage } from './item.js';
import { office } from './office.js';
import { userToken } from './sign-in.js';

/** The pane is not under Outlook's send-time clock: give a slow API longer than the handler does. */
const PANE_TIMEOUT_MS = 10_000;

const LABEL: Record<Severity, string> = { error: 'Must fix', warning: 'Check', info: 'Good practice' };

function el(tag: string, className: string | null, text?: string): HTMLElement {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function setStatus(text: string): void {
  const status = document.getElementById('status');
  if (status) status.textContent = text;
}

export function renderFindings(list: HTMLElement, findings: readonly Finding[]): void {
  while (list.firstChild) list.removeChild(list.firstChild);
  for (const finding of findings) {
    const item = el('li', `finding ${finding.severity}`);
    const head = el('div', 'head');
    head.appendChild(el('span', `badge ${finding.severity}`, LABEL[finding.severity] ?? finding.severity));
    head.appendChild(el('span', 'rule', finding.rule));
    head.appendChild(el('span', 'confidence', confidenceSentence(finding.confidence)));
    item.appendChild(head);
    item.appendChild(el('p', 'message', finding.message));
    if (finding.excerpt) item.appendChild(el('blockquote', 'excerpt', finding.excerpt));
    if (finding.clause) {
      const clause = el('p', 'clause');
      clause.appendChild(el('strong', null, `${finding.goodPractice ? 'Good practice' : 'Protocol'}: ${finding.clause.title}, ${finding.clause.ref}`));
      if (finding.clause.quote) clause.appendChild(el('span', 'quote', ` “${finding.clause.quote}”`));
      item.appendChild(clause);
    }
    if (finding.suggestion) item.appendChild(el('p', 'suggestion', `Instead: ${finding.suggestion}`));
    list.appendChild(item);
  }
}

export async function checkNow(): Promise<void> {
  const list = document.getElementById('findings');
  if (!list) return;
  setStatus('Checking this message…');
  renderFindings(list, []);
  try {
    const config = readConfig();
    const message = await readMessage(composeItem());
    // The pane may show Office's sign-in and consent prompts; the send-time handler may not.
    const token = await userToken(PANE_TIMEOUT_MS, true);
    const { findings } = await postCheck({ apiUrl: config.apiUrl, timeoutMs: PANE_TIMEOUT_MS }, message, token);
    renderFindings(list, findings);
    setStatus(
      findings.length === 0
        ? 'Nothing to change: this message reads as within the protocol.'
        : findings.length === 1
          ? 'One thing to look at before you send:'
          : `${findings.length} things to look at before you send:`,
    );
  } catch (error) {
    setStatus(`${COULD_NOT_CHECK}: ${whyNotChecked(error)}. Sending is not blocked; try again in a moment.`);
  }
}

function start(): void {
  const again = document.getElementById('check-again');
  if (again) again.addEventListener('click', () => void checkNow());
  void checkNow();
}

/** Office can be ready before the page has been parsed (the scripts are in <head>). */
function whenParsed(fn: () => void): void {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fn);
  else fn();
}

const api = office();
if (api && api.onReady) void api.onReady(() => whenParsed(start));
else whenParsed(start);
