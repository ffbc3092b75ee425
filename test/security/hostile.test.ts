/**
 * Hostile content: a briefing topic carrying `<script>`, `<img onerror>`, HTML, Slack mrkdwn/mention injection and
 * header injection, followed through to what is sent.
 *
 * Already proven elsewhere (not repeated here):
 *   - the office page shows a hostile matter and details as text, runs no script, and its round heading too, in
 *     headless Chromium: test/briefings/page.test.ts;
 *   - Slack warning blocks escape `<!channel>`, `<@U…>`, disguised links and `<script>`: test/slack/blocks.test.ts;
 *   - the IMAP nudge's HTML part escapes user and engine text: test/imap/nudge.test.ts.
 * Added here: notice emails over real SMTP (text only, no header injection, literal text), the Slack notice text,
 * and property tests that the two escapers leave nothing active for any input.
 */
import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/briefings/memory-store.js';
import type { Notice } from '../../src/briefings/types.js';
import { buildNudgeMessage, escapeHtml, renderNudgeHtml } from '../../src/mail/nudge.js';
import { buildContext } from '../../src/notices/context.js';
import { EmailSender } from '../../src/notices/email.js';
import { renderNotice } from '../../src/notices/render.js';
import { escapeMrkdwn, warningMessage } from '../../src/slack/blocks.js';
import { actors, clock, LABOUR_REQUEST, service } from '../briefings/fixtures.js';
import { SmtpSink } from '../briefings/sinks.js';

const HOSTILE = 'Parking <script>alert(1)</script> <img src=x onerror=alert(2)> <b>bold</b> <!channel> *urgent* <https://evil.example|agenda>';
const deps = { publicUrl: 'https://probity.ashcombe.gov.uk', from: { name: "Chief Executive's Office", email: 'briefings@ashcombe.gov.uk' } };

async function noticesFor(matter: string) {
  const s = service({ clock: clock('2026-11-24T10:00:00Z'), store: new MemoryStore() });
  const store = s.store as MemoryStore;
  const req = await s.svc.request(actors.labourLeader, { ...LABOUR_REQUEST, matter });
  await s.svc.decide(actors.authoriser, req.id, { decision: 'approve' });
  const ids = [...store.entities.keys()].filter((k) => k.startsWith('notice/')).map((k) => k.slice(7));
  const notices = (await store.reader().getMany('notice', ids)) as Notice[];
  expect(notices.length).toBeGreaterThan(0);
  const rendered = [];
  for (const notice of notices) {
    const ctx = await buildContext({ ...deps, council: s.svc.council, settings: s.svc.settings }, store.reader(), notice);
    rendered.push({ notice, ctx, out: renderNotice(s.svc.council, ctx) });
  }
  return rendered;
}

let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await SmtpSink.start();
});
afterAll(async () => {
  await smtp?.stop();
});

describe('notice emails with a hostile briefing topic', () => {
  it('are plain text only, carry the topic literally, and keep it out of every header but Subject', async () => {
    const rendered = await noticesFor(HOSTILE);
    const offers = rendered.filter((r) => r.notice.kind === 'offer' && r.notice.channel === 'email');
    expect(offers.length).toBeGreaterThan(0);
    const sender = new EmailSender({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true, from: deps.from });
    try {
      for (const { ctx, out } of offers) {
        expect(out.text).toContain(HOSTILE);
        await sender.send(ctx, () => out, new MemoryStore());
      }
    } finally {
      sender.close();
    }
    expect(smtp.mails.length).toBeGreaterThanOrEqual(offers.length);
    for (const mail of smtp.mails) {
      // No HTML alternative at all: a mail client has nothing to render the markup in.
      expect(mail.raw).not.toMatch(/^content-type:\s*text\/html/im);
      expect(mail.raw).toContain('<script>alert(1)</script>'); // literal, inside text/plain
      const headerBlock = mail.raw.split(/\r?\n\r?\n/)[0]!;
      expect(headerBlock).not.toMatch(/^(?!Subject:)[^\s:]+:.*<script>/im);
    }
  });

  it('a CR/LF in the topic cannot add a header or a recipient', async () => {
    const before = smtp.mails.length;
    const injected = 'Parking\r\nBcc: thief@attacker.example\r\nX-Injected: yes';
    let rendered;
    try {
      rendered = await noticesFor(injected);
    } catch (err) {
      // Refusing such a title outright is just as good.
      expect((err as { code?: string }).code).toBe('invalid');
      return;
    }
    const sender = new EmailSender({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true, from: deps.from });
    try {
      for (const { ctx, out, notice } of rendered) if (notice.channel === 'email') await sender.send(ctx, () => out, new MemoryStore());
    } finally {
      sender.close();
    }
    const sent = smtp.mails.slice(before);
    expect(sent.length).toBeGreaterThan(0);
    for (const mail of sent) {
      expect(mail.envelopeTo.join(',')).not.toContain('attacker.example');
      const headerBlock = mail.raw.split(/\r?\n\r?\n/)[0]!;
      expect(headerBlock).not.toMatch(/^Bcc:/im);
      expect(headerBlock).not.toMatch(/^X-Injected:/im);
    }
  });

  // FINDING (src/notices/render.ts:94, `slack: fill(template.slack, v)`): the Slack notice text is sent to
  // chat.postMessage as mrkdwn without escaping, so a topic with `<!channel>` pings every group's channel and
  // `<https://evil.example|agenda>` shows as a disguised link. Unskip when the values are escaped with
  // escapeMrkdwn (src/slack/blocks.ts) before filling the Slack template.
  it('the Slack notice text shows the topic as text (no mention, no disguised link)', async () => {
    const rendered = await noticesFor(HOSTILE);
    for (const { out } of rendered) {
      expect(out.slack).not.toMatch(/<!channel>|<https:\/\/evil|<script>/);
    }
  });
});

