/**
 * The words of every notice, as data: `{{placeholders}}` are filled by render.ts and nothing else is added in
 * code. A notice to a group speaks of "the council" and "your group" only: it never says which group asked for
 * the briefing or what that group discussed (000 6.6, 002 5.5).
 */
import type { NoticeKind } from '../briefings/types.js';

export interface Template {
  subject: string;
  text: string;
  slack: string;
}

const FOOTER =
  "This notice comes from the Chief Executive's Office of {{council}}. Officers give factual information and professional advice on council business only, and leave before the group discusses or decides its political line.";

/**
 * `{{name}}` is the person a copy goes to (each contact gets their own, with their own answer link); `{{theParty}}` is
 * "the Labour Group", or the independent member themselves; `{{you}}`/`{{your}}` are "your group"/"its" for a group and
 * "you"/"your" for an independent member, who is addressed as themselves.
 */
export const TEMPLATES: Record<Exclude<NoticeKind, 'session'> | 'session' | 'session-cancelled' | 'invitation-cancelled', Template> = {
  offer: {
    subject: 'Briefing offered to {{theParty}}: {{title}}',
    text: [
      'Dear {{name}},',
      '',
      'Officers of {{council}} are giving a briefing on the following matter of council business, and the same briefing is offered to every political group on the council:',
      '',
      '    {{title}}',
      '',
      'If {{you}} would like the briefing, please answer by {{expires}}. After that the offer lapses ({{you}} may still ask in writing for a briefing of {{your}} own).',
      '',
      '{{answer}}',
      '',
      FOOTER,
    ].join('\n'),
    slack: 'Briefing offered to {{theParty}}: *{{title}}*. The same briefing is offered to every group. Please answer by {{expires}}.',
  },
  reminder: {
    subject: 'Reminder: briefing offer to {{theParty}} closes {{expires}}',
    text: [
      'Dear {{name}},',
      '',
      'A reminder that the briefing offered to {{you}} on the following matter is still open:',
      '',
      '    {{title}}',
      '',
      'The offer closes at {{expires}}.',
      '',
      '{{answer}}',
      '',
      FOOTER,
    ].join('\n'),
    slack: 'Reminder: the briefing offer to {{theParty}} on *{{title}}* closes {{expires}}.',
  },
  approved: {
    subject: 'Your briefing request is agreed: {{title}}',
    text: [
      'Dear {{name}},',
      '',
      "Your group's request for a briefing by officers has been agreed by {{authoriser}}:",
      '',
      '    {{title}}',
      '',
      "As the council's protocol requires, the same briefing is now being offered to the other political groups. The office will be in touch to arrange a time.",
      '',
      FOOTER,
    ].join('\n'),
    slack: "Your group's briefing request on *{{title}}* is agreed. The office will be in touch to arrange a time.",
  },
  declined: {
    subject: 'Your briefing request: {{matter}}',
    text: [
      'Dear {{name}},',
      '',
      'Your group\'s request for a briefing on "{{matter}}" has been declined by {{authoriser}}.',
      '',
      'Reason: {{reason}}',
      '{{note}}',
      '',
      FOOTER,
    ].join('\n'),
    slack: "Your group's briefing request on *{{matter}}* was declined: {{reason}}",
  },
  deferred: {
    subject: 'Your briefing request is deferred: {{matter}}',
    text: [
      'Dear {{name}},',
      '',
      'Your group\'s request for a briefing on "{{matter}}" has been deferred.',
      '',
      'Reason: {{reason}}',
      '{{note}}',
      '',
      FOOTER,
    ].join('\n'),
    slack: "Your group's briefing request on *{{matter}}* is deferred: {{reason}}",
  },
  session: {
    subject: 'Briefing arranged for {{theParty}}: {{title}}',
    text: [
      'Dear {{name}},',
      '',
      'The briefing for {{you}} is arranged:',
      '',
      '    {{title}}',
      '    When:  {{start}} to {{endTime}} ({{zone}})',
      '    Where: {{venue}}',
      '    Officers: {{officers}}',
      '    Material: version {{materialVersion}} (SHA-256 {{materialSha}})',
      '',
      'A calendar invitation is attached. Every group that takes up this briefing receives the same material.',
      '',
      FOOTER,
    ].join('\n'),
    slack: 'Briefing arranged for {{theParty}} on *{{title}}*: {{start}} ({{zone}}), {{venue}}. The calendar invitation is in your email.',
  },
  'session-cancelled': {
    subject: 'Briefing cancelled for {{theParty}}: {{title}}',
    text: [
      'Dear {{name}},',
      '',
      'The briefing arranged for {{you}} on {{start}} ({{zone}}) is cancelled:',
      '',
      '    {{title}}',
      '',
      'The office will be in touch.',
      '',
      FOOTER,
    ].join('\n'),
    slack: 'The briefing for {{theParty}} on *{{title}}* ({{start}}, {{zone}}) is cancelled.',
  },
  invitation: {
    subject: 'Please brief {{theParty}}: {{title}}',
    text: [
      'Dear {{name}},',
      '',
      'You are invited to brief {{theParty}} on a matter of council business:',
      '',
      '    {{title}}',
      '    When:  {{start}} to {{endTime}} ({{zone}})',
      '    Where: {{venue}}',
      '    Material: version {{materialVersion}}',
      '    {{otherOfficers}}',
      '',
      'Give factual information and professional advice on council business only, and leave before the group discusses its political line. The same material goes to every group that takes the briefing up.',
      '',
      '{{answer}}',
      '',
      'A calendar invitation is attached.',
    ].join('\n'),
    slack: 'You are invited to brief {{theParty}} on *{{title}}*: {{start}} ({{zone}}), {{venue}}, material version {{materialVersion}}.',
  },
  'invitation-cancelled': {
    subject: 'Briefing cancelled: {{theParty}}, {{title}}',
    text: [
      'Dear {{name}},',
      '',
      'The briefing you were invited to give {{theParty}} on {{start}} ({{zone}}) is cancelled:',
      '',
      '    {{title}}',
      '',
      'Nothing more is needed from you.',
    ].join('\n'),
    slack: 'The briefing you were to give {{theParty}} on *{{title}}* ({{start}}, {{zone}}) is cancelled.',
  },
  'follow-up': {
    subject: 'Follow-up to the briefing: {{title}}',
    text: [
      'Dear {{name}},',
      '',
      'Officers are sending this factual answer, arising from the briefing on "{{title}}", to every group that took the briefing up:',
      '',
      '{{followUp}}',
      '',
      FOOTER,
    ].join('\n'),
    slack: 'A factual follow-up to the briefing on *{{title}}* has been sent to {{theParty}} by email.',
  },
  'same-matter': {
    subject: "Briefing protocol: an officer tried to decline a group's invitation",
    text: [
      'For the Chief Executive.',
      '',
      '{{officer}} accepted the invitation to brief {{acceptedGroup}} on "{{title}}" and then asked to decline the invitation to brief {{declinedGroup}} on the same matter.',
      '',
      "The protocol says an officer who accepts one group's invitation shall not decline another group's on the same matter, and must give each group consistent information. The decline was refused and the invitation is still open. Please speak to the officer.",
      '',
      'Reason the officer gave: {{reason}}',
    ].join('\n'),
    slack: "{{officer}} tried to decline a group's briefing invitation on a matter they are briefing another group on. See email.",
  },
};

