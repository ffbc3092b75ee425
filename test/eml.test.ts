/** MIME messages to `Message`, through the real mailparser, on the fixtures in test/fixtures/. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalise } from '../src/lint/normalise/index.js';
import { parseEml } from '../src/mail/eml.js';
import { InputError } from '../src/mail/errors.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name));

describe('parseEml', () => {
  it('parses a plain UTF-8 message: lower-cased bare addresses, subject, text, date, id', async () => {
    const message = await parseEml(fixture('plain.eml'));
    expect(message).toEqual({
      id: '<plain-1@ashcombe.gov.uk>',
      channel: 'email',
      from: 'ruth.hale@ashcombe.gov.uk',
      to: ['amir.patel@ashcombe.gov.uk'],
      cc: ['lisa.hughes@ashcombe.gov.uk'],
      bcc: [],
      subject: 'Northgate application',
      text: expect.stringContaining('traffic survey for the Northgate application has got to \u2014'),
      sentAt: '2025-03-03T10:12:00.000Z',
    });
    expect(message.html).toBeUndefined();
  });

  it('keeps html (and leaves text empty) for an HTML-only message, which normalises to text with its quote apart', async () => {
    const message = await parseEml(fixture('html-only.eml'));
    expect(message.text).toBe('');
    expect(message.html).toContain('<p>Dear Sarah,</p>');
    const n = normalise(message);
    expect(n.text).toBe('Dear Sarah,\n\nPlease see the agenda.');
    expect(n.quoted).toEqual([{ kind: 'reply', text: 'Earlier text quoted here.' }]);
  });

  it('flattens address groups and keeps Bcc; the forwarded block is detected with its sender', async () => {
    const message = await parseEml(fixture('forwarded-bcc.eml'));
    expect(message.from).toBe('amir.patel@ashcombe.gov.uk');
    expect(message.to).toEqual(['tom.webb@ashcombe.gov.uk', 'susan.ashworth@ashcombe.gov.uk', 'imran.khan@ashcombe.gov.uk']);
    expect(message.bcc).toEqual(['megan.price@ashcombe.gov.uk']);
    expect(message.subject).toBe('Fwd: Northgate application');
    const n = normalise(message);
    expect(n.text).toBe('Tom, see below.');
    expect(n.quoted).toEqual([
      {
        kind: 'forward',
        from: 'Cllr Ruth Hale <ruth.hale@ashcombe.gov.uk>',
        fromAddress: 'ruth.hale@ashcombe.gov.uk',
        text: 'Dear Amir, could you let me know where the traffic survey has got to?\nRuth',
      },
    ]);
  });

  it('decodes ISO-8859-1 text and an encoded-word subject', async () => {
    const message = await parseEml(fixture('latin1.eml'));
    expect(message.subject).toBe('Café licence');
    expect(message.text.trim()).toBe('The café licence fee is £120 this year.');
  });

  it('replaces invalid UTF-8 in a part declared UTF-8 with U+FFFD instead of failing', async () => {
    const message = await parseEml(fixture('invalid-utf8.eml'));
    expect(message.text).toMatch(/^Before \uFFFD+ after\.\s*$/);
  });

  it('accepts a string as well as a Buffer', async () => {
    const message = await parseEml('From: a@x.gov.uk\r\nTo: B@X.gov.uk\r\nSubject: s\r\n\r\nbody\r\n');
    expect(message).toMatchObject({ from: 'a@x.gov.uk', to: ['b@x.gov.uk'], subject: 's', text: 'body\n' });
    expect(message.sentAt).toBeUndefined();
    expect(message.id).toBeUndefined();
  });

  it.each([
    ['malformed.eml', 'not an email message: no headers'],
    ['empty.eml', 'not an email message: no headers'],
    ['binary.eml', 'binary content, not an email message'],
  ])('refuses %s with an InputError: %s', async (name, reason) => {
    const attempt = parseEml(fixture(name));
    await expect(attempt).rejects.toBeInstanceOf(InputError);
    await expect(attempt).rejects.toThrow(reason);
  });

  it('refuses text that has a colon on its first line but no message headers', async () => {
    await expect(parseEml('Note: remember the agenda\n\nbody')).rejects.toThrow('not an email message: no headers');
  });

  it('refuses a message larger than the limit before parsing it', async () => {
    await expect(parseEml(Buffer.alloc(61 * 1024 * 1024, 0x61))).rejects.toThrow('message is larger than 60 MB');
    await expect(parseEml('From: a@x\r\n\r\n' + 'x'.repeat(2000), { maxBytes: 1024 * 1024 * 0.001 })).rejects.toThrow(/larger than/);
  });
});
