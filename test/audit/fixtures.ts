/**
 * Audit inputs made from examples/messages.jsonl in a temp dir: an mbox, a Maildir, a folder of .eml and a Slack
 * export (folder and zip). Each message body carries a marker string, so a test can prove the text never reaches
 * a report. The scripts (bench, screenshot) use the same generators.
 */
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import yazl from 'yazl';
import { parseCouncil, type Council } from '../../src/directory/council.js';
import { EXAMPLE_COUNCIL, PACKAGE_ROOT } from '../../src/lint/load.js';
import type { Message } from '../../src/lint/types.js';

export const MARKER = 'ZQX-BODY-MARKER-7731';

/** A message of examples/messages.jsonl: the engine's model, always with an id. */
export type ExampleMessage = Message & { id: string };

export function exampleCouncil(): Council {
  return parseCouncil(readFileSync(EXAMPLE_COUNCIL, 'utf8'), EXAMPLE_COUNCIL);
}

export function examples(): ExampleMessage[] {
  return readFileSync(join(PACKAGE_ROOT, 'examples', 'messages.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as ExampleMessage);
}

/** Slack ids → emails (and back) through the directory, so every example can be written as mail or as Slack. */
function addressAs(council: Council, address: string, kind: 'email' | 'slack'): string {
  const person = council.byAddress.get(address.toLowerCase());
  if (!person) return address;
  return (kind === 'email' ? person.email : person.slack) ?? address;
}

function rfc2822(iso: string | undefined): string {
  return new Date(iso ?? '2026-05-12T10:00:00Z').toUTCString().replace('GMT', '+0000');
}

/** The i-th message of a cycle over the examples, moved `i` days on so months vary. */
export function variant(list: ExampleMessage[], i: number): ExampleMessage {
  const base = list[i % list.length]!;
  const sent = new Date(base.sentAt ?? '2026-05-12T10:00:00Z');
  // Whole weeks, so the day of the week and the hour (out-of-hours) stay what the example meant.
  sent.setUTCDate(sent.getUTCDate() - 7 * Math.floor(i / list.length));
  return { ...base, id: `${base.id}-${i}`, sentAt: sent.toISOString(), text: `${base.text}\n\n${MARKER}` };
}

/** A made-up PDF's worth of base64 lines, so a generated mailbox has the bytes per message real mail has. */
function attachment(kb: number, seed: number): string {
  const line = Buffer.alloc(57, seed % 251).toString('base64');
  return Array.from({ length: Math.ceil((kb * 1024) / 78) }, () => line).join('\r\n');
}

export function toEml(m: ExampleMessage, council: Council, extra: { subject?: string; fromName?: string; attachmentKb?: number } = {}): string {
  const email = (a: string) => addressAs(council, a, 'email');
  const subject = extra.subject ?? m.subject ?? 'Message';
  const lines = [
    `From: ${extra.fromName ? `"${extra.fromName}" ` : ''}<${email(m.from)}>`,
    m.to.length ? `To: ${m.to.map(email).join(', ')}` : '',
    m.cc.length ? `Cc: ${m.cc.map(email).join(', ')}` : '',
    m.bcc.length ? `Bcc: ${m.bcc.map(email).join(', ')}` : '',
    `Subject: ${/^[\x20-\x7e]*$/.test(subject) ? subject : `=?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`}`,
    `Date: ${rfc2822(m.sentAt)}`,
    `Message-ID: <${m.id}@example.test>`,
    'MIME-Version: 1.0',
  ].filter(Boolean);
  const body = m.text.replace(/\r?\n/g, '\r\n');
  if (!extra.attachmentKb) return `${lines.join('\r\n')}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${body}\r\n`;
  const b = `b-${m.id}`;
  return (
    `${lines.join('\r\n')}\r\nContent-Type: multipart/mixed; boundary="${b}"\r\n\r\n` +
    `--${b}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${body}\r\n` +
    `--${b}\r\nContent-Type: application/pdf; name="report.pdf"\r\nContent-Disposition: attachment; filename="report.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n${attachment(extra.attachmentKb, m.id.length)}\r\n--${b}--\r\n`
  );
}

/** mboxrd: body lines starting with (>*)From get one more `>`. */
export function mboxEntry(eml: string): string {
  return `From audit@example.test Mon May 12 10:00:00 2026\n${eml.replace(/\r\n/g, '\n').replace(/^(>*From )/gm, '>$1')}\n`;
}

export async function writeMbox(path: string, count: number, options: { junkEvery?: number; attachmentKb?: number } = {}): Promise<void> {
  const council = exampleCouncil();
  const list = examples();
  const out = createWriteStream(path);
  for (let i = 0; i < count; i++) {
    const entry =
      options.junkEvery && i % options.junkEvery === options.junkEvery - 1
        ? 'From junk@example.test Mon May 12 10:00:00 2026\nthis is not a message at all\n\n'
        : mboxEntry(toEml(variant(list, i), council, options.attachmentKb ? { attachmentKb: options.attachmentKb } : {}));
    if (!out.write(entry)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

export function writeEmlFolder(dir: string, count: number, name = (i: number) => `${String(i).padStart(6, '0')}.eml`): void {
  const council = exampleCouncil();
  const list = examples();
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) writeFileSync(join(dir, name(i)), toEml(variant(list, i), council));
}

export function writeMaildir(dir: string, count: number): void {
  for (const sub of ['tmp', 'new']) mkdirSync(join(dir, sub), { recursive: true });
  writeEmlFolder(join(dir, 'cur'), count, (i) => `1700000000.M${i}P1.host:2,S`);
}

/** The files of a Slack export: users.json, channels.json and one day file per message (two channels). */
export function slackExportFiles(count: number, options: { badDay?: boolean } = {}): Map<string, string> {
  const council = exampleCouncil();
  const list = examples();
  const files = new Map<string, string>();
  files.set(
    'users.json',
    JSON.stringify(council.people.filter((p) => p.slack).map((p) => ({ id: p.slack, name: p.id, real_name: p.name, profile: { email: p.email } }))),
  );
  files.set(
    'channels.json',
    JSON.stringify([
      { id: 'C1', name: 'planning' },
      { id: 'C2', name: 'members' },
    ]),
  );
  const days = new Map<string, unknown[]>();
  for (let i = 0; i < count; i++) {
    const m = variant(list, i);
    const slack = (a: string) => addressAs(council, a, 'slack');
    const mentions = [...m.to, ...m.cc].map(slack).filter((id) => /^U/.test(id));
    const text = `${mentions.map((id) => `<@${id}> `).join('')}${m.text}`
      .replace(/&/g, '&amp;')
      .replace(/</g, (c, at: number, s: string) => (s.slice(at, at + 2) === '<@' ? c : '&lt;'));
    const day = `${i % 2 ? 'members' : 'planning'}/${m.sentAt!.slice(0, 10)}.json`;
    const ts = (new Date(m.sentAt!).getTime() / 1000).toFixed(6);
    const events = days.get(day) ?? [];
    if (events.length === 0) events.push({ type: 'message', subtype: 'channel_join', user: slack(m.from), text: 'joined', ts });
    events.push({ type: 'message', user: slack(m.from), text, ts });
    days.set(day, events);
  }
  for (const [day, events] of days) files.set(day, JSON.stringify(events, null, 1));
  if (options.badDay) files.set('planning/2020-01-01.json', `[{"type":"message","user":"U0WEBB","text":"${MARKER} broken`);
  return files;
}

export function writeSlackFolder(dir: string, files: Map<string, string>): void {
  for (const [name, text] of files) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

export async function writeSlackZip(path: string, files: Map<string, string>, top = 'Ashcombe Slack export'): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, text] of files) zip.addBuffer(Buffer.from(text), `${top}/${name}`);
  zip.end();
  const out = createWriteStream(path);
  zip.outputStream.pipe(out);
  await once(out, 'finish');
}

export type { Message };
