/** The nudge rendering, the autosave debounce id, the reconnect backoff and the mailbox config: no servers. */
import { inspect } from 'node:util';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/lint/types.js';
import { draftDeduplicationId, draftJobOptions } from '../../src/mail/draft-job.js';
import { describeMailbox, mailboxesFromEnv, MailboxConfigError } from '../../src/mail/imap-config.js';
import { draftKeys } from '../../src/mail/imap-state.js';
import { backoffDelay } from '../../src/mail/imap-watcher.js';
import { buildNudgeMessage, nudgeMessageId, nudgeSubject, renderNudgeHtml, renderNudgeText } from '../../src/mail/nudge.js';

const finding: Finding = {
  rule: 'political-request',
  messageId: 'work',
  severity: 'error',
  message: 'This asks an officer for party-political work <leaflets>; officers must stay neutral.',
  span: { start: 0, end: 10, line: 1, column: 1 },
  excerpt: 'print 500 leaflets for our "Labour" campaign <script>alert(1)</script>',
  clause: {
    protocol: 'north-east-derbyshire',
    title: 'Protocol for Councillor – Officer relations',
    ref: '5.7',
    quote: 'never be used in connection with party political or campaigning activities',
  },
  suggestion: 'Use your group’s own resources & volunteers.',
  confidence: 0.9,
};

const input = {
  draftSubject: 'Leaflets <b>now</b>',
  to: ['amir.patel@ashcombe.gov.uk'],
  cc: [],
  bcc: ['tom.webb@ashcombe.gov.uk'],
  findings: [finding],
  council: 'Ashcombe District Council',
};

describe('nudge', () => {
  it('has the subject "Protocol check: <draft subject>", on one line', () => {
    expect(nudgeSubject('Leaflets for Saturday')).toBe('Protocol check: Leaflets for Saturday');
    expect(nudgeSubject('Two\r\nlines\r\nBcc: someone@example.org')).toBe('Protocol check: Two lines Bcc: someone@example.org');
    expect(nudgeSubject(undefined)).toBe('Protocol check: (no subject)');
    expect(nudgeSubject('x'.repeat(300)).length).toBeLessThan(140);
  });

  it('lists each finding with its clause and suggestion in the text part', () => {
    const text = renderNudgeText(input);
    expect(text).toContain('This asks an officer for party-political work');
    expect(text).toContain('Protocol for Councillor – Officer relations, 5.7');
    expect(text).toContain('Instead: Use your group’s own resources & volunteers.');
    expect(text).toContain('Bcc: tom.webb@ashcombe.gov.uk');
    expect(text).toContain('Your draft has not been changed');
  });

  it('says how sure Probity is of each finding, in both parts', () => {
    const sure = {
      ...input,
      findings: [
        { ...finding, confidence: 0.82 },
        { ...finding, rule: 'familiarity', severity: 'warning' as const, confidence: 0.51 },
      ],
    };
    const text = renderNudgeText(sure);
    expect(text).toContain('[Must fix: political-request; Probity is fairly sure (82%)]');
    expect(text).toContain('[Check: familiarity; Probity thinks it likely (51%)]');
    expect(renderNudgeHtml(sure)).toContain('Must fix · political-request · Probity is fairly sure (82%)');
  });

  it('escapes every piece of user and engine text in the HTML part', () => {
    const html = renderNudgeHtml(input);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>now</b>');
    expect(html).not.toContain('<leaflets>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Leaflets &lt;b&gt;now&lt;/b&gt;');
    expect(html).toContain('&quot;Labour&quot;');
    expect(html).toContain('resources &amp; volunteers');
  });

  it('builds a MIME message with text and HTML, a fixed Message-ID and auto-generated marking', async () => {
    const messageId = nudgeMessageId('draft-key', ['political-request']);
    expect(nudgeMessageId('draft-key', ['political-request'])).toBe(messageId);
    expect(nudgeMessageId('draft-key', ['political-request', 'direct-instruction'])).not.toBe(messageId);
    const raw = await buildNudgeMessage(input, {
      from: 'Probity <probity@ashcombe.gov.uk>',
      to: 'daniel.okafor@ashcombe.gov.uk',
      messageId,
      date: new Date('2026-03-02T10:00:00Z'),
    });
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe('Protocol check: Leaflets <b>now</b>');
    expect(parsed.messageId).toBe(messageId);
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(parsed.text).toContain('5.7');
    expect(parsed.html).toContain('&lt;script&gt;');
  });
});

