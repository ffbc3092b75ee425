/** What an officer's reply does: acknowledges, holds with a new date, or answers; and the dates a reply names. */
import { describe, expect, it } from 'vitest';
import { datesIn } from '../../src/enquiries/dates.js';
import { loadDetector } from '../../src/enquiries/load.js';
import type { Message } from '../../src/lint/types.js';
import { wiltshireCouncil } from './world.js';

const detector = loadDetector(wiltshireCouncil());
const reply = (text: string): Message => ({
  channel: 'email',
  from: 'kasia.nowak@ashcombe.gov.uk',
  to: ['megan.price@ashcombe.gov.uk'],
  cc: [],
  bcc: [],
  subject: 'RE: Damp',
  text,
});
const DAY = '2026-04-17'; // a Friday

describe('reading an officer’s reply', () => {
  const cases: [string, string, object][] = [
    ['an acknowledgement', 'Thank you for your email. I will look into this and get back to you.', { kind: 'acknowledgement' }],
    [
      'a holding reply with reason, action and date',
      "We are still waiting for the surveyor's report. I have chased the contractor and will write to you by Friday 1 May.",
      { kind: 'holding', newDay: '2026-05-01', gaveReason: true, gaveAction: true },
    ],
    [
      'a holding reply by weekday',
      'The repair is delayed because the part is on order. I will update you next Wednesday.',
      { kind: 'holding', newDay: '2026-04-29', gaveReason: true },
    ],
    ['a date without reason or action is not a holding reply (a promise to reply acknowledges)', 'I will reply by 1 May.', { kind: 'acknowledgement' }],
    [
      'an answer',
      'The survey found failed cavity insulation on the back wall. The contractor starts on 11 May and the work takes three weeks; Ms Short can stay in the flat throughout.',
      { kind: 'answer' },
    ],
  ];
  for (const [name, text, expected] of cases) {
    it(name, () => expect(detector.readReply(reply(text), DAY)).toMatchObject(expected));
  }
});

describe('dates in a reply', () => {
  it('reads day-month, month-day, numeric and weekday forms, after the day of the reply', () => {
    expect(datesIn('by 24th April', DAY).map((d) => d.date)).toEqual(['2026-04-24']);
    expect(datesIn('by April 24, 2026', DAY).map((d) => d.date)).toEqual(['2026-04-24']);
    expect(datesIn('on 24/04', DAY).map((d) => d.date)).toEqual(['2026-04-24']);
    expect(datesIn('by Friday 1 May', DAY).map((d) => d.date)).toEqual(['2026-05-01']);
    expect(datesIn('by the end of next week', DAY).map((d) => d.date)).toEqual(['2026-04-24']);
    expect(datesIn('by 5 January', '2026-12-20').map((d) => d.date)).toEqual(['2027-01-05']);
    expect(datesIn('on 3 April', DAY)).toEqual([]);
  });
});
