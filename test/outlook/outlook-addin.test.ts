/**
 * The Outlook add-in in headless Chromium: the REAL bundled handler (scripts/build-outlook.ts), served by the
 * REAL add-in plugin, calling the REAL check route with the real engine, over HTTP on loopback. Office.js is a
 * stand-in (office-stub.js) that records what the handler passes to `event.completed(...)`; its single sign-on
 * hands over a REAL token from an OpenID Connect provider on loopback (test/helpers/idp.ts), which the check
 * route verifies against that provider's keys.
 */
import { freePort } from '../helpers/free-port.js';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import Fastify, { type FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOutlook } from '../../scripts/build-outlook.js';
import { AddinSso } from '../../src/auth/addin-sso.js';
import { COULD_NOT_CHECK } from '../../src/outlook/alert.js';
import { addinRoutes, configPrologue, handlerConfig } from '../../src/http/addin.route.js';
import { checkRoutes } from '../../src/http/check.route.js';
import { loadLinter } from '../../src/lint/load.js';
import type { Finding } from '../../src/lint/types.js';
import { renderNudgeHtml } from '../../src/mail/nudge.js';
import { scriptedLinter } from '../helpers/scripted-linter.js';
import { ADDIN_CLIENT, startIdp, type TestIdp } from '../helpers/idp.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const SECRET = 'test-secret-for-the-outlook-addin-0123456789';
/** The slow route answers after this: longer than the handler's 3 s timeout. */
const SLOW_MS = 4000;

const COUNCILLOR = 'daniel.okafor@ashcombe.gov.uk';
const JUNIOR_OFFICER = 'amir.patel@ashcombe.gov.uk';
const FLAGGED = 'I want you to print 500 leaflets for our Labour campaign by Friday.';
const CLEAN = 'Thank you for the update on the Riverside footpath. Could you let me know when the works are due to finish?';

interface Compose {
  from: string;
  to: string[];
  cc?: string[];
  bcc?: string[];
  subject: string;
  body: string;
}

interface Completed {
  options: { allowEvent?: boolean; errorMessage?: string; cancelLabel?: string; commandId?: string; sendModeOverride?: string } | null;
  calls: number;
}

const flaggedDraft: Compose = { from: COUNCILLOR, to: [JUNIOR_OFFICER], subject: 'Leaflets', body: FLAGGED };
const cleanDraft: Compose = { from: COUNCILLOR, to: [JUNIOR_OFFICER], subject: 'Riverside footpath', body: CLEAN };

const linter = loadLinter();
let outDir: string;
let app: FastifyInstance;
let origin: string;
let downUrl: string;
let browser: Browser;
let lastBlocked: string | undefined;
let idp: TestIdp;
/** Cllr Okafor's single sign-on token, from the test's identity provider. */
let userToken: string;
const scriptedUrls: string[] = [];

async function harness(page: Page, apiPath = '', token: string | null = userToken): Promise<void> {
  await page.goto(`${origin}/test/harness.html`);
  await page.waitForFunction(() => (window as unknown as { __outlook?: unknown }).__outlook !== undefined);
  if (token) await page.evaluate((t) => (window as unknown as { __outlook: { signIn(t: string): void } }).__outlook.signIn(t), token);
  if (apiPath) await page.evaluate((url) => ((window as unknown as { PROBITY_ADDIN_CONFIG: { apiUrl: string } }).PROBITY_ADDIN_CONFIG.apiUrl = url), apiPath);
}

function compose(page: Page, draft: Compose): Promise<void> {
  return page.evaluate((d) => (window as unknown as { __outlook: { compose(d: unknown): void } }).__outlook.compose(d), draft);
}

function fire(page: Page, name: string): Promise<Completed> {
  return page.evaluate((n) => (window as unknown as { __outlook: { fire(n: string): Promise<Completed> } }).__outlook.fire(n), name);
}

