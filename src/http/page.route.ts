/**
 * The chief executive's office page: static HTML, CSS and JS from src/http/page, served at /office/ by the
 * API process, and the shell it shares with the member-enquiry page (src/http/shell, at /shell/). A strict Content-Security-Policy (scripts and styles from this origin only, no inline script)
 * backs up the page's own rule of rendering user text as text.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

export const PAGE_PREFIX = '/office/';
/** The pages' shared shell (shell.js, shell.css): the office page and the member-enquiry page both load it. */
export const SHELL_PREFIX = '/shell/';

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** A folder of the page's files: next to this module when run from source, or from src/ when run from dist/. */
function filesDir(name: string): string {
  const beside = fileURLToPath(new URL(`./${name}/`, import.meta.url));
  if (existsSync(beside)) return beside;
  return fileURLToPath(new URL(`../../../src/http/${name}/`, import.meta.url));
}

export function defaultPageDir(): string {
  return filesDir('page');
}

function pageHeaders(reply: { header(name: string, value: string): unknown }): void {
  reply.header('content-security-policy', CSP);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('cache-control', 'no-cache');
}

export const pageRoutes: FastifyPluginAsync<{ dir?: string }> = async (app, opts) => {
  app.get('/office', { schema: { hide: true } }, async (_request, reply) => reply.redirect(PAGE_PREFIX));
  await app.register(fastifyStatic, {
    root: opts.dir ?? defaultPageDir(),
    prefix: PAGE_PREFIX,
    index: ['index.html'],
    setHeaders: pageHeaders,
  });
  // Each file its own route (no wildcard): the shell is two known files.
  await app.register(fastifyStatic, {
    root: filesDir('shell'),
    prefix: SHELL_PREFIX,
    decorateReply: false,
    index: false,
    wildcard: false,
    setHeaders: pageHeaders,
  });
};
