/**
 * The chief executive's office page: static HTML, CSS and JS from src/http/page, served at /office/ by the
 * API process, and the shell it shares with the member-enquiry page (src/http/shell, at /shell/), both served as
 * every page is (page-files.ts: the same strict Content-Security-Policy and headers).
 */
import type { FastifyPluginAsync } from 'fastify';
import { pageFilesDir, servePage } from './page-files.js';

export const PAGE_PREFIX = '/office/';
/** The pages' shared shell (shell.js, shell.css): the office page and the member-enquiry page both load it. */
export const SHELL_PREFIX = '/shell/';

export function defaultPageDir(): string {
  return pageFilesDir(import.meta.url, 'page');
}

export const pageRoutes: FastifyPluginAsync<{ dir?: string }> = async (app, opts) => {
  await servePage(app, { prefix: PAGE_PREFIX, root: opts.dir ?? defaultPageDir(), index: 'index.html' });
  // The shell is two known files: no index, no wildcard.
  await servePage(app, { prefix: SHELL_PREFIX, root: pageFilesDir(import.meta.url, 'shell') });
};
