/**
 * docs/screenshots/audit-report.png: an audit of a generated mbox (the example messages over two years) rendered
 * as the HTML report and photographed in Debian's headless Chromium with the network blocked.
 *
 *   npx tsx scripts/audit-screenshot.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { PACKAGE_ROOT } from '../src/lint/load.js';
import { writeMbox } from '../test/audit/fixtures.js';

const MESSAGES = 1_200;
const tmp = mkdtempSync(join(tmpdir(), 'probity-audit-shot-'));
try {
  await writeMbox(join(tmp, 'sent-items.mbox'), MESSAGES, { junkEvery: 400 });
  const html = join(tmp, 'report.html');
  const cli = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(PACKAGE_ROOT, 'src/cli/main.ts'),
      'audit',
      join(tmp, 'sent-items.mbox'),
      '--html',
      html,
      '--pseudonym-key',
      'screenshot',
      '--no-progress',
    ],
    {
      cwd: PACKAGE_ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  if (cli.status !== 0) throw new Error(`probity audit exited ${cli.status}`);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const context = await browser.newContext({ viewport: { width: 1360, height: 1000 }, deviceScaleFactor: 1 });
  await context.route('**/*', (route) => (route.request().url().startsWith('file://') ? route.continue() : route.abort()));
  const page = await context.newPage();
  await page.goto(pathToFileURL(html).href);
  await page.waitForSelector('body[data-charts="rendered"]');
  const out = join(PACKAGE_ROOT, 'docs', 'screenshots', 'audit-report.png');
  await page.screenshot({ path: out, fullPage: true });
  await browser.close();
  console.log(`wrote ${out}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
