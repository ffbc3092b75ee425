/**
 * The HTML report in headless Chromium (Debian's), opened from a file:// URL with every network request aborted:
 * the charts render (canvases with a size and drawn pixels), nothing is fetched, nothing logs an error, and a
 * hostile subject and name show as text without running.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_COUNCIL } from '../../src/lint/load.js';
import { examples, exampleCouncil, toEml, variant, writeEmlFolder, writeMbox } from './fixtures.js';
import { runCli } from './helpers.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const tmp = mkdtempSync(join(tmpdir(), 'probity-audit-html-'));
let browser: Browser;

beforeAll(async () => {
  await writeMbox(join(tmp, 'sent.mbox'), 240, { junkEvery: 60 });
  const r = await runCli(['audit', 'sent.mbox', '--html', 'report.html', '--pseudonym-key', 'k', '--no-progress'], tmp);
  if (r.code !== 0) throw new Error(r.stderr);

  const hostileName = '<img src=x onerror="window.__pwned=1">Webb';
  writeFileSync(join(tmp, 'hostile.yaml'), readFileSync(EXAMPLE_COUNCIL, 'utf8').replace('name: Cllr Tom Webb', `name: '${hostileName}'`));
  const list = examples();
  writeEmlFolder(join(tmp, 'hostile'), 0);
  for (const [i, m] of list.entries()) {
    writeFileSync(
      join(tmp, 'hostile', `${i}.eml`),
      toEml(variant(list, i), exampleCouncil(), { subject: `</script><script>window.__pwned=2</script> ${m.id}` }),
    );
  }
  const h = await runCli(['audit', 'hostile', '--council', 'hostile.yaml', '--names', '--excerpts', '--html', 'hostile.html', '--no-progress'], tmp);
  if (h.code !== 0) throw new Error(h.stderr);
  // A report with nothing to chart must still open cleanly.
  writeEmlFolder(join(tmp, 'clean'), 0);
  writeFileSync(
    join(tmp, 'clean', 'clean.eml'),
    toEml(
      variant(
        list,
        list.findIndex((m) => m.id === 'clean-information-request'),
      ),
      exampleCouncil(),
    ),
  );
  const c = await runCli(['audit', 'clean', '--html', 'clean.html', '--no-progress'], tmp);
  if (c.code !== 0) throw new Error(c.stderr);
  browser = await chromium.launch({ executablePath: CHROMIUM!, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function open(file: string) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file://')) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('dialog', (dialog) => {
    errors.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.goto(pathToFileURL(join(tmp, file)).href);
  await page.waitForSelector('body[data-charts="rendered"]');
  return { page, context, blocked, errors };
}

describe.skipIf(!CHROMIUM)('the HTML audit report in Chromium', () => {
  it('renders its charts with no network and no errors', async () => {
    const { page, context, blocked, errors } = await open('report.html');
    const canvases = await page.$$('canvas');
    expect(canvases.length).toBe(4);
    for (const canvas of canvases) {
      const box = await canvas.boundingBox();
      expect(box!.width).toBeGreaterThan(100);
      expect(box!.height).toBeGreaterThan(100);
    }
    // Drawn, not just sized: each canvas has pixels that are not transparent.
    const drawn = await page.$$eval('canvas', (list) =>
      list.map((c) => {
        const data = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
        return n;
      }),
    );
    for (const n of drawn) expect(n).toBeGreaterThan(1000);
    expect(await page.textContent('h1')).toContain('Ashcombe District Council');
    expect(blocked).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('filters the findings and the band columns by how sure Probity is', async () => {
    const { page, context, errors } = await open('report.html');
    const all = await page.$$eval('#finding-list tr[data-confidence]', (rows) => rows.length);
    expect(all).toBeGreaterThan(0);
    expect(await page.textContent('#confidence-shown')).toBe(`${all} of ${all} listed findings shown`);
    await page.selectOption('#confidence-filter', '90');
    await page.waitForSelector('body[data-confidence-filter="90"]');
    const visible = await page.$$eval('#finding-list tr[data-confidence]', (rows) =>
      rows.filter((r) => !(r as HTMLElement).hidden).map((r) => Number(r.getAttribute('data-confidence'))),
    );
    for (const percent of visible) expect(percent).toBeGreaterThanOrEqual(90);
    expect(await page.textContent('#confidence-shown')).toBe(`${visible.length} of ${all} listed findings shown`);
    // Only the "very sure" column of the band table stays.
    const columns = await page.$$eval('table.by-confidence thead th[data-band-min]', (cells) =>
      cells.filter((c) => !(c as HTMLElement).hidden).map((c) => c.getAttribute('data-band-min')),
    );
    expect(columns).toEqual(['90']);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('opens a report with no findings without errors', async () => {
    const { page, context, errors } = await open('clean.html');
    expect(await page.$$('canvas')).toHaveLength(4);
    expect(await page.textContent('.totals')).toMatch(/1\s*messages checked/);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows a hostile subject and name as text', async () => {
    const { page, context, errors } = await open('hostile.html');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    const text = await page.textContent('main');
    expect(text).toContain('</script><script>window.__pwned=2</script>');
    expect(text).toContain('<img src=x onerror="window.__pwned=1">Webb');
    expect(await page.$$('main img')).toHaveLength(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
