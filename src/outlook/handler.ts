/**
 * The add-in's event handlers, bundled by scripts/build-outlook.ts into one ES2016 file with no imports, because
 * classic Outlook on Windows runs it in a JavaScript-only runtime (no DOM, no modules, no Office.onReady).
 *
 * - OnMessageSend: read the draft, get the user's own sign-in from Office (single sign-on), POST the draft to
 *   /v1/check?stage=pre-send with it (gives up at ~3 s; the API returns only findings at the council's pre-send
 *   confidence threshold), and if findings at the chosen severity come back, stop the send with a Smart Alert
 *   that says what to fix, cites the clause and says how sure Probity is.
 *   When the check cannot be made (no sign-in, a sign-in refused, the API unreachable, slow or failing), the
 *   alert says "Probity could not check this message" and why: never silence. Send again unchanged (or Send
 *   Anyway, in prompt-user mode) sends it unchecked: never a broken Send.
 * - OnMessageRecipientsChanged: the same check, early, shown in the compose form's notification bar, so a Bcc to
 *   a councillor is flagged before the author reaches Send (and the bar says when it could not check).
 *
 * Soft block (the default send mode) has no "Send Anyway" button, so pressing Send again with nothing changed
 * sends the message as it is: the choice stays the author's. Only a fingerprint of the draft is kept for that,
 * in the item's session data.
 */
import { alertMessage, blockingFindings, couldNotCheck, couldNotCheckNotice, fingerprint, notificationMessage } from './alert.js';
import { postCheck, type CheckRequest, type CheckResponse } from './check-client.js';
import { readConfig, type AddinConfig } from './config.js';
import { composeItem, readMessage } from './item.js';
import { getSession, office, setSession, supports, type ComposeItem, type MailboxEvent, type SmartAlertsCompletedOptions } from './office.js';
import { userToken } from './sign-in.js';

/** The task pane button's id in the manifest; the alert's "See details" opens it. */
export const PANE_COMMAND_ID = 'probityOpenPane';
const BLOCKED_KEY = 'probityBlocked';
const NOTIFICATION_KEY = 'probity';
/**
 * A backstop over the API timeout: should an Office.js getter never call back, the event still completes (and
 * the mail goes) before Outlook's 5-second "taking longer than expected" dialog.
 */
const DEADLINE_MARGIN_MS = 1200;

/** Fingerprints of drafts blocked in this runtime, for clients without item session data. */
const blockedHere: Record<string, string> = {};

function completer(event: MailboxEvent, deadlineMs: number, fallback: SmartAlertsCompletedOptions | undefined) {
  let done = false;
  const timer = setTimeout(() => finish(fallback), deadlineMs);
  function finish(options: SmartAlertsCompletedOptions | undefined): void {
    if (done) return;
    done = true;
    clearTimeout(timer);
    try {
      if (options) event.completed(options);
      else event.completed();
    } catch {
      // Nothing more can be done from here; Outlook applies the manifest's send mode.
    }
  }
  return finish;
}

function draftFingerprint(message: CheckRequest): string {
  return fingerprint([message.subject ?? '', message.text, message.to.join(','), message.cc.join(','), message.bcc.join(',')]);
}

async function alreadyBlocked(item: ComposeItem, key: string, print: string): Promise<boolean> {
  const stored = item.sessionData ? await getSession(item, BLOCKED_KEY) : blockedHere[key];
  return stored === print;
}

async function rememberBlocked(item: ComposeItem, key: string, print: string): Promise<void> {
  if (item.sessionData) await setSession(item, BLOCKED_KEY, print);
  else blockedHere[key] = print;
}

/** The check with the user's own sign-in, all within the configured timeout. */
async function checkAsUser(config: AddinConfig, message: CheckRequest, interactive: boolean): Promise<CheckResponse> {
  const started = Date.now();
  const token = await userToken(config.timeoutMs, interactive);
  return postCheck({ apiUrl: config.apiUrl, timeoutMs: Math.max(500, config.timeoutMs - (Date.now() - started)) }, message, token);
}

