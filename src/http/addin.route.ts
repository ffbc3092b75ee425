/**
 * Serves the Outlook add-in from the API process: the manifest (with this service's public URL, add-in id and
 * send mode filled in), the bundled event handler and the task pane, and the well-known file that lets classic
 * Outlook's JavaScript-only runtime call the API cross-origin.
 *
 *   app.register(addinRoutes, { publicUrl: 'https://probity.council.example', sso: { clientId }, sendMode: 'softBlock' })
 *
 * The files come from scripts/build-outlook.ts (dist/outlook by default). The handler's settings are written
 * into it as `var PROBITY_ADDIN_CONFIG = {…}` when served, so a setting changes with a restart, not a redeploy.
 * They hold no credential: each user's own comes from Office single sign-on (the manifest's WebApplicationInfo
 * names the app registration), and the API checks it (src/auth/addin-sso.ts).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { PACKAGE_ROOT } from '../lint/load.js';
import type { Severity } from '../lint/types.js';
import type { AddinConfig, SendMode } from '../outlook/config.js';
import type { SettingsFor } from '../process/settings.js';

export const DEFAULT_ADDIN_DIR = join(PACKAGE_ROOT, 'dist', 'outlook');
/** Probity's add-in id. A council that runs two Probity services side by side gives the second its own. */
export const DEFAULT_ADDIN_ID = '6f1d3c2a-9b7e-4c55-8a0e-3d2f1b7c9e41';

export interface AddinRoutesOptions {
  /** Where users' Outlook reaches this service, e.g. `https://probity.council.example` (https in production). */
  publicUrl: string;
  /** Base URL of the check API, when it is not `publicUrl`. */
  apiUrl?: string;
  /** The add-in's app registration for Office single sign-on (the manifest's WebApplicationInfo). */
  sso?: { clientId: string; appIdUri?: string };
  /** The council's chosen severity: findings at or above it stop Send. Default `warning`. */
  minSeverity?: Severity;
  /** `softBlock` (default: the author must change the message or press Send again) or `promptUser` (Send Anyway). */
  sendMode?: SendMode;
  /** The handler's API timeout. Default 3000 ms (Outlook shows "taking longer than expected" at 5 s). */
  timeoutMs?: number;
  addinId?: string;
  /** Shown as the add-in's publisher. */
  provider?: string;
  /** Built add-in files (default dist/outlook). */
  assetsDir?: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.png': 'image/png',
  '.xml': 'text/xml; charset=utf-8',
};

function xml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function manifestVersion(): string {
  try {
    const { version } = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: string };
    const parts = (version ?? '0.0.0')
      .split(/[.-]/)
      .filter((p) => /^\d+$/.test(p))
      .slice(0, 3);
    while (parts.length < 3) parts.push('0');
    return `${parts.join('.')}.0`;
  } catch {
    return '1.0.0.0';
  }
}

