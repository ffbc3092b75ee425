/**
 * The words of every enquiry notice, as data: `{{placeholders}}` are filled by `render` and nothing else is added in
 * code. A notice names the councillor, the subject line they wrote, the dates and the clause; never the enquiry's
 * text (Probity does not keep it).
 */
export interface Template {
  subject: string;
  text: string;
  slack: string;
}

export type NoticeKind = 'remind-acknowledge' | 'remind-answer' | 'escalate-acknowledge' | 'escalate-answer';

const CLAUSE = 'Why: {{clause}}';

export const TEMPLATES: Record<NoticeKind, Template> = {
  'remind-acknowledge': {
    subject: 'Reminder: acknowledge {{councillor}}’s enquiry by {{due}}',
    text: [
      'Dear {{name}},',
      '',
      '{{councillor}} wrote to {{to}} on {{received}}:',
      '',
      '    {{subject}}',
      '',
      'It needs acknowledging by {{due}} ({{left}}). Replying in the thread acknowledges it, or one click does:',
      '',
      '    Acknowledge: {{ackLink}}',
      '',
      '{{away}}',
      CLAUSE,
      '',
      'Enquiry {{id}} · {{council}}',
    ].join('\n'),
    slack: 'Reminder: {{councillor}}’s enquiry “{{subject}}” needs acknowledging by *{{due}}* ({{left}}). Acknowledge: {{ackLink}} {{away}}',
  },
  'remind-answer': {
    subject: 'Reminder: answer {{councillor}}’s enquiry by {{due}}',
    text: [
      'Dear {{name}},',
      '',
      '{{councillor}} wrote to {{to}} on {{received}}:',
      '',
      '    {{subject}}',
      '',
      'A substantive response is due by {{due}} ({{left}}). If that is not possible, a holding reply giving the reason for the delay, the action being taken and when a response will be sent moves the date.',
      '',
      '    Mark it answered: {{answerLink}}',
      '',
      '{{away}}',
      CLAUSE,
      '',
      'Enquiry {{id}} · {{council}}',
    ].join('\n'),
    slack: 'Reminder: a response to {{councillor}}’s enquiry “{{subject}}” is due by *{{due}}* ({{left}}). Mark it answered: {{answerLink}} {{away}}',
  },
  'escalate-acknowledge': {
    subject: 'Overdue: {{councillor}}’s enquiry to {{officer}} was not acknowledged by {{due}}',
    text: [
      'Dear {{name}},',
      '',
      '{{councillor}} wrote to {{to}} on {{received}}:',
      '',
      '    {{subject}}',
      '',
      'It was due to be acknowledged by {{due}} and has not been. You are told as {{role}}.',
      '',
      '{{away}}',
      CLAUSE,
      '',
      'Enquiry {{id}} · {{council}}',
    ].join('\n'),
    slack: 'Overdue: {{councillor}}’s enquiry “{{subject}}” to {{officer}} was not acknowledged by *{{due}}*. You are told as {{role}}.',
  },
  'escalate-answer': {
    subject: 'Overdue: {{councillor}}’s enquiry to {{officer}} was not answered by {{due}}',
    text: [
      'Dear {{name}},',
      '',
      '{{councillor}} wrote to {{to}} on {{received}}:',
      '',
      '    {{subject}}',
      '',
      'A substantive response was due by {{due}} and none has been recorded. You are told as {{role}}.',
      '',
      '{{away}}',
      CLAUSE,
      '',
      'Enquiry {{id}} · {{council}}',
    ].join('\n'),
    slack: 'Overdue: {{councillor}}’s enquiry “{{subject}}” to {{officer}} was not answered by *{{due}}*. You are told as {{role}}.',
  },
};

export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => values[name] ?? '').replace(/\n{3,}/g, '\n\n');
}
