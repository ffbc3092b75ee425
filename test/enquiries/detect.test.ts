/**
 * Enquiry detection: a table of messages that open an enquiry and messages that do not (ESLint's valid/invalid
 * shape), then the labelled set's floor, so a change that costs precision or recall fails here and in eval.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCouncil } from '../../src/directory/council.js';
import { loadDetector, loadResponseTimes } from '../../src/enquiries/load.js';
import { enquirySettings } from '../../src/enquiries/settings.js';
import type { Message } from '../../src/lint/types.js';

const council = parseCouncil(readFileSync('examples/council.yaml', 'utf8'), 'examples/council.yaml');
const settings = enquirySettings(council, loadResponseTimes());
const detector = loadDetector(council);
const mail = (text: string, over: Partial<Message> = {}): Message => ({
  channel: 'email',
  from: 'megan.price@ashcombe.gov.uk',
  to: ['kasia.nowak@ashcombe.gov.uk'],
  cc: [],
  bcc: [],
  subject: 'Damp at 22 Riverside Terrace',
  text,
  ...over,
});
const detect = (m: Message) => detector.detect(m, { mailboxes: settings.mailboxSet });

describe('enquiry detection', () => {
  const opens: [string, Message, string][] = [
    ['a question', mail('Hi Kasia,\n\nCould you find out when the surveyor can visit?\n\nMegan'), 'asks'],
    ['a question put as a statement', mail("Kasia, I'd like to know when the surveyor is due."), 'asks'],
    ["a resident's question passed on", mail('Mrs Short has asked me whether she can be moved while the works are done.'), 'asks'],
    ['polite, no rush', mail('No rush on this one: could someone check the alley behind 40 Wharf Street?'), 'asks'],
    ['to the enquiry mailbox', mail('Please can someone clear the gully outside 14 Canal Street.', { to: ['member.enquiries@ashcombe.gov.uk'] }), 'asks'],
    [
      'a bare forward to the mailbox',
      mail(
        '\n\n---------- Forwarded message ---------\nFrom: Pat Gill <patgill@btinternet.com>\nSubject: Bins\n\nJanet, nobody has emptied our bins for two weeks.',
        { to: ['member.enquiries@ashcombe.gov.uk'], subject: 'Fwd: Bins' },
      ),
      'forward',
    ],
    [
      'a fault reported, new thread',
      mail('Claire - bins on Beacon Rise were missed again today.', { to: ['claire.murray@ashcombe.gov.uk'], subject: 'Beacon Rise bins' }),
      'report',
    ],
    [
      'Slack',
      { channel: 'slack', from: 'U0PRICE', to: ['U0NOWAK'], cc: [], bcc: [], text: 'kasia is the repairs line down? mrs denton says it rings out' },
      'asks',
    ],
  ];
  for (const [name, message, verdict] of opens) {
    it(`opens one: ${name}`, () => {
      const d = detect(message);
      expect(d.verdict).toBe(verdict);
      expect(d.enquiry).toBe(true);
    });
  }

  const not: [string, Message, string][] = [
    ['"thanks!"', mail('Thanks!', { subject: 'RE: Damp at 22 Riverside Terrace' }), 'no-ask'],
    ['thanks to pass on', mail('Thank you Kasia, and please thank the surveyor - she was lovely.', { subject: 'RE: Damp' }), 'no-ask'],
    ['FYI', mail('Kasia, FYI the residents meeting has moved to Thursday. No action needed.'), 'no-action'],
    ['chat', mail('How was your holiday, Kasia? Anywhere nice?'), 'no-ask'],
    ['a fault mentioned in a reply', mail('Great news, the bins were missed again last week but all fine now.', { subject: 'RE: Bins' }), 'no-ask'],
    ['keep me posted', mail('That is great news. Do let me know if the landlord appeals.', { subject: 'RE: Notice' }), 'no-ask'],
    [
      'an officer asking a councillor',
      mail('Can you send me her number?', { from: 'kasia.nowak@ashcombe.gov.uk', to: ['megan.price@ashcombe.gov.uk'] }),
      'not-from-councillor',
    ],
    ['a councillor asking a councillor', mail('Can you cover Saturday?', { to: ['janet.lowe@ashcombe.gov.uk'] }), 'not-to-officer'],
    [
      'an officer only in Cc',
      mail('Janet, can you cover Saturday?', { to: ['janet.lowe@ashcombe.gov.uk'], cc: ['kasia.nowak@ashcombe.gov.uk'] }),
      'not-to-officer',
    ],
  ];
  for (const [name, message, verdict] of not) {
    it(`opens none: ${name}`, () => {
      const d = detect(message);
      expect(d.verdict).toBe(verdict);
      expect(d.enquiry).toBe(false);
    });
  }

  it('names the councillor, the officers and the mailbox', () => {
    const d = detect(mail('Could you check?', { to: ['member.enquiries@ashcombe.gov.uk', 'kasia.nowak@ashcombe.gov.uk'] }));
    expect(d.councillor?.id).toBe('cllr-price');
    expect(d.officers.map((o) => o.id)).toEqual(['o-nowak']);
    expect(d.mailbox).toBe('member.enquiries@ashcombe.gov.uk');
  });
});

describe('the labelled set', () => {
  it('labels every message in the ordinary corpus and the new messages exactly once', () => {
    const labelled = readFileSync('test/corpus/enquiries/labels.jsonl', 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { id: string }).id);
    const files = ['email-casework', 'officers-and-firm', 'real-published', 'slack-terse', 'mixed-voices']
      .map((f) => `test/corpus/ordinary/${f}.jsonl`)
      .concat('test/corpus/enquiries/messages.jsonl');
    const ids = files.flatMap((f) =>
      readFileSync(f, 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { id: string }).id),
    );
    expect(new Set(labelled).size).toBe(labelled.length);
    expect([...labelled].sort()).toEqual([...ids].sort());
    expect(labelled.length).toBeGreaterThanOrEqual(500);
  });

  it('keeps precision ≥ 0.95 and recall ≥ 0.90 on the half nobody read (npm run eval:enquiries)', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/eval-enquiries.ts'], { encoding: 'utf8' });
    const row = out.split('\n').find((l) => l.startsWith('all messages: measuring half'))!;
    const [precision, recall] = [...row.matchAll(/(\d\.\d\d) \[/g)].map((m) => Number(m[1]));
    expect(precision).toBeGreaterThanOrEqual(0.95);
    expect(recall).toBeGreaterThanOrEqual(0.9);
  });
});