function baseUrl(url: string, name: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${name} must be an absolute URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(`${name} must be an http(s) URL`);
  return `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, '');
}

export function renderManifest(template: string, options: AddinRoutesOptions): string {
  const values: Record<string, string> = {
    ORIGIN: baseUrl(options.publicUrl, 'publicUrl'),
    ADDIN_ID: options.addinId ?? DEFAULT_ADDIN_ID,
    VERSION: manifestVersion(),
    PROVIDER: options.provider ?? 'Probity',
    SEND_MODE: options.sendMode === 'promptUser' ? 'PromptUser' : 'SoftBlock',
    SSO_CLIENT_ID: options.sso?.clientId ?? '',
    SSO_RESOURCE: options.sso ? appIdUri(options.publicUrl, options.sso) : '',
  };
  // Without an app registration there is no WebApplicationInfo, and every check says it could not be made.
  if (!options.sso) template = template.replace(/[ \t]*<!--SSO-->[\s\S]*?<!--\/SSO-->\n?/, '');
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (whole, key: string) => (key in values ? xml(values[key]!) : whole));
}

/** The Application ID URI: given, or `api://<public host>/<client id>` as Entra ID proposes it for add-ins. */
export function appIdUri(publicUrl: string, sso: { clientId: string; appIdUri?: string }): string {
  return sso.appIdUri ?? `api://${new URL(publicUrl).host}/${sso.clientId}`;
}

export function handlerConfig(options: AddinRoutesOptions): AddinConfig {
  return {
    apiUrl: baseUrl(options.apiUrl ?? options.publicUrl, options.apiUrl ? 'apiUrl' : 'publicUrl'),
    minSeverity: options.minSeverity ?? 'warning',
    sendMode: options.sendMode ?? 'softBlock',
    timeoutMs: options.timeoutMs ?? 3000,
  };
}

/** `var PROBITY_ADDIN_CONFIG = {…};` — `<` escaped so the script can never close an enclosing tag. */
export function configPrologue(config: AddinConfig): string {
  return `var PROBITY_ADDIN_CONFIG = ${JSON.stringify(config).replace(/</g, '\\u003c')};\n`;
}

export const addinRoutes: FastifyPluginAsync<AddinRoutesOptions> = async (app, options) => {
  const dir = options.assetsDir ?? DEFAULT_ADDIN_DIR;
  const base = baseUrl(options.publicUrl, 'publicUrl');
  const built = existsSync(join(dir, 'commands.js')) && existsSync(join(dir, 'manifest.xml'));
  if (!built) app.log.warn({ dir }, 'outlook add-in not built: run `npx tsx scripts/build-outlook.ts`; add-in routes answer 503');

  // Read once: the files only change with a new build, and a new build means a restart.
  const files = new Map<string, Buffer>();
  if (built) {
    const prologue = configPrologue(handlerConfig(options));
    for (const name of ['commands.js', 'taskpane.js']) files.set(name, Buffer.from(prologue + readFileSync(join(dir, name), 'utf8')));
    for (const name of ['commands.html', 'taskpane.html', 'taskpane.css']) files.set(name, readFileSync(join(dir, name)));
    files.set('manifest.xml', Buffer.from(renderManifest(readFileSync(join(dir, 'manifest.xml'), 'utf8'), options)));
    const assets = join(dir, 'assets');
    if (existsSync(assets)) for (const name of readdirSync(assets)) if (name.endsWith('.png')) files.set(`assets/${name}`, readFileSync(join(assets, name)));
  }

  const send = (reply: FastifyReply, name: string) => {
    const body = files.get(name);
    if (!body) {
      return built
        ? reply.code(404).send({ error: 'not_found', message: 'No such add-in file.' })
        : reply.code(503).send({ error: 'addin_not_built', message: 'The Outlook add-in has not been built on this server.' });
    }
    const type = TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream';
    // Scripts carry settings: always revalidate. Icons may be cached.
    const cache = name.endsWith('.png') ? 'public, max-age=86400' : 'no-cache';
    return reply.header('content-type', type).header('cache-control', cache).header('x-content-type-options', 'nosniff').send(body);
  };

  for (const name of ['manifest.xml', 'commands.html', 'commands.js', 'taskpane.html', 'taskpane.js', 'taskpane.css']) {
    app.get(`/addin/${name}`, { schema: { hide: true } }, async (_request, reply) => send(reply, name));
  }
  app.get<{ Params: { name: string } }>('/addin/assets/:name', { schema: { hide: true } }, async (request, reply) =>
    send(reply, `assets/${request.params.name}`),
  );

  // Lists the handler file that may make cross-origin calls from classic Outlook's JavaScript-only runtime.
  app.get('/.well-known/microsoft-officeaddins-allowed.json', { schema: { hide: true } }, async (_request, reply) =>
    reply.header('cache-control', 'no-cache').send({ allowed: [`${base}/addin/commands.js`] }),
  );
};

/** The add-in's options from the API's settings; none unless PROBITY_PUBLIC_URL says where Outlook reaches us. */
export function addinOptions(s: AddinSettings): AddinRoutesOptions | undefined {
  if (!s.PROBITY_PUBLIC_URL) return undefined;
  return {
    publicUrl: s.PROBITY_PUBLIC_URL,
    ...(s.PROBITY_ADDIN_API_URL ? { apiUrl: s.PROBITY_ADDIN_API_URL } : {}),
    ...(s.PROBITY_ADDIN_CLIENT_ID
      ? { sso: { clientId: s.PROBITY_ADDIN_CLIENT_ID, ...(s.PROBITY_ADDIN_APP_ID_URI ? { appIdUri: s.PROBITY_ADDIN_APP_ID_URI } : {}) } }
      : {}),
    ...(s.PROBITY_ADDIN_MIN_SEVERITY ? { minSeverity: s.PROBITY_ADDIN_MIN_SEVERITY } : {}),
    ...(s.PROBITY_ADDIN_SEND_MODE ? { sendMode: s.PROBITY_ADDIN_SEND_MODE } : {}),
    ...(s.PROBITY_ADDIN_TIMEOUT_MS ? { timeoutMs: s.PROBITY_ADDIN_TIMEOUT_MS } : {}),
    ...(s.PROBITY_ADDIN_ID ? { addinId: s.PROBITY_ADDIN_ID } : {}),
    ...(s.PROBITY_ADDIN_DIR ? { assetsDir: s.PROBITY_ADDIN_DIR } : {}),
    ...(s.PROBITY_COUNCIL_NAME ? { provider: s.PROBITY_COUNCIL_NAME } : {}),
  };
}

export type AddinSettings = Partial<
  Pick<
    SettingsFor<'api'>,
    | 'PROBITY_PUBLIC_URL'
    | 'PROBITY_ADDIN_API_URL'
    | 'PROBITY_ADDIN_CLIENT_ID'
    | 'PROBITY_ADDIN_APP_ID_URI'
    | 'PROBITY_ADDIN_MIN_SEVERITY'
    | 'PROBITY_ADDIN_SEND_MODE'
    | 'PROBITY_ADDIN_TIMEOUT_MS'
    | 'PROBITY_ADDIN_ID'
    | 'PROBITY_ADDIN_DIR'
    | 'PROBITY_COUNCIL_NAME'
  >
>;
