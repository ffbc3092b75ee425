/** What the enquiry worker builds from its settings (src/process/settings.ts) and council.yaml. */
import type { Council } from '../directory/council.js';
import { smtpOptionsFrom } from '../notices/email.js';
import { parseFrom } from '../notices/runtime.js';
import type { SettingsFor } from '../process/settings.js';
import { loadResponseTimes } from './load.js';
import type { SmtpSettings } from './senders.js';
import { enquirySettings, type EnquirySettings } from './settings.js';

export interface EnquiryRuntime {
  council: Council;
  settings: EnquirySettings;
  smtp?: SmtpSettings;
  slack?: { token: string; slackApiUrl?: string };
  publicUrl: string;
}

export function enquiryRuntime(s: SettingsFor<'enquiries-worker'>, council: Council): EnquiryRuntime {
  const settings = enquirySettings(council, loadResponseTimes());
  const domain = council.domain ?? 'localhost';
  const from = parseFrom(s.ENQUIRY_FROM ?? `Member Services <${settings.mailboxes[0] ?? `member.enquiries@${domain}`}>`);
  // The relay as the notice worker reads it (src/notices/email.ts), with the council's domain for Message-IDs.
  const relay = smtpOptionsFrom(s, from);
  const smtp: SmtpSettings | undefined = relay ? { ...relay, domain } : undefined;
  return {
    council,
    settings,
    publicUrl: s.PROBITY_PUBLIC_URL ?? `http://localhost:${s.PORT}`,
    ...(smtp ? { smtp } : {}),
    ...(s.SLACK_BOT_TOKEN ? { slack: { token: s.SLACK_BOT_TOKEN, ...(s.SLACK_API_URL ? { slackApiUrl: s.SLACK_API_URL } : {}) } } : {}),
  };
}

/** The process clock: real time, or (tests) real time shifted to start at `clockStart`. */
export function runtimeClock(clockStart: string | undefined): () => Date {
  if (!clockStart) return () => new Date();
  const offset = Date.parse(clockStart) - Date.now();
  return () => new Date(Date.now() + offset);
}
