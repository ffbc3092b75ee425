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
  'This notice comes from the Chief Executive\'s Office of {{council}}. Officers give factual information and professional advice on council business only, and leave before the group discusses or decides its political line.';

export const TEMPLATES: Record<Exclude<NoticeKind, 'session'> | 'session' | 'session-cancelled', Template> = {
  offer: {
    subject: 'Briefing offered to {{party}}: {{title}}',
    text: [
      'Dear {{party}},',
      '',
      'Officers of {{council}} are giving a briefing on the following matter of council business, and the same briefing is offered to every political group on the council:',
      '',
      '    {{title}}',
      '',
      'If your group would like the briefing, please say so by {{expires}}. After that date the offer lapses (your group may still ask in writing for a briefing of its own).',
      '',
      'Reply: {{respondUrl}}',
      '',
      FOOTER,
    ].join('\n'),
    slack: 'Briefing offered to {{party}}: *{{title}}*. The same briefing is offered to every group. Please reply by {{expires}}: {{respondUrl}}',
  },
  reminder: {
    subject: 'Reminder: briefing offer to {{party}} closes {{expires}}',
    text: [
      'Dear {{party}},',
      '',
      'A reminder that the briefing offered to your group on the following matter is still open:',
      '',
      '    {{title}}',
      '',
      'The offer closes at {{expires}}.',
      '',
      'Reply: {{respondUrl}}',
      '',
      FOOTER,
    ].join('\n'),
    slack: 'Reminder: the briefing offer on *{{title}}* closes {{expires}}. Reply: {{respondUrl}}',
  },
  approved: {
    subject: 'Your briefing request is agreed: {{title}}',
    text: [
      'Dear {{party}},',
      '',
      'Your group\'s request for a briefing by officers has been agreed by {{authoriser}}:',
      '',
      '    {{title}}',
      '',
      'As the council\'s protocol requires, the same briefing is now being offered to the other political groups. The office will be in touch to arrange a time.',
      '',
      FOOTER,
    ].join('\n'),
    slack: 'Your group\'s briefing request on *{{title}}* is agreed. The office will be in touch to arrange a time.',
  },
  declined: {
    subject: 'Your briefing request: {{matter}}',
    text: [
      'Dear {{party}},',
      '',
      'Your group\'s request for a briefing on "{{matter}}" has been declined by {{authoriser}}.',
      '',
      'Reason: {{reason}}',
      '{{note}}',
      '',
      FOOTER,
    ].join('\n'),
    slack: 'Your group\'s briefing request on *{{matter}}* was declined: {{reason}}',
  },
  deferred: {
    subject: 'Your briefing request is deferred: {{matter}}',
    text: [
      'Dear {{party}},',
      '',
      'Your group\'s request for a briefing on "{{matter}}" has been deferred.',
      '',
      'Reason: {{reason}}',
      '{{note}}',
      '',
      FOOTER,
    ].join('\n'),
    slack: 'Your group\'s briefing request on *{{matter}}* is deferred: {{reason}}',
  },
  session: {
    subject: 'Briefing arranged for {{party}}: {{title}}',
    text: [
      'Dear {{party}},',
      '',
      'The briefing for your group is arranged:',
      '',
      '    {{title}}',
      '    When:  {{start}} to {{end}}',
      '    Where: {{venue}}',
      '    Officers: {{officers}}',
      '    Material: version {{materialVersion}} (SHA-256 {{materialSha}})',
      '',
      'A calendar invitation is attached. Every group that takes up this briefing receives the same material.',
      '',
      FOOTER,
    ].join('\n'),
    slack: 'Briefing arranged for {{party}} on *{{title}}*: {{start}}, {{venue}}. The calendar invitation is in your email.',
  },
  'session-cancelled': {
    subject: 'Briefing cancelled for {{party}}: {{title}}',
    text: ['Dear {{party}},', '', 'The briefing arranged for your group on {{start}} is cancelled:', '', '    {{title}}', '', 'The office will be in touch.', '', FOOTER].join('\n'),
    slack: 'The briefing for {{party}} on *{{title}}* ({{start}}) is cancelled.',
  },
  'follow-up': {
    subject: 'Follow-up to the briefing: {{title}}',
    text: [
      'Dear {{party}},',
      '',
      'Officers are sending this factual answer, arising from the briefing on "{{title}}", to every group that took the briefing up:',
      '',
      '{{answer}}',
      '',
      FOOTER,
    ].join('\n'),
    slack: 'A factual follow-up to the briefing on *{{title}}* has been sent to your group by email.',
  },
  'same-matter': {
    subject: 'Briefing protocol: an officer tried to decline a group\'s invitation',
    text: [
      'For the Chief Executive.',
      '',
      '{{officer}} accepted the invitation to brief {{acceptedGroup}} on "{{title}}" and then asked to decline the invitation to brief {{declinedGroup}} on the same matter.',
      '',
      'The protocol says an officer who accepts one group\'s invitation shall not decline another group\'s on the same matter, and must give each group consistent information. The decline was refused and the invitation is still open. Please speak to the officer.',
      '',
      'Reason the officer gave: {{reason}}',
    ].join('\n'),
    slack: '{{officer}} tried to decline a group\'s briefing invitation on a matter they are briefing another group on. See email.',
  },
};

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
