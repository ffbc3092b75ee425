/** The Smart Alert and notification texts, and the add-in plugin's routes (app.inject, no browser). */
import Fastify from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOutlook } from '../../scripts/build-outlook.js';
import { addinOptions, addinRoutes } from '../../src/http/addin.route.js';
import { loadSettings } from '../../src/process/settings.js';
import type { Finding } from '../../src/lint/types.js';
import { alertMessage, blockingFindings, fingerprint, MAX_ALERT_CHARS, MAX_NOTIFICATION_CHARS, notificationMessage } from '../../src/outlook/alert.js';
import { TEST_LEDGER_KEY } from '../helpers/ledger-env.js';

function finding(rule: string, severity: Finding['severity'], ref: string, length = 120): Finding {
  return {
    rule,
    messageId: 'scripted',
    severity,
    message: `This is what is wrong with the message (${rule}) ${'and why it matters '.repeat(Math.ceil(length / 20))}`.slice(0, length),
    span: { start: 0, end: 1, line: 1, column: 1 },
    excerpt: 'the words',
    clause: { protocol: 'north-east-derbyshire', title: 'Protocol for Councillor – Officer relations', ref, quote: 'a quote' },
    suggestion: `Say it this way instead ${'with more detail '.repeat(10)}`,
    confidence: 0.9,
  };
}

describe('Smart Alert text', () => {
  it('says what is wrong, cites the clause, says what to do, within 500 characters', () => {
    const text = alertMessage([finding('political-request', 'error', '5.7')], { resendHint: true });
    expect(text.length).toBeLessThanOrEqual(MAX_ALERT_CHARS);
    expect(text).toContain('(Protocol for Councillor – Officer relations, 5.7)');
    expect(text).toContain('Say it this way instead');
    expect(text).toMatch(/press Send again\.$/);
  });

  it('stays within 500 characters however long the findings, and keeps the clause ref', () => {
    const many = [
      finding('direct-instruction', 'error', '2.1', 900),
      finding('political-request', 'error', '5.7', 900),
      finding('out-of-hours', 'warning', '4.1(4)(vi)', 900),
    ];
    const text = alertMessage(many, { resendHint: true });
    expect(text.length).toBeLessThanOrEqual(MAX_ALERT_CHARS);
    expect(text).toContain('2.1');
    expect(text).toContain('Also: political-request (5.7), out-of-hours (4.1(4)(vi)).');
  });

  it('has no resend hint in prompt-user mode (Outlook offers Send Anyway)', () => {
    expect(alertMessage([finding('political-request', 'error', '5.7')], { resendHint: false })).not.toContain('Send again');
  });

  it('keeps findings at or above the chosen severity, most severe first', () => {
    const list = [finding('ward-members', 'info', '7.8'), finding('out-of-hours', 'warning', '4.1'), finding('political-request', 'error', '5.7')];
    expect(blockingFindings(list, 'warning').map((f) => f.rule)).toEqual(['political-request', 'out-of-hours']);
    expect(blockingFindings(list, 'error').map((f) => f.rule)).toEqual(['political-request']);
    expect(blockingFindings(list, 'info')).toHaveLength(3);
  });

  it('fits the notification bar (150 characters)', () => {
    const text = notificationMessage([finding('silent-copy', 'error', '9.1', 400), finding('ward-members', 'warning', '7.8')]);
    expect(text.length).toBeLessThanOrEqual(MAX_NOTIFICATION_CHARS);
    expect(text).toMatch(/^Probity \(90% sure\): /);
    expect(text).toContain('(protocol 9.1) +1 more');
  });

  it('says how sure Probity is of the finding it leads with, in words, within the limits', () => {
    const sure = { ...finding('direct-instruction', 'error', '2.1'), confidence: 0.82 };
    const text = alertMessage([sure], { resendHint: true });
    expect(text).toContain('(Protocol for Councillor – Officer relations, 2.1). Probity is fairly sure (82%).');
    const long = alertMessage(
      [{ ...finding('direct-instruction', 'error', '2.1', 900), confidence: 0.55 }, finding('political-request', 'error', '5.7', 900)],
      { resendHint: true },
    );
    expect(long.length).toBeLessThanOrEqual(MAX_ALERT_CHARS);
    expect(long).toContain('Probity thinks it likely (55%).');
    expect(notificationMessage([{ ...finding('silent-copy', 'error', '9.1', 400), confidence: 0.97 }])).toMatch(/^Probity \(97% sure\): /);
  });

  it('fingerprints a draft without keeping its text', () => {
    const a = fingerprint(['Subject', 'Body text', 'to@x']);
    expect(a).toBe(fingerprint(['Subject', 'Body text', 'to@x']));
    expect(a).not.toBe(fingerprint(['Subject', 'Body text!', 'to@x']));
    expect(a).not.toContain('Body');
  });
});

