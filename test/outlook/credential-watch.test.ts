/**
 * A failing or expiring credential is said out loud: an error in the log and an email to the administrators
 * through the notices' SMTP sender (a real smtp-server sink on loopback), once a day per problem. The identity
 * provider is a real one on loopback (oidc-provider) when it is up, and a closed port when it is not; the app is
 * the real one (buildApp), so the trouble a failing check meets is what gets reported.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddinSso } from '../../src/auth/addin-sso.js';
import { MemoryKv } from '../../src/auth/kv.js';
import { MemoryStore } from '../../src/briefings/memory-store.js';
import { BriefingService } from '../../src/briefings/service.js';
import { buildApp } from '../../src/http/app.js';
import { issueToken } from '../../src/http/auth.js';
import { CredentialWatch, DAY_MS } from '../../src/http/credential-watch.js';
import { loadLinter } from '../../src/lint/load.js';
import { EmailSender } from '../../src/notices/email.js';
import { SmtpSink } from '../briefings/sinks.js';
import { clock, council, ids } from '../briefings/fixtures.js';
import { freePort } from '../helpers/free-port.js';
import { ADDIN_CLIENT, startIdp, type TestIdp } from '../helpers/idp.js';

const ADMIN = 'it-servicedesk@ashcombe.gov.uk';
const SECRET = 'credential-watch-test-secret-0123456789abcdef';

class RecordingLog {
  readonly lines: { level: string; fields: Record<string, unknown>; msg: string }[] = [];
  error = (fields: Record<string, unknown>, msg: string) => void this.lines.push({ level: 'error', fields, msg });
  warn = (fields: Record<string, unknown>, msg: string) => void this.lines.push({ level: 'warn', fields, msg });
  info = (fields: Record<string, unknown>, msg: string) => void this.lines.push({ level: 'info', fields, msg });
  errors = (problem: string) => this.lines.filter((l) => l.level === 'error' && l.fields.problem === problem);
}

let sink: SmtpSink;
let idp: TestIdp;
let closedIssuer: string;
const linter = loadLinter();

beforeAll(async () => {
  sink = await SmtpSink.start();
  idp = await startIdp();
  closedIssuer = `http://127.0.0.1:${await freePort()}`;
}, 60_000);

afterAll(async () => {
  await sink?.stop();
  await idp?.close();
});

function watchWith(options: { sso?: AddinSso; admins?: string[]; now?: () => number; addinWithoutSso?: boolean }) {
  const log = new RecordingLog();
  const email = new EmailSender({ host: '127.0.0.1', port: sink.port, ignoreTLS: true, from: { name: 'Probity', email: 'briefings@ashcombe.gov.uk' } });
  const watch = new CredentialWatch({
    log: log as never,
    kv: new MemoryKv(),
    admins: options.admins ?? [ADMIN],
    email,
    domain: 'ashcombe.gov.uk',
    ...(options.sso ? { sso: options.sso } : {}),
    ...(options.addinWithoutSso ? { addinWithoutSso: true } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  return { watch, log };
}

async function until<T>(get: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = get();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`never happened: ${what}`);
}

const mailsTo = (subject: RegExp) => sink.to(ADMIN).filter((m) => subject.test(m.subject));

describe("the add-in's identity provider", () => {
  it('reachable and serving keys: nothing to report', async () => {
    const { watch, log } = watchWith({ sso: new AddinSso({ issuer: idp.issuer, clientId: ADDIN_CLIENT }) });
    expect(await watch.check()).toEqual([]);
    expect(log.lines.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('unreachable: an error in the log and one email to the administrators a day, however often it is seen', async () => {
    let now = Date.parse('2026-12-07T09:00:00Z');
    const { watch, log } = watchWith({ sso: new AddinSso({ issuer: closedIssuer, clientId: ADDIN_CLIENT }), now: () => now });
    const before = mailsTo(/cannot verify sign-ins/).length;
    const [problem] = await watch.check();
    expect(problem?.id).toBe('addin-sso-provider');
    await watch.check();
    expect(log.errors('addin-sso-provider')).toHaveLength(2);
    const mails = mailsTo(/cannot verify sign-ins/);
    expect(mails.length - before).toBe(1);
    const mail = mails.at(-1)!;
    expect(mail.subject).toBe('Probity: the Outlook add-in cannot verify sign-ins, so messages sent from Outlook go unchecked');
    expect(mail.text).toContain(`the identity provider at ${closedIssuer} cannot be reached`);
    expect(mail.text).toContain('Probity could not check this message');
    expect(mail.messageId).toBe('<addin-sso-provider.2026-12-07@ashcombe.gov.uk>');
    // Still down the next day: told again.
    now += DAY_MS;
    await watch.check();
    expect(mailsTo(/cannot verify sign-ins/).length - before).toBe(2);
  });

  it('a check that meets an unreachable provider answers 503 and the administrators hear of it at once', async () => {
    const { watch, log } = watchWith({});
    const sso = new AddinSso({ issuer: closedIssuer, clientId: ADDIN_CLIENT }, watch.ssoTrouble);
    const app = await appWith({ sso });
    try {
      const before = sink.mails.length;
      const token = `${Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'k1' })).toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'u', aud: ADDIN_CLIENT })).toString('base64url')}.c2ln`;
      const res = await app.inject({
        method: 'POST',
        url: '/v1/check',
        headers: { authorization: `Bearer ${token}` },
        payload: { channel: 'email', from: 'a@ashcombe.gov.uk', text: 'Hello' },
      });
      expect(res.statusCode).toBe(503);
      expect(res.json().error).toBe('unavailable');
      const mail = await until(() => sink.mails.slice(before).find((m) => /cannot verify sign-ins/.test(m.subject)), 'the mail to the administrators');
      expect(mail.envelopeTo).toEqual([ADMIN]);
      expect(log.errors('addin-sso-provider').length).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });

  it('an add-in served without an app registration is reported', async () => {
    const { watch } = watchWith({ addinWithoutSso: true });
    expect((await watch.check()).map((p) => p.id)).toEqual(['addin-no-sso']);
    expect(mailsTo(/has no single sign-on/)).toHaveLength(1);
  });

  it('with no administrators set, the problem is still an error in the log, and says it was not mailed', async () => {
    const { watch, log } = watchWith({ sso: new AddinSso({ issuer: closedIssuer, clientId: ADDIN_CLIENT }), admins: [] });
    await watch.check();
    expect(log.lines.some((l) => l.level === 'error' && /not mailed: set PROBITY_ADMIN_EMAILS/.test(l.msg))).toBe(true);
  });
});

describe('machine tokens in use', () => {
  it('one that expires within 14 days is reported before it expires, with how to replace it; a distant one is not', async () => {
    const { watch } = watchWith({});
    const app = await appWith({ onToken: watch.sawToken });
    try {
      const soon = issueToken(SECRET, { sub: 'nightly-script', role: 'checker', exp: Math.floor(Date.now() / 1000) + 3 * 86400, jti: 'tok-soon-0001' });
      const later = issueToken(SECRET, { sub: 'intranet', role: 'checker', exp: Math.floor(Date.now() / 1000) + 90 * 86400, jti: 'tok-later-0001' });
      for (const token of [soon, later]) {
        const res = await app.inject({
          method: 'POST',
          url: '/v1/check',
          headers: { authorization: `Bearer ${token}` },
          payload: { channel: 'email', from: 'a@ashcombe.gov.uk', text: 'Hello' },
        });
        expect(res.statusCode, res.body).toBe(200);
      }
      expect((await watch.check()).map((p) => p.id)).toEqual(['token-tok-soon-0001']);
      const mail = mailsTo(/token held by nightly-script/).at(-1)!;
      expect(mail.subject).toMatch(/^Probity: the checker token held by nightly-script expires on \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
      expect(mail.text).toContain('probity token --role checker --sub nightly-script');
      expect(mail.text).toContain('probity token revoke tok-soon-0001');
    } finally {
      await app.close();
    }
  });
});

async function appWith(auth: { sso?: AddinSso; onToken?: CredentialWatch['sawToken'] }): Promise<FastifyInstance> {
  const service = new BriefingService({ council: council(), store: new MemoryStore(), clock: clock(new Date().toISOString()), newId: ids('cw') });
  // The check route's overload guard off (as in addin-sso.test.ts): its 503 'overloaded' on a loaded box would fail the
  // 200s below, and would pass for the unreachable provider's 503 without the provider having been asked.
  const app = await buildApp({ service, linter, auth: { secret: SECRET, ...auth }, docs: false, checkOverload: false });
  await app.ready();
  return app;
}