describe.skipIf(!CHROMIUM)('Outlook add-in in headless Chromium (real handler bundle, real API)', () => {
  beforeAll(async () => {
    outDir = await buildOutlook(mkdtempSync(join(tmpdir(), 'probity-outlook-')));
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    downUrl = `http://127.0.0.1:${await freePort()}`;
    idp = await startIdp();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    userToken = await idp.tokenFor(browser, COUNCILLOR);
    const sso = new AddinSso({ issuer: idp.issuer, clientId: ADDIN_CLIENT });

    app = Fastify({ logger: false, forceCloseConnections: true });
    await app.register(checkRoutes, { linter, auth: { secret: SECRET, sso }, addinOrigin: origin, overload: false });
    await app.register(addinRoutes, { publicUrl: origin, sso: { clientId: ADDIN_CLIENT }, assetsDir: outDir });
    // Test-only surroundings: the page Outlook would be, a slow API and a broken one (same origin, no CORS).
    const stub = readFileSync(join(HERE, 'office-stub.js'));
    app.get('/test/office-stub.js', async (_r, reply) => reply.type('text/javascript').send(stub));
    app.get('/test/harness.html', async (_r, reply) =>
      reply
        .type('text/html')
        .send('<!doctype html><meta charset="utf-8"><script src="/test/office-stub.js"></script><script src="/addin/commands.js"></script>'),
    );
    app.post('/slow/v1/check', async (request) => {
      await new Promise((r) => setTimeout(r, SLOW_MS));
      // Would have blocked, had it come in time.
      return linter.lint({ channel: 'email', from: COUNCILLOR, to: [JUNIOR_OFFICER], cc: [], bcc: [], text: FLAGGED, ...(request.body as object) });
    });
    app.post('/broken/v1/check', async (_r, reply) => reply.code(500).send({ error: 'internal', message: 'The check failed.' }));
    // The real check route over a linter whose findings carry the confidences the draft names ("[conf 0.49]").
    await app.register(checkRoutes, { prefix: '/scripted', linter: scriptedLinter(), auth: { secret: SECRET, sso }, addinOrigin: origin, overload: false });
    app.addHook('onRequest', async (request) => {
      if (request.url.startsWith('/scripted/')) scriptedUrls.push(request.url);
    });
    await app.listen({ host: '127.0.0.1', port });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await idp?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('registers both handlers with Office.actions.associate', async () => {
    const page = await browser.newPage();
    await harness(page);
    expect(await page.evaluate(() => (window as unknown as { __outlook: { handlers(): string[] } }).__outlook.handlers())).toEqual([
      'onMessageRecipientsChangedHandler',
      'onMessageSendHandler',
    ]);
    await page.close();
  });

  it('serves a well-formed manifest pointing at this service', async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/addin/taskpane.css`);
    const parsed = await page.evaluate(async () => {
      const text = await (await fetch('/addin/manifest.xml')).text();
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      const events = [...doc.getElementsByTagName('LaunchEvent')].map(
        (e) => `${e.getAttribute('Type')}:${e.getAttribute('FunctionName')}:${e.getAttribute('SendMode') ?? ''}`,
      );
      const urls = [...doc.getElementsByTagNameNS('*', 'Url')].map((e) => e.getAttribute('DefaultValue'));
      return { errors: doc.getElementsByTagName('parsererror').length, events, urls, pane: doc.querySelector('Control')?.getAttribute('id') };
    });
    expect(parsed.errors).toBe(0);
    expect(parsed.events).toEqual(['OnMessageRecipientsChanged:onMessageRecipientsChangedHandler:', 'OnMessageSend:onMessageSendHandler:SoftBlock']);
    expect(parsed.urls).toContain(`${origin}/addin/commands.js`);
    expect(parsed.pane).toBe('probityOpenPane');
    await page.close();
  });

  it('blocks a flagged draft with a Smart Alert of at most 500 characters that cites the clause', async () => {
    const page = await browser.newPage();
    await harness(page);
    await compose(page, flaggedDraft);
    const { options, calls } = await fire(page, 'onMessageSendHandler');
    expect(calls).toBe(1);
    expect(options?.allowEvent).toBe(false);
    const message = options?.errorMessage ?? '';
    lastBlocked = message;
    expect(message.length).toBeGreaterThan(40);
    expect(message.length).toBeLessThanOrEqual(500);
    // The clause it rests on, from the council's own protocol pack.
    const expected = linter.lint({ channel: 'email', from: COUNCILLOR, to: [JUNIOR_OFFICER], cc: [], bcc: [], subject: 'Leaflets', text: FLAGGED }).findings;
    expect(expected.length).toBeGreaterThan(0);
    expect(message).toContain(expected[0]!.clause!.ref);
    expect(options?.commandId).toBe('probityOpenPane');
    expect(options?.cancelLabel).toBeTruthy();
    expect(options?.sendModeOverride).toBeUndefined();

    // Soft block: pressing Send again with nothing changed sends it as it is (the author's choice).
    expect((await fire(page, 'onMessageSendHandler')).options).toEqual({ allowEvent: true });
    // A changed draft is checked afresh.
    await page.evaluate(() =>
      (window as unknown as { __outlook: { edit(c: object): void } }).__outlook.edit({
        body: `${'Please. '}I want you to print 500 leaflets for our Labour campaign by Friday.`,
      }),
    );
    expect((await fire(page, 'onMessageSendHandler')).options?.allowEvent).toBe(false);
    await page.close();
  });

  it('asks for Send Anyway (promptUser) when the council configures it', async () => {
    const page = await browser.newPage();
    await harness(page);
    await page.evaluate(() => ((window as unknown as { PROBITY_ADDIN_CONFIG: { sendMode: string } }).PROBITY_ADDIN_CONFIG.sendMode = 'promptUser'));
    await compose(page, flaggedDraft);
    const { options } = await fire(page, 'onMessageSendHandler');
    expect(options?.allowEvent).toBe(false);
    expect(options?.sendModeOverride).toBe('promptUser');
    expect(options?.errorMessage).not.toContain('press Send again');
    await page.close();
  });

  it('asks the API for the pre-send stage: no alert below the council threshold (0.5), an alert saying how sure at it', async () => {
    const page = await browser.newPage();
    await harness(page, `${origin}/scripted`);
    await compose(page, { ...flaggedDraft, body: 'Send me the figures. [conf 0.49]' });
    expect(await fire(page, 'onMessageSendHandler')).toEqual({ options: { allowEvent: true }, calls: 1 });
    expect(scriptedUrls.at(-1)).toBe('/scripted/v1/check?stage=pre-send');

    await compose(page, { ...flaggedDraft, subject: 'Figures', body: 'Send me the figures. [conf 0.5]' });
    const { options } = await fire(page, 'onMessageSendHandler');
    expect(options?.allowEvent).toBe(false);
    expect(options?.errorMessage).toContain('Probity thinks it likely (50%).');
    await page.close();
  });

  it('lets a clean draft go', async () => {
    const page = await browser.newPage();
    await harness(page);
    await compose(page, cleanDraft);
    expect(await fire(page, 'onMessageSendHandler')).toEqual({ options: { allowEvent: true }, calls: 1 });
    await page.close();
  });

  /** Send once: "could not check", with why; Send again unchanged: it goes, unchecked (soft block). */
  async function couldNotCheck(page: Page, why: RegExp): Promise<void> {
    const { options, calls } = await fire(page, 'onMessageSendHandler');
    expect(calls).toBe(1);
    expect(options?.allowEvent).toBe(false);
    expect(options?.errorMessage).toMatch(new RegExp(`^${COULD_NOT_CHECK}: `));
    expect(options?.errorMessage).toMatch(why);
    expect(options?.errorMessage).toContain('To send it unchecked, press Send again');
    expect(options!.errorMessage!.length).toBeLessThanOrEqual(500);
    // Nothing to see in the task pane: no "See details".
    expect(options?.commandId).toBeUndefined();
    expect((await fire(page, 'onMessageSendHandler')).options).toEqual({ allowEvent: true });
  }

  it('says it could not check when the API is down, and Send again sends it unchecked', async () => {
    const page = await browser.newPage();
    await harness(page, downUrl);
    await compose(page, flaggedDraft);
    await couldNotCheck(page, /the Probity service cannot be reached/);
    await page.close();
  });

  it('says it could not check when the API answers 5xx', async () => {
    const page = await browser.newPage();
    await harness(page, `${origin}/broken`);
    await compose(page, flaggedDraft);
    await couldNotCheck(page, /the Probity service is unavailable \(500\)/);
    await page.close();
  });

  it('gives up on a slow API (over 3 s) and says so', async () => {
    const page = await browser.newPage();
    await harness(page, `${origin}/slow`);
    await compose(page, flaggedDraft);
    await couldNotCheck(page, /did not answer in time/);
    await page.close();
  });

  it('says it could not check when Outlook cannot sign the user in (no single sign-on), and asks no prompt at send time', async () => {
    const page = await browser.newPage();
    await harness(page, '', null);
    await compose(page, flaggedDraft);
    await couldNotCheck(page, /you are not signed in to Office \(13001\)/);
    const asked = await page.evaluate(() => (window as unknown as { __outlook: { tokenRequests(): object[] } }).__outlook.tokenRequests());
    expect(asked.length).toBeGreaterThan(0);
    for (const options of asked) expect(options).toMatchObject({ allowSignInPrompt: false, allowConsentPrompt: false });
    await page.close();
  });

  it("says it could not check when the API refuses the sign-in (401): a token not from the council's provider", async () => {
    const page = await browser.newPage();
    const [h, p] = userToken.split('.') as [string, string, string];
    await harness(page, '', `${h}.${p}.${Buffer.from("not the provider's signature").toString('base64url')}`);
    await compose(page, flaggedDraft);
    await couldNotCheck(page, /your sign-in was not accepted by the Probity service/);
    await page.close();
  });

  it('prompt-user mode: the could-not-check alert offers Send Anyway', async () => {
    const page = await browser.newPage();
    await harness(page, downUrl);
    await page.evaluate(() => ((window as unknown as { PROBITY_ADDIN_CONFIG: { sendMode: string } }).PROBITY_ADDIN_CONFIG.sendMode = 'promptUser'));
    await compose(page, flaggedDraft);
    const { options } = await fire(page, 'onMessageSendHandler');
    expect(options?.allowEvent).toBe(false);
    expect(options?.errorMessage).toMatch(new RegExp(`^${COULD_NOT_CHECK}: .*You can send it unchecked`));
    expect(options?.sendModeOverride).toBe('promptUser');
    await page.close();
  });

  it('the recipients check says so in the bar when it could not check', async () => {
    const page = await browser.newPage();
    await harness(page, downUrl);
    await compose(page, { ...flaggedDraft, bcc: ['tom.webb@ashcombe.gov.uk'] });
    await fire(page, 'onMessageRecipientsChangedHandler');
    const notices = await page.evaluate(() =>
      (window as unknown as { __outlook: { notifications(): Record<string, { message: string }> } }).__outlook.notifications(),
    );
    expect(notices.probity?.message).toBe(`${COULD_NOT_CHECK}: the Probity service cannot be reached.`);
    await page.close();
  });

  it('flags a Bcc to a councillor as soon as the recipients change', async () => {
    const page = await browser.newPage();
    await harness(page);
    await compose(page, {
      from: JUNIOR_OFFICER,
      to: [COUNCILLOR],
      bcc: ['tom.webb@ashcombe.gov.uk'],
      // A reply to a member with another member blind-copied: the clear case (a Bcc on a fresh message is a weaker one).
      subject: 'Re: Northgate planning application',
      body: 'Dear Cllr Okafor,\n\nThank you for your email about the Northgate planning application. I will look into it and reply by Friday.\n\nAmir',
    });
    const { calls } = await fire(page, 'onMessageRecipientsChangedHandler');
    expect(calls).toBe(1);
    const notices = await page.evaluate(() =>
      (window as unknown as { __outlook: { notifications(): Record<string, { message: string; type: string }> } }).__outlook.notifications(),
    );
    expect(notices.probity?.type).toBe('informationalMessage');
    expect(notices.probity?.message).toMatch(/^Probity \(\d+% sure\): /);
    expect(notices.probity?.message).toMatch(/Tom Webb|blind-cop|Bcc/i);
    expect(notices.probity!.message.length).toBeLessThanOrEqual(150);

    // Bcc removed: the bar goes.
    await page.evaluate(() => (window as unknown as { __outlook: { edit(c: object): void } }).__outlook.edit({ bcc: [] }));
    await fire(page, 'onMessageRecipientsChangedHandler');
    const after = await page.evaluate(() => (window as unknown as { __outlook: { notifications(): object } }).__outlook.notifications());
    expect(after).toEqual({});
    await page.close();
  });

  it('task pane lists the findings as text, never as HTML', async () => {
    const page = await browser.newPage();
    // The real page loads office.js from Microsoft's CDN: serve the stand-in there instead.
    const stub = readFileSync(join(HERE, 'office-stub.js'), 'utf8');
    await page.route('https://appsforoffice.microsoft.com/**', (route) =>
      route.fulfill({
        contentType: 'text/javascript',
        body: `${stub}\nwindow.__outlook.signIn(${JSON.stringify(userToken)});\nwindow.__outlook.compose(${JSON.stringify({ ...flaggedDraft, subject: 'Leaflets <img src=x onerror="window.__xss=1">', body: `${FLAGGED} <img src=x onerror="window.__xss=1">` })});`,
      }),
    );
    await page.goto(`${origin}/addin/taskpane.html`);
    await page.waitForFunction(
      () => document.querySelectorAll('#findings li').length > 0 || /could not/.test(document.getElementById('status')?.textContent ?? ''),
    );
    const items = await page.$$eval('#findings li', (lis) => lis.map((li) => li.textContent ?? ''));
    expect(items.length).toBeGreaterThan(0);
    expect(items.join(' ')).toMatch(/5\.7|2\.1/);
    expect(items.join(' ')).toMatch(/Probity (is|thinks) [a-z ]+ \(\d+%\)/);
    expect(await page.$$eval('#findings img', (imgs) => imgs.length)).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await page.close();
  });

  it.runIf(process.env.PROBITY_SCREENSHOTS === '1')('writes the screenshots for the docs', async () => {
    expect(lastBlocked).toBeTruthy();
    const page = await browser.newPage({ viewport: { width: 760, height: 420 }, deviceScaleFactor: 1 });
    await page.setContent(alertMockup(lastBlocked!));
    mkdirSync(join(ROOT, 'docs', 'screenshots'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'docs', 'screenshots', 'outlook-alert.png'), fullPage: true });

    const findings: Finding[] = linter.lint({
      channel: 'email',
      from: COUNCILLOR,
      to: [JUNIOR_OFFICER],
      cc: [],
      bcc: [],
      subject: 'Leaflets for Saturday',
      text: FLAGGED,
    }).findings;
    const nudge = renderNudgeHtml({ draftSubject: 'Leaflets for Saturday', to: [JUNIOR_OFFICER], cc: [], bcc: [], findings, council: linter.council.council });
    await page.setViewportSize({ width: 760, height: 600 });
    await page.setContent(mailClientFrame('Protocol check: Leaflets for Saturday', nudge));
    // Fit the frame to the message, so the picture has no empty tail.
    await page.evaluate(() => {
      const frame = document.querySelector('iframe')!;
      frame.style.height = `${frame.contentDocument!.documentElement.scrollHeight + 8}px`;
    });
    await page.screenshot({ path: join(ROOT, 'docs', 'screenshots', 'imap-nudge.png'), fullPage: true });
    await page.close();
  });
});

describe('the bundled handler', () => {
  it('runs in a JavaScript-only runtime: no DOM, no imports, no Office.onReady', async () => {
    const dir = await buildOutlook(mkdtempSync(join(tmpdir(), 'probity-outlook-')));
    try {
      const source = configPrologue(handlerConfig({ publicUrl: 'https://probity.example.test' })) + readFileSync(join(dir, 'commands.js'), 'utf8');
      expect(source).not.toMatch(/^\s*import\s|\brequire\(/m);
      const registered: string[] = [];
      // A bare global object: no window, document, fetch or module loader.
      runInNewContext(source, {
        Office: { actions: { associate: (name: string) => registered.push(name) }, context: { mailbox: { item: null } } },
        setTimeout,
        clearTimeout,
        Promise,
      });
      expect(registered.sort()).toEqual(['onMessageRecipientsChangedHandler', 'onMessageSendHandler']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A mock-up of Outlook's Smart Alerts dialog around the handler's real message (Outlook draws the real one). */
function alertMockup(message: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><style>
  body{margin:0;background:#c8c6c4;font-family:"Segoe UI",Helvetica,Arial,sans-serif}
  .compose{position:absolute;inset:0;background:#faf9f8;filter:blur(1px);opacity:.6;padding:24px}
  .compose div{height:14px;background:#e1dfdd;margin:10px 0;border-radius:2px}
  .dialog{position:relative;margin:40px auto;width:560px;background:#fff;box-shadow:0 6px 24px rgba(0,0,0,.3);border-radius:4px;padding:20px 24px}
  .title{font-size:16px;font-weight:600;margin-bottom:12px;display:flex;align-items:center;gap:10px}
  .title img{width:20px;height:20px}
  .msg{font-size:14px;line-height:1.45;color:#201f1e;white-space:pre-wrap}
  .buttons{display:flex;justify-content:flex-end;gap:8px;margin-top:20px}
  .btn{padding:6px 16px;border:1px solid #8a8886;border-radius:2px;font-size:14px;background:#fff}
  .primary{background:#0f6cbd;border-color:#0f6cbd;color:#fff}
  .caption{font-size:11px;color:#605e5c;text-align:center;margin-top:8px}
  </style></head><body>
  <div class="compose"><div style="width:40%"></div><div style="width:70%"></div><div></div><div style="width:85%"></div></div>
  <div class="dialog">
    <div class="title"><span>Probity</span></div>
    <div class="msg">${escapeHtml(message)}</div>
    <div class="buttons"><span class="btn primary">See details</span></div>
  </div>
  <div class="caption" style="position:relative">Mock-up: Outlook draws the dialog; the text is the add-in's real message for this draft.</div>
  </body></html>`;
}

/** The nudge's real HTML, framed like a message open in a mail client. */
function mailClientFrame(subject: string, html: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><style>
  body{margin:0;font-family:"Segoe UI",Helvetica,Arial,sans-serif;background:#f3f2f1}
  .header{background:#fff;border-bottom:1px solid #e1dfdd;padding:12px 20px}
  .subject{font-size:18px;font-weight:600}.from{font-size:13px;color:#605e5c;margin-top:4px}
  iframe{border:0;width:100%;height:480px;background:#fff;display:block}
  </style></head><body>
  <div class="header"><div class="subject">${escapeHtml(subject)}</div><div class="from">Probity &lt;probity@ashcombe.gov.uk&gt; · to you</div></div>
  <iframe sandbox="allow-same-origin" srcdoc="${escapeHtml(html)}"></iframe></body></html>`;
}
