/**
 * The pages' one shell: the office page and the member-enquiry page (and its one-click page) load the same
 * /shell/shell.js and /shell/shell.css, served under the pages' Content-Security-Policy, and neither page keeps a
 * copy of what the shell does. (The pages themselves are driven in Chromium in their own tests.)
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageFilesDir } from '../src/http/page-files.js';
import { deletePrefix, sharedRedis, uniquePrefix } from './briefings/redis-helpers.js';
import { enquiryApp } from './enquiries/app.js';

let redis: Redis;
let r: Awaited<ReturnType<typeof enquiryApp>>;
const prefix = uniquePrefix('shell');

beforeAll(async () => {
  redis = sharedRedis();
  r = await enquiryApp(redis, prefix);
});
afterAll(async () => {
  await r.app.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

describe('the pages share one shell', () => {
  it('serves the shell under the pages’ policy, and both pages load it', async () => {
    for (const [file, type] of [
      ['shell.js', 'javascript'],
      ['shell.css', 'css'],
    ] as const) {
      const res = await r.app.inject({ url: `/shell/${file}` });
      expect(res.statusCode, file).toBe(200);
      expect(res.headers['content-type']).toContain(type);
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    }
    // No listing of the folder.
    expect((await r.app.inject({ url: '/shell/' })).statusCode).toBeGreaterThanOrEqual(400);
    for (const url of ['/office/', '/enquiries/', '/enquiries/act.html']) {
      const html = (await r.app.inject({ url })).body;
      expect(html, url).toContain('<link rel="stylesheet" href="/shell/shell.css">');
    }
    for (const url of ['/office/app.js', '/enquiries/app.js']) {
      const js = (await r.app.inject({ url })).body;
      expect(js, url).toMatch(/from '\/shell\/shell\.js'/);
    }
  });

  it('serves every page the one way: the same headers on each, the bare address redirected, the files found from dist/ too', async () => {
    const HEADERS = ['content-security-policy', 'x-content-type-options', 'referrer-policy', 'cache-control'];
    const headersOf = async (url: string) => {
      const res = await r.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      return Object.fromEntries(HEADERS.map((h) => [h, res.headers[h]]));
    };
    const office = await headersOf('/office/');
    expect(office['content-security-policy']).toContain("default-src 'none'");
    for (const url of ['/enquiries/', '/enquiries/act.html', '/enquiries/app.js', '/office/app.js', '/shell/shell.css']) {
      expect(await headersOf(url), url).toEqual(office);
    }
    for (const [bare, page] of [
      ['/office', '/office/'],
      ['/enquiries', '/enquiries/'],
    ]) {
      const res = await r.app.inject({ url: bare });
      expect(res.statusCode, bare).toBe(302);
      expect(res.headers.location).toBe(page);
    }
    // Compiled, a module is in dist/src/<area>/; its page's files were not compiled and are still in src/<area>/.
    const root = fileURLToPath(new URL('../', import.meta.url));
    expect(pageFilesDir(pathToFileURL(`${root}dist/src/enquiries/routes.js`).href, 'page')).toBe(`${root}src/enquiries/page/`);
    expect(pageFilesDir(pathToFileURL(`${root}src/http/page.route.ts`).href, 'shell')).toBe(`${root}src/http/shell/`);
  });

  it('keeps no second copy of the shell in either page', () => {
    for (const file of ['src/http/page/app.js', 'src/enquiries/page/app.js']) {
      const js = readFileSync(file, 'utf8');
      expect(js, file).not.toMatch(/function el\(|async function api\(|function say\(|fetch\('\/auth\/session'/);
    }
    for (const file of ['src/http/page/style.css', 'src/enquiries/page/style.css']) {
      const css = readFileSync(file, 'utf8');
      expect(css, file).not.toMatch(/:root\s*\{|^\.top\s*\{|^\.status\s*\{/m);
    }
  });
});
