/** Input normalisation: characters, Slack markup, HTML-only email, quoted replies, forwards and signatures. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Message } from '../src/lint/types.js';
import { MAX_ANALYSED_CHARS, normalise, normaliseText } from '../src/lint/normalise/index.js';

const email = (text: string, extra: Partial<Message> = {}): Message => ({ channel: 'email', from: 'a@x.gov.uk', to: [], cc: [], bcc: [], text, ...extra });
const slack = (text: string): Message => ({ channel: 'slack', from: 'U0HALE', to: [], cc: [], bcc: [], text });

describe('normaliseText: characters', () => {
  it.each([
    ['zero-width space inside a word', 'incompet\u200bent', 'incompetent'],
    ['zero-width joiner and non-joiner', 'use\u200dless and in\u200ccompetent', 'useless and incompetent'],
    ['word joiner, BOM and soft hyphen', '\uFEFFidi\u2060ot in\u00ADcompetent', 'idiot incompetent'],
    ['variation selector and combining grapheme joiner', 'st\uFE0Fup\u034Fid', 'stupid'],
    ['bidi override', 'a \u202Eword\u202C here', 'a word here'],
    ['Cyrillic і in a Latin word', '\u0456ncompetent', 'incompetent'],
    ['several Cyrillic letters in a Latin word', 'p\u0430th\u0435tic \u0441l\u043Ewn', 'pathetic clown'],
    ['Greek omicron and alpha in a Latin word', 'st\u03BFp\u03B1', 'stopa'],
    ['Greek capital iota reads as I, not l', '\u0399NCOMPETENT', 'INCOMPETENT'],
    ['a wholly Cyrillic look-alike word among English words', 'this is a \u0455\u0441\u0430m really', 'this is a scam really'],
    ['fullwidth letters (NFKC)', '\uFF29\uFF44\uFF49\uFF4F\uFF54', 'Idiot'],
    ['mathematical bold letters (NFKC)', '\u{1D41D}\u{1D422}\u{1D427}', 'din'],
    ['ligature (NFKC)', '\uFB01ne', 'fine'],
    ['no-break space (NFKC) and runs of spaces', 'a\u00A0\u00A0b   c\t\td', 'a b c d'],
    ['curly quotes', '\u2018single\u2019 \u201Cdouble\u201D it\u2019s', `'single' "double" it's`],
    ['dashes are kept', 'en \u2013 em \u2014 hyphen -', 'en \u2013 em \u2014 hyphen -'],
    ['CRLF and CR to LF, trailing spaces trimmed', 'one  \r\ntwo\t\rthree ', 'one\ntwo\nthree'],
    ['lone surrogates become U+FFFD', 'a\uD800b\uDC00c', 'a\uFFFDb\uFFFDc'],
  ])('%s', (_name, input, expected) => {
    expect(normaliseText(input)).toBe(expected);
  });

  it.each([
    ['a Polish name', 'Kasia Nowak and Łukasz Wójcik, Żaneta Ślęzak'],
    ['a Greek name', 'Σοφία Παπαδοπούλου met the officer'],
    ['a Greek sentence', 'Καλημέρα σας, ευχαριστώ πολύ'],
    ['a Cyrillic sentence', 'Добрый день, спасибо за помощь'],
    ['a Russian name among English words', 'I spoke to Олег Петров today'],
    ['French and German accents', 'café, naïve, Müller, Straße'],
    ['Welsh', 'Ŵyr Llŷr, diolch yn fawr'],
  ])('%s survives unchanged', (_name, input) => {
    expect(normaliseText(input)).toBe(input.normalize('NFKC'));
  });
});

describe('normalise: Slack markup', () => {
  it.each([
    ['user mention', '<@U0PATEL> please', '@U0PATEL please'],
    ['user mention with a name', '<@U0PATEL|amir> hi', '@U0PATEL hi'],
    ['link with a label', 'see <https://x.example/a?b=1|the plan>', 'see the plan'],
    ['bare link', 'see <https://x.example/a>', 'see https://x.example/a'],
    ['mailto link', 'mail <mailto:a@x.gov.uk|a@x.gov.uk>', 'mail a@x.gov.uk'],
    ['channel', 'in <#C123|general>', 'in #general'],
    ['special mention', '<!here> and <!channel>', '@here and @channel'],
    ['user group', '<!subteam^S123|@planning> team', '@planning team'],
    ['emoji codes removed', 'great :thumbsup: :+1::skin-tone-2: done', 'great done'],
    ['times are not emoji', 'at 10:30:00 today', 'at 10:30:00 today'],
    ['bold, italic, strike, code', '*bold* _it_ ~gone~ `code`', 'bold it gone code'],
    ['snake_case and arithmetic are left alone', 'file_name_here 2*3*4', 'file_name_here 2*3*4'],
    ['entities decoded after tokens', 'Q&amp;A &lt;draft&gt;', 'Q&A <draft>'],
  ])('%s', (_name, input, expected) => {
    expect(normalise(slack(input)).text).toBe(expected);
  });

  it('takes Slack > quotes out of the text, with the quoting header', () => {
    const n = normalise(slack('<@U0HALE> wrote:\n&gt; can you chase the survey?\n&gt; thanks\nI have copied this to Tom'));
    expect(n.text).toBe('I have copied this to Tom');
    expect(n.quoted).toEqual([{ kind: 'slack-quote', from: '@U0HALE', fromAddress: 'u0hale', text: 'can you chase the survey?\nthanks' }]);
  });

  it('does not touch angle brackets in email', () => {
    expect(normalise(email('Ruth Hale <ruth.hale@x.gov.uk> asked *politely*')).text).toBe('Ruth Hale <ruth.hale@x.gov.uk> asked *politely*');
  });
});

describe('normalise: HTML-only email', () => {
  it('converts HTML without link targets or images, keeping paragraphs and line breaks', () => {
    const n = normalise(
      email('', { html: '<p>Dear Amir,</p><p>Please see <a href="https://x.example/p">the plan</a><img src="cid:logo" alt="logo">.<br>Second line</p>' }),
    );
    expect(n.text).toBe('Dear Amir,\n\nPlease see the plan.\nSecond line');
  });

  it('keeps blockquotes recognisable as quotes', () => {
    const html =
      '<div>Agreed, thanks.</div><div class="gmail_quote"><div>On Mon, 3 Mar 2025 at 10:12, Ruth Hale &lt;<a href="mailto:ruth.hale@ashcombe.gov.uk">ruth.hale@ashcombe.gov.uk</a>&gt; wrote:</div><blockquote><p>Can you send the figures?</p></blockquote></div>';
    const n = normalise(email('', { html }));
    expect(n.text).toBe('Agreed, thanks.');
    expect(n.quoted).toEqual([
      { kind: 'reply', from: 'Ruth Hale <ruth.hale@ashcombe.gov.uk>', fromAddress: 'ruth.hale@ashcombe.gov.uk', text: 'Can you send the figures?' },
    ]);
  });

  it('finds an Outlook reply header in HTML and marks a FW: subject as a forward', () => {
    const html =
      '<p>For your information.</p><hr><div><b>From:</b> Cllr Ruth Hale &lt;ruth.hale@ashcombe.gov.uk&gt;<br><b>Sent:</b> 03 March 2025 10:12<br><b>To:</b> Amir Patel<br><b>Subject:</b> FW: Northgate</div><p>The original text.</p>';
    const n = normalise(email('', { html }));
    expect(n.text).toBe('For your information.');
    expect(n.quoted).toEqual([
      { kind: 'forward', from: 'Cllr Ruth Hale <ruth.hale@ashcombe.gov.uk>', fromAddress: 'ruth.hale@ashcombe.gov.uk', text: 'The original text.' },
    ]);
  });

  it('prefers the text part when there is one', () => {
    expect(normalise(email('plain words', { html: '<p>html words</p>' })).text).toBe('plain words');
  });
});

describe('normalise: quoted replies and forwards', () => {
  it('separates a Gmail forwarded block as kind forward, with its sender', () => {
    const n = normalise(
      email(
        'Tom, see below.\n\n---------- Forwarded message ---------\nFrom: Cllr Ruth Hale <Ruth.Hale@ashcombe.gov.uk>\nDate: Mon, 3 Mar 2025 at 10:12\nSubject: Northgate\nTo: Amir Patel <amir.patel@ashcombe.gov.uk>\n\nDear Amir, I am worried about Northgate.\nRuth\n',
      ),
    );
    expect(n.text).toBe('Tom, see below.');
    expect(n.quoted).toEqual([
      {
        kind: 'forward',
        from: 'Cllr Ruth Hale <Ruth.Hale@ashcombe.gov.uk>',
        fromAddress: 'ruth.hale@ashcombe.gov.uk',
        text: 'Dear Amir, I am worried about Northgate.\nRuth',
      },
    ]);
  });

  it("separates Apple Mail's Begin forwarded message block", () => {
    const n = normalise(
      email(
        'FYI\n\nBegin forwarded message:\n\nFrom: Tom Webb <tom.webb@ashcombe.gov.uk>\nSubject: Hillcrest\nDate: 3 March 2025 at 10:12:00 GMT\nTo: Amir Patel <amir.patel@ashcombe.gov.uk>\n\nHillcrest text.',
      ),
    );
    expect(n.text).toBe('FYI');
    expect(n.quoted).toEqual([
      { kind: 'forward', from: 'Tom Webb <tom.webb@ashcombe.gov.uk>', fromAddress: 'tom.webb@ashcombe.gov.uk', text: 'Hillcrest text.' },
    ]);
  });

  it("separates Outlook's -----Original Message----- block and its nested replies", () => {
    const n = normalise(
      email(
        'Please handle this.\n\n-----Original Message-----\nFrom: Hale, Ruth [mailto:ruth.hale@ashcombe.gov.uk]\nSent: 03 March 2025 10:12\nTo: Carter, Helen <helen.carter@ashcombe.gov.uk>;\n Patel, Amir <amir.patel@ashcombe.gov.uk>\nSubject: RE: Northgate\n\nRuth text.\n\nOn Sun, 2 Mar 2025 at 09:00, Tom Webb <tom.webb@ashcombe.gov.uk> wrote:\n> Tom text\n> more',
      ),
    );
    expect(n.text).toBe('Please handle this.');
    expect(n.quoted).toEqual([
      { kind: 'reply', from: 'Hale, Ruth [mailto:ruth.hale@ashcombe.gov.uk]', fromAddress: 'ruth.hale@ashcombe.gov.uk', text: 'Ruth text.' },
      { kind: 'reply', from: 'Tom Webb <tom.webb@ashcombe.gov.uk>', fromAddress: 'tom.webb@ashcombe.gov.uk', text: 'Tom text\nmore' },
    ]);
  });

  it('separates an Outlook header block without a marker line', () => {
    const n = normalise(
      email('Noted.\n\nFrom: Megan Price <megan.price@ashcombe.gov.uk>\nSent: 03 March 2025 10:12\nTo: Amir Patel\nSubject: Riverside\n\nMegan text.'),
    );
    expect(n.text).toBe('Noted.');
    expect(n.quoted).toEqual([
      { kind: 'reply', from: 'Megan Price <megan.price@ashcombe.gov.uk>', fromAddress: 'megan.price@ashcombe.gov.uk', text: 'Megan text.' },
    ]);
  });

  it('does not take a sentence beginning "From:" for a header block', () => {
    expect(normalise(email('From: the planning team\nThe survey is done.')).text).toBe('From: the planning team\nThe survey is done.');
  });

  it('keeps inline replies: "On … wrote:" with > lines, authored text between the quotes', () => {
    const n = normalise(
      email(
        'On Mon, 3 Mar 2025 at 10:12, Ruth Hale <ruth.hale@ashcombe.gov.uk>\nwrote:\n> Can you do X?\n> Please.\n\nYes, done.\n\n> And Y?\n\nWill do that tomorrow.',
      ),
    );
    expect(n.text).toBe('Yes, done.\n\nWill do that tomorrow.');
    expect(n.quoted).toEqual([
      { kind: 'reply', from: 'Ruth Hale <ruth.hale@ashcombe.gov.uk>', fromAddress: 'ruth.hale@ashcombe.gov.uk', text: 'Can you do X?\nPlease.' },
      { kind: 'reply', from: 'Ruth Hale <ruth.hale@ashcombe.gov.uk>', fromAddress: 'ruth.hale@ashcombe.gov.uk', text: 'And Y?' },
    ]);
  });

  it('cuts a top-posted "On … wrote:" quote without > lines', () => {
    const n = normalise(email('Thanks, noted.\n\nOn 3 Mar 2025, at 10:12, Tom Webb <tom.webb@ashcombe.gov.uk> wrote:\n\nTom text here.'));
    expect(n.text).toBe('Thanks, noted.');
    expect(n.quoted).toEqual([{ kind: 'reply', from: 'Tom Webb <tom.webb@ashcombe.gov.uk>', fromAddress: 'tom.webb@ashcombe.gov.uk', text: 'Tom text here.' }]);
  });

  it('marks a forward quoted inside a reply as a forward', () => {
    const n = normalise(
      email('See the thread.\n\n> ---------- Forwarded message ---------\n> From: Cllr Ruth Hale <ruth.hale@ashcombe.gov.uk>\n> Subject: X\n>\n> Ruth text'),
    );
    expect(n.quoted).toEqual([
      { kind: 'forward', from: 'Cllr Ruth Hale <ruth.hale@ashcombe.gov.uk>', fromAddress: 'ruth.hale@ashcombe.gov.uk', text: 'Ruth text' },
    ]);
  });
});

describe('normalise: signatures', () => {
  it.each([
    [
      'a sign-off and name block',
      'Could you send the figures?\n\nKind regards,\nCllr Ruth Hale\nLeader of the Council\nTel: 01234 567890',
      'Could you send the figures?',
      'Kind regards,\nCllr Ruth Hale\nLeader of the Council\nTel: 01234 567890',
    ],
    ['the -- delimiter', 'See you there.\n-- \nAmir Patel\nPlanning Officer', 'See you there.', 'Amir Patel\nPlanning Officer'],
    ['a one-line sign-off with a name', 'Noted.\n\nThanks, Ruth', 'Noted.', 'Thanks, Ruth'],
    ['"Many thanks" alone', 'Agreed.\nMany thanks', 'Agreed.', 'Many thanks'],
    ['a mobile footer', 'On my way.\n\nSent from my iPhone', 'On my way.', 'Sent from my iPhone'],
  ])('%s', (_name, input, text, signature) => {
    const n = normalise(email(input));
    expect(n.text).toBe(text);
    expect(n.signature).toBe(signature);
  });

  it('does not treat a sentence after "Thanks," as a signature', () => {
    const input = 'Leaflets.\n\nThanks,\nplease print the Labour leaflets on the council printer by Friday, all 500 of them.';
    expect(normalise(email(input)).text).toBe(input);
    expect(normalise(email(input)).signature).toBeUndefined();
  });

  it('does not treat "Thanks" early in a long message as a sign-off', () => {
    const input = 'Thanks\nline 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7';
    expect(normalise(email(input)).text).toBe(input);
  });
});

describe('normalise: subject, cap and robustness', () => {
  it('normalises the subject onto one line', () => {
    expect(normalise(email('x', { subject: ' Re:  \u0456ncompetent\r\n work ' })).subject).toBe('Re: incompetent work');
    expect(normalise(email('x')).subject).toBe('');
  });

  it('cuts long authored text at a space, says so, and keeps the original length', () => {
    const text = 'word '.repeat(300);
    const n = normalise(email(text), { maxChars: 1000 });
    expect(n.truncated).toBe(true);
    expect(n.text.length).toBeLessThanOrEqual(1000);
    expect(n.text.endsWith('word')).toBe(true);
    expect(n.originalLength).toBe(1500);
    expect(normalise(email(text)).truncated).toBe(false);
  });

  it('handles a 50 MB body by looking only at a bounded prefix', () => {
    const big = 'The residents have asked again. '.repeat(1_600_000);
    const n = normalise(email(big));
    expect(n.truncated).toBe(true);
    expect(n.text.length).toBeLessThanOrEqual(MAX_ANALYSED_CHARS);
    expect(n.originalLength).toBe(big.length);
  });

  it('never throws, and keeps the text within maxChars, for arbitrary input', () => {
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), fc.string({ unit: 'grapheme', maxLength: 400 }), fc.string({ maxLength: 400 }));
    fc.assert(
      fc.property(
        text,
        fc.option(fc.string({ unit: 'binary', maxLength: 200 }), { nil: undefined }),
        fc.constantFrom<'email' | 'slack'>('email', 'slack'),
        fc.integer({ min: 0, max: 300 }),
        fc.boolean(),
        (body, html, channel, maxChars, asHtml) => {
          const message: Message = { channel, from: 'x', to: [], cc: [], bcc: [], text: asHtml ? '' : body, html: asHtml ? body : html, subject: html };
          const n = normalise(message, { maxChars });
          expect(n.text.length).toBeLessThanOrEqual(maxChars);
          expect(typeof n.subject).toBe('string');
          for (const q of n.quoted) expect(q.text.length).toBeLessThanOrEqual(maxChars);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws on structured, quote-heavy input', () => {
    const line = fc.constantFrom(
      '> ',
      '>> ',
      'On Mon, Ruth <r@x.uk> wrote:',
      '-----Original Message-----',
      'From: A <a@x.uk>',
      'Sent: today',
      'To: B',
      'Subject: FW: x',
      '---------- Forwarded message ---------',
      'Begin forwarded message:',
      '-- ',
      'Kind regards,',
      'Thanks',
      '________________',
      '',
      'text \u0456diot',
      '<@U1> *b* _i_ :x:',
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), fc.constantFrom<'email' | 'slack'>('email', 'slack'), (lines, channel) => {
        const n = normalise({ channel, from: 'x', to: [], cc: [], bcc: [], text: lines.join('\n') });
        expect(n.text.length).toBeLessThanOrEqual(MAX_ANALYSED_CHARS);
      }),
      { numRuns: 500 },
    );
  });
});
