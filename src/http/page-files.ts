/**
 * How Probity serves its pages (the office page, the member-enquiry pages, and the shell they share at /shell/):
 * static HTML, CSS and JS, each response with the same headers. A strict Content-Security-Policy (scripts and styles
 * from this origin only, no inline script) backs up the pages' own rule of rendering user text as text.
 */
import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

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

function pageHeaders(reply: { header(name: string, value: string): unknown }): void {
  reply.header('content-security-policy', CSP);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('cache-control', 'no-cache');
}

/**
 * A folder of page files named `name` beside the module at `moduleUrl` (its import.meta.url) when run from source;
 * run from dist/, the files were not compiled, so they are still in src/ (dist/src/enquiries/ → src/enquiries/).
 */
export function pageFilesDir(moduleUrl: string, name: string): string {
  const beside = fileURLToPath(new URL(`./${name}/`, moduleUrl));
  if (existsSync(beside)) return beside;
  const area = basename(dirname(fileURLToPath(moduleUrl)));
  return fileURLToPath(new URL(`../../../src/${area}/${name}/`, moduleUrl));
}

export interface PageOptions {
  /** Where the page is, with its trailing slash: `/office/`. */
  prefix: string;
  /** The folder of its files. */
  root: string;
  /** A page: what its bare address serves (the address without the slash redirects there). Without it, a set of files, each its own route and nothing else. */
  index?: string;
}

export async function servePage(app: FastifyInstance, { prefix, root, index }: PageOptions): Promise<void> {
  if (index) app.get(prefix.slice(0, -1), { schema: { hide: true } }, async (_request, reply) => reply.redirect(prefix));
  await app.register(fastifyStatic, {
    root,
    prefix,
    // Nothing sends files by hand, and several pages in one app would each decorate the reply.
    decorateReply: false,
    ...(index ? { index: [index] } : { index: false, wildcard: false }),
    setHeaders: pageHeaders,
  });
}