describe('add-in routes', () => {
  let dir: string;
  const app = Fastify({ logger: false });

  beforeAll(async () => {
    dir = await buildOutlook(mkdtempSync(join(tmpdir(), 'probity-outlook-')));
    await app.register(addinRoutes, {
      publicUrl: 'https://probity.ashcombe.example/',
      sso: { clientId: '3f2b9c1e-7a44-4d8e-9b1a-2c6e5d7f8a90' },
      sendMode: 'promptUser',
      minSeverity: 'error',
      assetsDir: dir,
    });
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the manifest with the public URL and send mode filled in', async () => {
    const res = await app.inject('/addin/manifest.xml');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('xml');
    expect(res.body).not.toMatch(/\{\{[A-Z_]+\}\}/);
    expect(res.body).toContain('<bt:Url id="Probity.Commands.Script" DefaultValue="https://probity.ashcombe.example/addin/commands.js"/>');
    expect(res.body).toContain('<LaunchEvent Type="OnMessageSend" FunctionName="onMessageSendHandler" SendMode="PromptUser"/>');
    expect(res.body).toContain('<LaunchEvent Type="OnMessageRecipientsChanged" FunctionName="onMessageRecipientsChangedHandler"/>');
    expect(res.body).toMatch(/<Version>\d+\.\d+\.\d+\.\d+<\/Version>/);
    // Office single sign-on: the app registration each user's token is issued for.
    expect(res.body).toContain('<Id>3f2b9c1e-7a44-4d8e-9b1a-2c6e5d7f8a90</Id>');
    expect(res.body).toContain('<Resource>api://probity.ashcombe.example/3f2b9c1e-7a44-4d8e-9b1a-2c6e5d7f8a90</Resource>');
  });

  it('leaves WebApplicationInfo out when no app registration is configured', async () => {
    const bare = Fastify({ logger: false });
    await bare.register(addinRoutes, { publicUrl: 'https://probity.ashcombe.example', assetsDir: dir });
    const body = (await bare.inject('/addin/manifest.xml')).body;
    expect(body).not.toContain('WebApplicationInfo');
    expect(body).not.toMatch(/\{\{[A-Z_]+\}\}/);
    await bare.close();
  });

  it('serves the handler with its settings ahead of the bundle, and no credential in them', async () => {
    const res = await app.inject('/addin/commands.js');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('javascript');
    expect(res.headers['cache-control']).toBe('no-cache');
    const first = res.body.split('\n')[0]!;
    expect(first).toMatch(/^var PROBITY_ADDIN_CONFIG = /);
    expect(JSON.parse(first.replace(/^var PROBITY_ADDIN_CONFIG = /, '').replace(/;$/, ''))).toEqual({
      apiUrl: 'https://probity.ashcombe.example',
      minSeverity: 'error',
      sendMode: 'promptUser',
      timeoutMs: 3000,
    });
  });

  it('lists the handler in the well-known file for cross-origin calls from classic Outlook', async () => {
    const res = await app.inject('/.well-known/microsoft-officeaddins-allowed.json');
    expect(res.json()).toEqual({ allowed: ['https://probity.ashcombe.example/addin/commands.js'] });
  });

  it('serves the task pane, its stylesheet and icons, and nothing else', async () => {
    for (const path of ['/addin/taskpane.html', '/addin/taskpane.css', '/addin/taskpane.js', '/addin/commands.html', '/addin/assets/icon-80.png']) {
      expect((await app.inject(path)).statusCode, path).toBe(200);
    }
    expect((await app.inject('/addin/assets/..%2f..%2fpackage.json')).statusCode).toBe(404);
    expect((await app.inject('/addin/assets/icon-999.png')).statusCode).toBe(404);
  });

  it('answers 503 when the add-in has not been built', async () => {
    const bare = Fastify({ logger: false });
    await bare.register(addinRoutes, { publicUrl: 'https://probity.ashcombe.example', assetsDir: join(dir, 'missing') });
    expect((await bare.inject('/addin/commands.js')).statusCode).toBe(503);
    await bare.close();
  });

  it('reads its options from the settings, which name a bad variable', () => {
    const base = {
      PROBITY_COUNCIL: 'examples/council.yaml',
      PROBITY_TOKEN_SECRET: 'a7f3c9e1b5d2f8a4c6e0b3d7f1a9c5e2',
      PROBITY_LINK_KEYS: 'k1:link-key-for-process-tests-0123456789abcdef',
      PROBITY_LEDGER_KEY: TEST_LEDGER_KEY,
    };
    expect(addinOptions(loadSettings('api', base))).toBeUndefined();
    const env = { ...base, PROBITY_PUBLIC_URL: 'https://p.example', PROBITY_ADDIN_SEND_MODE: 'promptUser', PROBITY_ADDIN_MIN_SEVERITY: 'error' };
    expect(addinOptions(loadSettings('api', env))).toEqual({ publicUrl: 'https://p.example', sendMode: 'promptUser', minSeverity: 'error' });
    expect(() => loadSettings('api', { ...env, PROBITY_ADDIN_SEND_MODE: 'block' })).toThrow(/PROBITY_ADDIN_SEND_MODE must be one of softBlock, promptUser/);
    expect(() => loadSettings('api', { ...base, PROBITY_PUBLIC_URL: 'not a url' })).toThrow(/PROBITY_PUBLIC_URL must be a URL/);
    const sso = { ...env, OIDC_ISSUER: 'https://login.microsoftonline.com/tenant/v2.0', OIDC_CLIENT_ID: 'sign-in', PROBITY_ADDIN_CLIENT_ID: 'addin-app' };
    expect(addinOptions(loadSettings('api', sso))?.sso).toEqual({ clientId: 'addin-app' });
    expect(() => loadSettings('api', { ...env, PROBITY_ADDIN_CLIENT_ID: 'addin-app' })).toThrow(/^OIDC_ISSUER must be set with PROBITY_ADDIN_CLIENT_ID/m);
    // The shared token of old is refused, not quietly ignored: it was public, so it must be revoked.
    expect(() => loadSettings('api', { ...sso, PROBITY_ADDIN_TOKEN: 'pb1.token.sig' })).toThrow(/^PROBITY_ADDIN_TOKEN is no longer read: .*revoke that token/m);
  });
});