/** How a notice says where to answer: the person's own link, or (with no link) the office. */
export const ANSWER_TEXT = {
  offer: 'Answer here (accept, decline or suggest times). The link is yours alone: please do not forward it. It works until the offer closes.\n{{link}}',
  invitation: 'Accept or decline here. The link is yours alone and works until the session.\n{{link}}',
  office: 'To answer, reply to {{from}}.',
  otherOfficers: 'With: {{names}}',
  noOtherOfficers: 'You are the only officer invited.',
};

/** Slack buttons' labels. */
export const BUTTONS = { accept: 'Accept', decline: 'Decline', propose: 'Suggest times…', open: 'Open' };

export const DECLINE_REASON_TEXT: Record<string, string> = {
  'not-council-business': 'the matter is not council business, so officers cannot brief on it.',
  'non-council-premises': 'the meeting would be in premises the council does not own or control.',
  'non-members-present': 'people who are not members of the council would be present.',
  'pre-election': 'the request falls in a pre-election period.',
  duplicate: 'a briefing on the same matter has already been requested or offered.',
  deferred: 'the authoriser will look at it again later.',
  'deferred-until': 'the authoriser will look at it again on or after {{until}}.',
  'deferred-pre-election': 'the request falls in the pre-election period "{{period}}"; it will be looked at again after it.',
};

export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const v = values[key];
    if (v === undefined) throw new Error(`template placeholder {{${key}}} has no value`);
    return v;
  });
}
