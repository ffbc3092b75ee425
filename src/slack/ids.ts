/** Identifiers shared by the Block Kit renderer, the listeners and manifest.yml (keep them in step). */
export const COMMAND = '/probity';

export const CALLBACK = {
  /** Global shortcut: "Check a draft" (opens the draft modal). */
  checkDraftShortcut: 'probity_check_draft',
  /** Message shortcut: "Check against protocol". */
  checkMessageShortcut: 'probity_check_message',
  draftModal: 'probity_draft_modal',
  acknowledgeModal: 'probity_acknowledge_modal',
} as const;

export const ACTION = {
  openMessage: 'probity_open_message',
  acknowledge: 'probity_acknowledge',
  falseAlarm: 'probity_false_alarm',
  dismiss: 'probity_dismiss',
  /** A briefing offer's or an officer's invitation's answer buttons, in the notice DM; the value is the answer link's token. */
  briefingAccept: 'probity_briefing_accept',
  briefingDecline: 'probity_briefing_decline',
  /** A link button to the answer page (suggest times, give a reason); Slack still sends the click. */
  briefingOpen: 'probity_briefing_open',
} as const;

export const BLOCK = {
  draft: 'probity_draft',
  to: 'probity_to',
  reason: 'probity_reason',
  briefingAnswer: 'probity_briefing_answer',
} as const;