export async function decideSend(config: AddinConfig): Promise<SmartAlertsCompletedOptions> {
  const item = composeItem();
  const message = await readMessage(item);
  const softBlock = config.sendMode === 'softBlock';
  let errorMessage: string;
  let details = false;
  try {
    const { findings } = await checkAsUser(config, message, false);
    const blocking = blockingFindings(findings, config.minSeverity);
    if (blocking.length === 0) return { allowEvent: true };
    errorMessage = alertMessage(blocking, { resendHint: softBlock });
    details = true;
  } catch (error) {
    // Not checked: said, not silent.
    errorMessage = couldNotCheck(error, { resendHint: softBlock });
  }

  const print = draftFingerprint(message);
  const memoryKey = `${message.from}\u0000${message.subject ?? ''}`;
  if (softBlock) {
    // Sent again, unchanged, after the alert: the author has chosen to send it as it is.
    if (await alreadyBlocked(item, memoryKey, print)) return { allowEvent: true };
    await rememberBlocked(item, memoryKey, print);
  }
  const options: SmartAlertsCompletedOptions = { allowEvent: false, errorMessage };
  // Mailbox 1.14: a "See details" button that opens the task pane, and the runtime send-mode override.
  if (supports('1.14')) {
    if (details) {
      options.cancelLabel = 'See details';
      options.commandId = PANE_COMMAND_ID;
    }
    const promptUser = office()?.MailboxEnums?.SendModeOverride?.PromptUser;
    if (!softBlock && promptUser) options.sendModeOverride = promptUser;
  }
  return options;
}

export function onMessageSendHandler(event: MailboxEvent): void {
  let config: AddinConfig;
  try {
    config = readConfig();
  } catch {
    event.completed({ allowEvent: true });
    return;
  }
  const finish = completer(event, config.timeoutMs + DEADLINE_MARGIN_MS, { allowEvent: true });
  decideSend(config).then(finish, () => finish({ allowEvent: true }));
}

function notify(item: ComposeItem, message: string | null): Promise<void> {
  const bar = item.notificationMessages;
  if (!bar) return Promise.resolve();
  return new Promise<void>((resolve) => {
    try {
      if (message === null) {
        bar.removeAsync(NOTIFICATION_KEY, () => resolve());
      } else {
        const type = office()?.MailboxEnums?.ItemNotificationMessageType?.InformationalMessage ?? 'informationalMessage';
        bar.replaceAsync(NOTIFICATION_KEY, { type, message, icon: 'Icon.16x16', persistent: false }, () => resolve());
      }
    } catch {
      resolve();
    }
  });
}

export async function checkRecipients(config: AddinConfig): Promise<void> {
  const item = composeItem();
  const message = await readMessage(item);
  if (message.to.length + message.cc.length + message.bcc.length === 0) return notify(item, null);
  let findings;
  try {
    ({ findings } = await checkAsUser(config, message, false));
  } catch (error) {
    return notify(item, couldNotCheckNotice(error));
  }
  const blocking = blockingFindings(findings, config.minSeverity);
  await notify(item, blocking.length ? notificationMessage(blocking) : null);
}

export function onMessageRecipientsChangedHandler(event: MailboxEvent): void {
  let config: AddinConfig;
  try {
    config = readConfig();
  } catch {
    event.completed();
    return;
  }
  const finish = completer(event, config.timeoutMs + DEADLINE_MARGIN_MS, undefined);
  checkRecipients(config).then(
    () => finish(undefined),
    () => finish(undefined),
  );
}

const api = office();
if (api && api.actions) {
  api.actions.associate('onMessageSendHandler', onMessageSendHandler);
  api.actions.associate('onMessageRecipientsChangedHandler', onMessageRecipientsChangedHandler);
}