describe('draft identity', () => {
  const job = { mailbox: 'clerk', folder: 'Drafts', uidValidity: '7', uid: 12 };

  it('debounces autosaved copies of one draft (same Message-ID, new UID) under one id', () => {
    const a = draftDeduplicationId(job, '<abc@example.org>');
    expect(draftDeduplicationId({ ...job, uid: 13 }, '<ABC@example.org>')).toBe(a);
    expect(draftDeduplicationId({ ...job, mailbox: 'leader' }, '<abc@example.org>')).not.toBe(a);
    expect(a).not.toContain(':');
    expect(a).not.toContain('abc');
    // No Message-ID: each copy is its own job.
    expect(draftDeduplicationId(job, undefined)).not.toBe(draftDeduplicationId({ ...job, uid: 13 }, undefined));
  });

  it('uses BullMQ debounce mode: delay, ttl, extend and replace', () => {
    const options = draftJobOptions('imap-draft-x', 15_000);
    expect(options.delay).toBe(15_000);
    expect(options.deduplication).toEqual({ id: 'imap-draft-x', ttl: 15_000, extend: true, replace: true });
  });

  it('names a draft by mailbox + Message-ID and by its content', () => {
    const message = { from: 'a@x', to: ['b@x'], cc: [], bcc: [], subject: 's', text: 't' };
    const [byId, byContent] = draftKeys('m', '<id@x>', message);
    expect(draftKeys('m', '<id@x>', { ...message, text: 'changed' })[0]).toBe(byId);
    expect(draftKeys('m', '<other@x>', message)[1]).toBe(byContent);
    expect(draftKeys('n', '<id@x>', message)[0]).not.toBe(byId);
    expect(draftKeys('m', undefined, message)).toEqual([byContent]);
    expect(byContent).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('reconnect backoff', () => {
  it('grows exponentially, is capped, and is jittered', () => {
    const b = { baseMs: 1000, capMs: 60_000 };
    expect(backoffDelay(1, b, () => 0)).toBe(500);
    expect(backoffDelay(1, b, () => 1)).toBe(1000);
    expect(backoffDelay(4, b, () => 1)).toBe(8000);
    expect(backoffDelay(30, b, () => 1)).toBe(60_000);
    expect(backoffDelay(30, b, () => 0)).toBe(30_000);
  });
});

describe('mailbox configuration', () => {
  const env = {
    PROBITY_IMAP_MAILBOXES: 'clerk, group-leader',
    PROBITY_IMAP_CLERK_HOST: 'imap.example.org',
    PROBITY_IMAP_CLERK_USER: 'clerk@example.org',
    PROBITY_IMAP_CLERK_PASSWORD: 's3cret-clerk',
    PROBITY_IMAP_GROUP_LEADER_HOST: 'mail.example.org',
    PROBITY_IMAP_GROUP_LEADER_PORT: '143',
    PROBITY_IMAP_GROUP_LEADER_SECURE: 'false',
    PROBITY_IMAP_GROUP_LEADER_USER: 'leader',
    PROBITY_IMAP_GROUP_LEADER_PASSWORD: 's3cret-leader',
    PROBITY_IMAP_GROUP_LEADER_DRAFTS: 'INBOX.Drafts',
  };

  it('reads each mailbox from its own variables', () => {
    const [clerk, leader] = mailboxesFromEnv(env);
    expect(clerk).toMatchObject({
      id: 'clerk',
      host: 'imap.example.org',
      port: 993,
      secure: true,
      user: 'clerk@example.org',
      address: 'clerk@example.org',
      inboxPath: 'INBOX',
    });
    expect(leader).toMatchObject({ id: 'group-leader', port: 143, secure: false, startTls: true, draftsPath: 'INBOX.Drafts' });
    expect(leader!.address).toBeUndefined();
    expect(clerk!.password).toBe('s3cret-clerk');
  });

  it('never shows a password when the config is logged or serialised', () => {
    const [clerk] = mailboxesFromEnv(env);
    expect(JSON.stringify(clerk)).not.toContain('s3cret');
    expect(inspect(clerk, { depth: 5 })).not.toContain('s3cret');
    expect(JSON.stringify(describeMailbox(clerk!))).not.toContain('s3cret');
  });

  it('names the missing variable, never a value', () => {
    const { PROBITY_IMAP_CLERK_PASSWORD: _, ...withoutPassword } = env;
    expect(() => mailboxesFromEnv(withoutPassword)).toThrow(MailboxConfigError);
    expect(() => mailboxesFromEnv(withoutPassword)).toThrow(/PROBITY_IMAP_CLERK_PASSWORD or PROBITY_IMAP_CLERK_PASSWORD_FILE/);
    try {
      mailboxesFromEnv({ ...env, PROBITY_IMAP_CLERK_PORT: 's3cret-port' });
    } catch (error) {
      expect(String(error)).toContain('PROBITY_IMAP_CLERK_PORT');
      expect(String(error)).not.toContain('s3cret');
    }
    expect(() => mailboxesFromEnv({ PROBITY_IMAP_MAILBOXES: 'Bad_Id' })).toThrow(/lower-case id/);
  });
});