describe('escapers leave nothing active, for any input', () => {
  it('escapeMrkdwn: no <, > or bare & survive, and the text reads back unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => {
        const e = escapeMrkdwn(s);
        expect(e).not.toMatch(/[<>]/);
        expect(e).not.toMatch(/&(?!amp;|lt;|gt;)/);
        expect(e.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')).toBe(s);
      }),
      { numRuns: 500 },
    );
  });

  it('escapeHtml: no markup characters survive, and the text reads back unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => {
        const e = escapeHtml(s);
        expect(e).not.toMatch(/[<>"']/);
        const back = e
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&quot;/g, '"')
          .replace(/&#39;/g, "'")
          .replace(/&amp;/g, '&');
        expect(back).toBe(s);
      }),
      { numRuns: 500 },
    );
  });

  it('a Slack warning for a hostile excerpt renders no mention, link or tag, whatever the excerpt', () => {
    const hostile = fc.oneof(
      fc.constantFrom(
        '<!channel>',
        '<!here>',
        '<!everyone>',
        '<@U0CARTER>',
        '<#C123|general>',
        '<https://evil.example|agenda>',
        '<script>alert(1)</script>',
        '<img src=x onerror=alert(1)>',
      ),
      fc.string({ maxLength: 40 }),
    );
    fc.assert(
      fc.property(fc.array(hostile, { minLength: 1, maxLength: 5 }), (parts) => {
        const excerpt = parts.join(' ');
        const payload = warningMessage(
          [
            {
              rule: 'derogatory',
              messageId: 'insult',
              severity: 'error',
              message: `Message about ${excerpt}`,
              span: { start: 0, end: 1, line: 1, column: 1 },
              excerpt,
              clause: null,
              suggestion: excerpt,
              confidence: 0.9,
            },
          ],
          { channel: 'D0123', ts: '1.1' },
        );
        const json = JSON.stringify(payload);
        expect(json).not.toMatch(/<[!@#]|<https?:|<script|<img/);
      }),
      { numRuns: 300 },
    );
  });

  it('the nudge HTML for a hostile excerpt holds no tag but its own', async () => {
    const input = {
      draftSubject: '<script>alert(1)</script>',
      council: 'Ashcombe <img src=x onerror=alert(4)>',
      to: ['"<img src=x onerror=alert(1)>" <a@b.example>'],
      cc: [],
      bcc: [],
      findings: [
        {
          rule: 'derogatory',
          severity: 'error',
          message: '<b>m</b>',
          span: { start: 0, end: 1, line: 1, column: 1 },
          excerpt: '<script>alert(2)</script>',
          clause: null,
          suggestion: '<a href="javascript:alert(3)">x</a>',
        },
      ],
    } as unknown as Parameters<typeof renderNudgeHtml>[0];
    const html = renderNudgeHtml(input);
    expect(html).not.toMatch(/<script|<img|<a href="javascript|<b>m/i);
    const raw = await buildNudgeMessage(input, { from: 'probity@ashcombe.gov.uk', to: 'a@b.example', messageId: '<k@probity.invalid>', date: new Date() });
    const parsed = await simpleParser(raw);
    expect(parsed.html || '').not.toMatch(/<script|<img|<a href="javascript/i);
    expect(parsed.text).toContain('<script>alert(2)</script>'); // the text part shows it literally
    expect(parsed.subject).not.toMatch(/[\r\n]/);
  });
});
