/**
 * Every environment variable Probity reads, in one zod schema: what it is, who reads it, its default, whether it
 * is a secret. Each process validates its own settings at start (`loadSettings`) and stops with one line per
 * problem; `.env.example`, docker-compose.yml and docs/settings.md are generated from this file
 * (`npm run settings`, src/process/settings-files.ts) and a test fails when they drift.
 *
 * Secrets are never logged, and each can be given as a file instead (`NAME_FILE=/run/secrets/name`), which is how
 * docker-compose passes them. Values are trimmed; an empty value counts as unset (compose passes `${X:-}` as "").
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { readMailboxes } from '../mail/imap-config.js';
import { QueueKeys } from '../queue/sealed.js';

/** The long-running processes, each an entry point in workers/. */
export const PROCESSES = ['api', 'lint-worker', 'notices-worker', 'slack', 'imap-watcher', 'enquiries-worker', 'enquiries-imap'] as const;
export type ProcessName = (typeof PROCESSES)[number];
/** Who reads a setting: a process, or the `probity` command. */
export type Reader = ProcessName | 'cli';

export interface SettingSpec {
  schema: z.ZodType;
  /** One or two sentences for docs/settings.md and .env.example. */
  doc: string;
  group: string;
  readers: readonly Reader[];
  /** Processes that refuse to start without it. */
  required?: readonly ProcessName[];
  /** Never logged; may be given as NAME_FILE. */
  secret?: boolean;
  /** The default as documented (the schema applies it). */
  default?: string;
  /** An example value, shown commented out in .env.example. */
  example?: string;
  /** The line .env.example sets (uncommented): what every council must look at. */
  envFile?: string;
  /** The value docker-compose sets inside the container (a path or address that only makes sense there). */
  container?: string;
}

const SERVICES = PROCESSES;
/** Every process but the IMAP drafts watcher, which only queues drafts by reference. */
const READS_COUNCIL = ['api', 'lint-worker', 'notices-worker', 'slack', 'enquiries-worker', 'enquiries-imap'] as const;
const text = () => z.string().min(1);
const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^\d+$/, { error: 'must be a whole number' })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: `must be at least ${min}` })
        .max(max, { error: `must be at most ${max}` }),
    );
const bool = () =>
  z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { error: 'must be true or false' }).transform((v) => ['true', '1', 'yes', 'on'].includes(v));
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: `must be one of ${values.join(', ')}` });
const url = (protocols: readonly string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { error: `must be a URL starting ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );
/** `host:port,host:port`. */
const hostPorts = () =>
  z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[^\s:,]+:\d{1,5}$/, { error: 'must be a comma-separated list of host:port' })).min(1))
    .transform((list) => list.map((hp) => ({ host: hp.slice(0, hp.lastIndexOf(':')), port: Number(hp.slice(hp.lastIndexOf(':') + 1)) })));
const severity = () => oneOf(['error', 'warning', 'info'] as const);
/** BullMQ and Probity key prefixes: no ':' (Probity adds its own separators). */
const prefix = () => z.string().regex(/^[^:\s]+$/, { error: 'must not contain ":" or spaces' });

function setting<const S extends z.ZodType, const R extends readonly Reader[], const Q extends readonly ProcessName[] = readonly []>(
  spec: Omit<SettingSpec, 'schema' | 'readers' | 'required'> & { schema: S; readers: R; required?: Q },
) {
  return spec;
}

export const SETTINGS = {
  // ── Every process ────────────────────────────────────────────────────────────────────────────────────────────
  PROBITY_COUNCIL: setting({
    group: 'Every process',
    schema: text(),
    readers: [...READS_COUNCIL, 'cli'],
    required: READS_COUNCIL,
    doc: "Path to the council's council.yaml (people, groups, protocol, thresholds). Services refuse to start without it; `probity` falls back to ./council.yaml, then to the fictional example council, and says so.",
    example: './examples/council.yaml',
    container: '/config/council.yaml',
  }),
  LOG_LEVEL: setting({
    group: 'Every process',
    schema: oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const).default('info'),
    readers: SERVICES,
    default: 'info',
    doc: 'Log level (pino, one JSON object per line on stdout; never message text). `debug` adds stack traces to start-up failures.',
    envFile: 'info',
  }),
  PROBITY_SHUTDOWN_MS: setting({
    group: 'Every process',
    schema: int(100).default(8000),
    readers: SERVICES,
    default: '8000',
    doc: 'How long SIGTERM waits for work in hand (requests, jobs, IMAP sessions) before the process exits anyway. Docker sends SIGKILL after 10 s.',
  }),
  // ── Redis ───────────────────────────────────────────────────────────────────────────────────────────────────
  REDIS_URL: setting({
    group: 'Redis',
    schema: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
    readers: SERVICES,
    default: 'redis://127.0.0.1:6379',
    doc: 'The Redis server: `redis://[user:password@]host:port[/db]`, or `rediss://` for TLS. With Sentinel or Cluster it gives the user, password, database and TLS only.',
    container: 'redis://redis:6379',
  }),
  REDIS_PASSWORD: setting({
    group: 'Redis',
    schema: text().optional(),
    readers: SERVICES,
    secret: true,
    doc: "Redis password (AUTH); overrides the URL's. Prefer REDIS_PASSWORD_FILE.",
  }),
  REDIS_TLS: setting({
    group: 'Redis',
    schema: bool().optional(),
    readers: SERVICES,
    default: 'true for rediss://, else false',
    doc: 'Connect with TLS (needed with Sentinel or Cluster over TLS, where the URL scheme is not used).',
  }),
  REDIS_TLS_CA_FILE: setting({
    group: 'Redis',
    schema: text().optional(),
    readers: SERVICES,
    doc: "PEM file of the certificate authority that signed Redis's certificate, when it is not a public one.",
  }),
  REDIS_SENTINELS: setting({
    group: 'Redis',
    schema: hostPorts().optional(),
    readers: SERVICES,
    doc: 'Redis Sentinel: `host:port,host:port` of the sentinels. Probity asks them for the current primary and follows a failover.',
  }),
  REDIS_SENTINEL_MASTER: setting({
    group: 'Redis',
    schema: text().optional(),
    readers: SERVICES,
    doc: "The name the sentinels monitor the primary under (sentinel.conf's `sentinel monitor NAME …`). Required with REDIS_SENTINELS.",
  }),
  REDIS_SENTINEL_PASSWORD: setting({
    group: 'Redis',
    schema: text().optional(),
    readers: SERVICES,
    secret: true,
    doc: 'Password of the sentinels themselves, when they ask for one (`requirepass` in sentinel.conf).',
  }),
  REDIS_CLUSTER_NODES: setting({
    group: 'Redis',
    schema: hostPorts().optional(),
    readers: SERVICES,
    doc: 'Redis Cluster: `host:port` of some nodes (the rest are discovered). Every prefix must then hold a hash tag, e.g. `{probity}`, so that related keys share a slot.',
  }),
  PROBITY_REDIS_WAIT_MS: setting({
    group: 'Redis',
    schema: int(0).default(30_000),
    readers: SERVICES,
    default: '30000',
    doc: 'How long a process waits for Redis at start, retrying, before it exits with one line saying why (a supervisor then restarts it).',
  }),
  PROBITY_REDIS_PREFIX: setting({
    group: 'Redis',
    schema: prefix().default('probity'),
    readers: ['lint-worker', 'slack', 'imap-watcher'],
    default: 'probity',
    doc: "Prefix of the lint queue's keys and of Probity's own (dedupe, feedback, channel members, draft state). The same in the Slack app, the lint worker and the IMAP watcher.",
  }),
  PROBITY_QUEUE_PREFIX: setting({
    group: 'Redis',
    schema: z.string().regex(/^\S+$/, { error: 'must not contain spaces' }).default('bull'),
    readers: ['api', 'slack', 'notices-worker', 'enquiries-worker', 'enquiries-imap'],
    default: 'bull',
    doc: 'BullMQ prefix of the notices and enquiries queues. The same in the API and the notice and enquiry workers.',
  }),
  PROBITY_LEDGER_PREFIX: setting({
    group: 'Redis',
    schema: z.string().regex(/^\S+$/, { error: 'must not contain spaces' }).default('probity:ledger'),
    readers: ['api', 'notices-worker'],
    default: 'probity:ledger',
    doc: "Prefix of the briefing ledger's keys. The same in the API and the notice worker.",
  }),
  // ── API ─────────────────────────────────────────────────────────────────────────────────────────────────────
  HOST: setting({
    group: 'API',
    schema: text().default('127.0.0.1'),
    readers: ['api'],
    default: '127.0.0.1',
    doc: 'Address the API listens on. Put a TLS-terminating proxy in front; listen on all interfaces only inside a container.',
    container: '0.0.0.0',
  }),
  PORT: setting({
    group: 'API',
    schema: int(0, 65535).default(3000),
    readers: ['api', 'notices-worker', 'enquiries-worker'],
    default: '3000',
    doc: "The API's port (the notice worker uses it only for the default PROBITY_PUBLIC_URL).",
    container: '3000',
  }),
  PROBITY_TOKEN_SECRET: setting({
    group: 'API',
    schema: z.string().min(32, { error: 'must be at least 32 characters (e.g. `openssl rand -hex 32`)' }),
    readers: ['api', 'cli', 'enquiries-worker'],
    required: ['enquiries-worker'],
    secret: true,
    doc: "Signs and verifies the API's bearer tokens (`probity token` reads it too): at least 32 random characters. The API needs this or PROBITY_TOKEN_KEYS.",
    envFile: '/run/secrets/probity_token_secret',
  }),
  PROBITY_TOKEN_KEYS: setting({
    group: 'API',
    schema: text().optional(),
    readers: ['api', 'cli'],
    secret: true,
    doc: 'Token signing keys with rotation, instead of PROBITY_TOKEN_SECRET: `kid:secret` pairs separated by commas, the current key first (it signs; every key verifies, so add the new key first, re-issue, then drop the old one).',
  }),
  OIDC_ISSUER: setting({
    group: 'Sign-in',
    schema: url(['https:', 'http:']).optional(),
    readers: ['api'],
    doc: "The council's identity provider, for people signing in to the office page and for the Outlook add-in's single sign-on (Entra ID: `https://login.microsoftonline.com/<tenant id>/v2.0`). Unset: bearer tokens only.",
  }),
  OIDC_CLIENT_ID: setting({
    group: 'Sign-in',
    schema: text().optional(),
    readers: ['api'],
    doc: "Probity's client id at the identity provider. Required with OIDC_ISSUER.",
  }),
  OIDC_CLIENT_SECRET: setting({
    group: 'Sign-in',
    schema: text().optional(),
    readers: ['api'],
    secret: true,
    doc: "Probity's client secret at the identity provider.",
  }),
  OIDC_SCOPES: setting({
    group: 'Sign-in',
    schema: text().optional(),
    readers: ['api'],
    doc: 'Scopes beyond `openid email profile`, space- or comma-separated.',
  }),
  OIDC_LABEL: setting({
    group: 'Sign-in',
    schema: text().optional(),
    readers: ['api'],
    default: 'Sign in',
    doc: 'The sign-in button\'s words ("Sign in with Microsoft").',
  }),
  PROBITY_AUTH_PREFIX: setting({
    group: 'Sign-in',
    schema: z.string().regex(/^\S+$/, { error: 'must not contain spaces' }).default('probity:auth'),
    readers: ['api', 'cli'],
    default: 'probity:auth',
    doc: 'Prefix of the sign-in keys in Redis: sessions (only hashes of their ids), sign-ins in progress, and the revocation list that `probity token revoke` writes and the API reads.',
  }),
  PROBITY_SESSION_HOURS: setting({
    group: 'Sign-in',
    schema: int(1, 24).default(10),
    readers: ['api'],
    default: '10',
    doc: 'How long a sign-in lasts before the person signs in again.',
  }),
  // ── Briefing ledger ─────────────────────────────────────────────────────────────────────────────────────────
  PROBITY_LEDGER_KEY: setting({
    group: 'Briefing ledger',
    schema: text(),
    readers: ['api', 'notices-worker', 'cli'],
    required: ['api', 'notices-worker'],
    secret: true,
    doc: "Signs every head of the ledger's hash chain, so a chain re-hashed by someone with access to Redis fails verification: an Ed25519 private key in PEM (`openssl genpkey -algorithm ed25519`) or its 32-byte seed in base64 or hex. The same in the API and the notice worker; never stored in Redis.",
    envFile: '/run/secrets/probity_ledger_key',
  }),
  PROBITY_LEDGER_CHECKPOINTS: setting({
    group: 'Briefing ledger',
    schema: text().default('./ledger.checkpoints'),
    readers: ['api', 'notices-worker', 'cli'],
    default: './ledger.checkpoints',
    doc: "The append-only file outside Redis where every signed head of the ledger is checkpointed; verification checks the chain against it. Shared by the API and the notice worker; keep it where Redis's administrators cannot write, and back it up.",
    container: '/var/lib/probity/ledger.checkpoints',
  }),
  PROBITY_LEDGER_ALLOW_NO_AOF: setting({
    group: 'Briefing ledger',
    schema: oneOf(['test'] as const).optional(),
    readers: ['api', 'notices-worker'],
    doc: 'Only `test`: run the ledger on a Redis without append-only persistence. Otherwise the API and the notice worker refuse to start on one, because an acknowledged approval would be lost in a crash after its emails went out.',
  }),
  PROBITY_PUBLIC_URL: setting({
    group: 'API',
    schema: url(['https:', 'http:']).optional(),
    readers: ['api', 'notices-worker', 'enquiries-worker', 'slack'],
    default: 'http://localhost:$PORT',
    doc: 'The URL people reach the API at: links in notices, and the Outlook add-in (served only when this is set). The Slack app sends the answers given with its buttons there.',
    example: 'https://probity.example.gov.uk',
  }),
  PROBITY_RATE_LIMIT: setting({
    group: 'API',
    schema: int(1).default(600),
    readers: ['api'],
    default: '600',
    doc: 'Requests a minute per signed-in user (per verified token); callers without a valid token get the same number per client address.',
  }),
  PROBITY_TRUST_PROXY: setting({
    group: 'API',
    schema: text().optional(),
    readers: ['api'],
    doc: 'Which proxies to believe X-Forwarded-For from, so that limits per client address see the real client: `true` (any), or addresses and CIDRs (`127.0.0.1,10.0.0.0/8`). Unset: none.',
  }),
  PROBITY_COUNCIL_NAME: setting({
    group: 'Outlook add-in',
    schema: text().optional(),
    readers: ['api'],
    default: "council.yaml's `council`",
    doc: "The council's name in the add-in's manifest and alerts.",
  }),
  PROBITY_ADDIN_CLIENT_ID: setting({
    group: 'Outlook add-in',
    schema: text().optional(),
    readers: ['api'],
    doc: "The add-in's app registration at the council's identity provider (Entra ID: its Application (client) ID). Each Outlook user's single sign-on token is issued for it and checked against OIDC_ISSUER's keys; without it every check from Outlook is refused, and says so (docs/outlook.md).",
    example: '00000000-0000-0000-0000-000000000000',
  }),
  PROBITY_ADMIN_EMAILS: setting({
    group: 'Outlook add-in',
    schema: z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((a) => a.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.email({ error: 'must be email addresses, comma-separated' })).min(1))
      .optional(),
    readers: ['api'],
    doc: "Who is told, by email through the SMTP relay (SMTP_URL), when a credential fails or is about to: the add-in's identity provider unreachable, the add-in without an app registration, a machine token in use that expires within 14 days. At most one email a day per problem; each is also an error in the log.",
    example: 'it-servicedesk@example.gov.uk',
  }),
  PROBITY_ADDIN_APP_ID_URI: setting({
    group: 'Outlook add-in',
    schema: text().optional(),
    readers: ['api'],
    default: 'api://<PROBITY_PUBLIC_URL host>/<PROBITY_ADDIN_CLIENT_ID>',
    doc: "The app registration's Application ID URI, as its Expose an API page shows it; also accepted as a token's audience.",
  }),
  PROBITY_ADDIN_MIN_SEVERITY: setting({
    group: 'Outlook add-in',
    schema: severity().optional(),
    readers: ['api'],
    default: 'warning',
    doc: 'Findings below this do not stop a Send.',
  }),
  PROBITY_ADDIN_SEND_MODE: setting({
    group: 'Outlook add-in',
    schema: oneOf(['softBlock', 'promptUser'] as const).optional(),
    readers: ['api'],
    default: 'softBlock',
    doc: 'Smart Alerts send mode: `softBlock` (fix or send anyway from the alert) or `promptUser`.',
    example: 'softBlock',
  }),
  PROBITY_ADDIN_TIMEOUT_MS: setting({
    group: 'Outlook add-in',
    schema: int(500, 4500).optional(),
    readers: ['api'],
    default: '3000',
    doc: 'How long the add-in waits for a check before letting the message go (Outlook allows 5 s).',
  }),
  PROBITY_ADDIN_ID: setting({
    group: 'Outlook add-in',
    schema: z.uuid({ error: 'must be a GUID' }).optional(),
    readers: ['api'],
    default: 'a fixed GUID',
    doc: "The add-in's manifest id (a GUID); give each council's deployment its own.",
  }),
  PROBITY_ADDIN_DIR: setting({
    group: 'Outlook add-in',
    schema: text().optional(),
    readers: ['api'],
    default: 'dist/outlook',
    doc: "Where the built add-in's files are (`npx tsx scripts/build-outlook.ts`).",
  }),
  PROBITY_ADDIN_API_URL: setting({
    group: 'Outlook add-in',
    schema: url(['https:', 'http:']).optional(),
    readers: ['api'],
    default: 'PROBITY_PUBLIC_URL',
    doc: 'Where the add-in sends checks, when not to PROBITY_PUBLIC_URL.',
  }),
  // ── Briefing notices ────────────────────────────────────────────────────────────────────────────────────────
  SMTP_URL: setting({
    group: 'Briefing notices',
    schema: url(['smtp:', 'smtps:']).optional(),
    readers: ['notices-worker', 'enquiries-worker', 'api'],
    secret: true,
    doc: 'The SMTP relay notices are sent through: `smtp://user:password@host:587` (STARTTLS) or `smtps://…:465`. The notice worker needs this or SMTP_HOST.',
    example: 'smtp://relay.example.gov.uk:587',
    envFile: '',
  }),
  SMTP_HOST: setting({
    group: 'Briefing notices',
    schema: text().optional(),
    readers: ['notices-worker', 'enquiries-worker', 'api'],
    doc: 'The SMTP relay by parts, instead of SMTP_URL: host (with SMTP_PORT, SMTP_SECURE, SMTP_USER, SMTP_PASS).',
  }),
  SMTP_PORT: setting({
    group: 'Briefing notices',
    schema: int(1, 65535).default(25),
    readers: ['notices-worker', 'enquiries-worker', 'api'],
    default: '25',
    doc: 'SMTP port, with SMTP_HOST.',
  }),
  SMTP_SECURE: setting({
    group: 'Briefing notices',
    schema: bool().default(false),
    readers: ['notices-worker', 'enquiries-worker', 'api'],
    default: 'false',
    doc: 'TLS from the first byte (port 465), with SMTP_HOST.',
  }),
  SMTP_IGNORE_TLS: setting({
    group: 'Briefing notices',
    schema: bool().default(false),
    readers: ['notices-worker', 'enquiries-worker', 'api'],
    default: 'false',
    doc: 'Do not use STARTTLS even when offered (a relay on the same host only).',
  }),
  SMTP_USER: setting({
    group: 'Briefing notices',
    schema: text().optional(),
    readers: ['notices-worker', 'enquiries-worker', 'api'],
    doc: 'SMTP user, with SMTP_HOST.',
  }),
  SMTP_PASS: setting({
    group: 'Briefing notices',
    schema: text().optional(),
    readers: ['notices-worker', 'enquiries-worker', 'api'],
    secret: true,
    doc: 'SMTP password, with SMTP_USER.',
  }),
  NOTICE_FROM: setting({
    group: 'Briefing notices',
    schema: text().optional(),
    readers: ['notices-worker', 'api'],
    default: "Chief Executive's Office <briefings@DOMAIN>",
    doc: "`From:` of briefing notices: `Name <address>` or an address (DOMAIN is council.yaml's `domain`).",
    example: "Chief Executive's Office <briefings@example.gov.uk>",
  }),
  PROBITY_LINK_KEYS: setting({
    group: 'Briefing notices',
    schema: text().optional(),
    readers: ['api', 'notices-worker', 'slack'],
    required: ['api', 'notices-worker'],
    secret: true,
    doc: "Signs the answer link in every offer notice and officer's invitation (src/http/offer-links.ts): `id:secret` with a secret of 32+ random characters; several, comma-separated, to rotate (the first signs, all verify). The same in the API, the notice worker and the Slack app.",
  }),
  NOTICE_CONCURRENCY: setting({
    group: 'Briefing notices',
    schema: int(1).default(5),
    readers: ['notices-worker'],
    default: '5',
    doc: 'Notices sent at once.',
  }),
  NOTICE_LOCK_MS: setting({
    group: 'Briefing notices',
    schema: int(1000).default(30_000),
    readers: ['notices-worker'],
    default: '30000',
    doc: "How long a notice job's lock lasts; a killed worker's jobs are retried once it lapses.",
  }),
  NOTICE_STALLED_MS: setting({
    group: 'Briefing notices',
    schema: int(500).default(30_000),
    readers: ['notices-worker'],
    default: '30000',
    doc: 'How often stalled notice jobs are looked for.',
  }),
  NOTICE_ATTEMPTS: setting({
    group: 'Briefing notices',
    schema: int(1).default(8),
    readers: ['api', 'notices-worker'],
    default: '8',
    doc: 'Attempts per notice before it is marked failed.',
  }),
  NOTICE_BACKOFF_MS: setting({
    group: 'Briefing notices',
    schema: int(1).default(5000),
    readers: ['api', 'notices-worker'],
    default: '5000',
    doc: 'First retry delay of a notice (doubling each time).',
  }),
  OUTBOX_INTERVAL_MS: setting({
    group: 'Briefing notices',
    schema: int(100).default(5000),
    readers: ['notices-worker'],
    default: '5000',
    doc: "How often the notice worker moves the ledger's outbox onto the queue.",
  }),
  // ── Slack ───────────────────────────────────────────────────────────────────────────────────────────────────
  SLACK_BOT_TOKEN: setting({
    group: 'Slack',
    schema: text().optional(),
    readers: ['slack', 'lint-worker', 'notices-worker', 'enquiries-worker'],
    required: ['slack'],
    secret: true,
    doc: "The Slack app's bot token (xoxb-…): the lint worker posts warnings with it, the notice worker sends briefing DMs. Unset: no Slack.",
  }),
  SLACK_SIGNING_SECRET: setting({
    group: 'Slack',
    schema: text().optional(),
    readers: ['slack'],
    required: ['slack'],
    secret: true,
    doc: "The Slack app's signing secret: every request from Slack is verified with it.",
  }),
  SLACK_PORT: setting({
    group: 'Slack',
    schema: int(0, 65535).default(3000),
    readers: ['slack'],
    default: '3000',
    doc: "The Slack app's port (Slack's request URLs: /slack/events).",
    container: '3000',
  }),
  SLACK_HOST: setting({
    group: 'Slack',
    schema: text().default('127.0.0.1'),
    readers: ['slack'],
    default: '127.0.0.1',
    doc: 'Address the Slack app listens on (behind a TLS proxy).',
    container: '0.0.0.0',
  }),
  SLACK_API_URL: setting({
    group: 'Slack',
    schema: url(['https:', 'http:']).optional(),
    readers: ['slack', 'lint-worker', 'notices-worker', 'enquiries-worker'],
    default: 'https://slack.com/api/',
    doc: "Slack's Web API (changed only for tests).",
  }),
  SLACK_RESPONSE_URL_PREFIX: setting({
    group: 'Slack',
    schema: url(['https:', 'http:']).optional(),
    readers: ['slack', 'lint-worker'],
    default: 'https://hooks.slack.com/',
    doc: 'Only response_urls starting with this are followed (changed only for tests).',
  }),
  SLACK_WARN_SEVERITY: setting({
    group: 'Slack',
    schema: severity().default('warning'),
    readers: ['lint-worker'],
    default: 'warning',
    doc: 'Findings below this get no unprompted warning in Slack.',
  }),
  // ── Lint worker ─────────────────────────────────────────────────────────────────────────────────────────────
  PROBITY_LINT_CONCURRENCY: setting({
    group: 'Lint worker',
    schema: int(1).default(8),
    readers: ['lint-worker'],
    default: '8',
    doc: 'Lint jobs at once per worker process; scale out with more processes rather than raising this.',
  }),
  PROBITY_LINT_LOCK_MS: setting({
    group: 'Lint worker',
    schema: int(5000).default(30_000),
    readers: ['lint-worker'],
    default: '30000',
    doc: "How long a lint job's lock lasts; a killed worker's jobs move to another within about twice this. At least 5000.",
  }),
  PROBITY_QUEUE_KEYS: setting({
    group: 'Lint worker',
    schema: text().optional(),
    readers: ['slack', 'lint-worker'],
    required: ['slack'],
    secret: true,
    doc: "Seals the text of every Slack message queued for checking, so it never reaches Redis's disk (AOF, snapshots, replicas): `id:secret` with a secret of 32+ random characters (`openssl rand -hex 32`); several, comma-separated, to rotate (the first seals, all open). The same in the Slack app and the lint worker; never stored in Redis.",
  }),
  // ── IMAP ────────────────────────────────────────────────────────────────────────────────────────────────────
  PROBITY_IMAP_MAILBOXES: setting({
    group: 'IMAP drafts',
    schema: z.string().optional(),
    readers: ['imap-watcher', 'lint-worker'],
    required: ['imap-watcher'],
    doc: 'Ids of the mailboxes to watch, comma-separated (`clerk,leader`); each has its PROBITY_IMAP_<ID>_* settings below. The lint worker reads them too, to deliver nudges.',
    example: 'main',
  }),
  PROBITY_IMAP_MIN_SEVERITY: setting({
    group: 'IMAP drafts',
    schema: severity().default('warning'),
    readers: ['lint-worker'],
    default: 'warning',
    doc: 'Findings below this are not worth a nudge in the inbox.',
  }),
  PROBITY_NUDGE_FROM: setting({
    group: 'IMAP drafts',
    schema: text().optional(),
    readers: ['lint-worker'],
    default: 'Probity <probity@DOMAIN>',
    doc: "`From:` of the nudge (DOMAIN is council.yaml's `domain`).",
  }),
  PROBITY_IMAP_KEYWORD: setting({
    group: 'IMAP drafts',
    schema: text().default('$ProbityChecked'),
    readers: ['lint-worker'],
    default: '$ProbityChecked',
    doc: 'IMAP keyword set on a draft in which Probity found something (where the server keeps keywords).',
  }),
  PROBITY_IMAP_DEBOUNCE_MS: setting({
    group: 'IMAP drafts',
    schema: int(0).default(15_000),
    readers: ['imap-watcher'],
    default: '15000',
    doc: 'A draft saved again within this is checked once.',
  }),
  PROBITY_IMAP_RESCAN_MS: setting({
    group: 'IMAP drafts',
    schema: int(0).default(120_000),
    readers: ['imap-watcher'],
    default: '120000',
    doc: 'How often the drafts folder is rescanned in full, for servers whose IDLE misses changes.',
  }),
  PROBITY_IMAP_LOOKBACK_HOURS: setting({
    group: 'IMAP drafts',
    schema: int(0).default(24),
    readers: ['imap-watcher'],
    default: '24',
    doc: 'At start, drafts changed within this many hours are checked.',
  }),
  // ── Member enquiries ─────────────────────────────────────────────────────────────────────────────────────────
  PROBITY_ENQUIRIES_PREFIX: setting({
    group: 'Member enquiries',
    schema: z.string().regex(/^\S+$/, { error: 'must not contain spaces' }).default('probity:enquiries'),
    readers: ['api', 'slack', 'enquiries-worker', 'enquiries-imap'],
    default: 'probity:enquiries',
    doc: "Prefix of the enquiry records' keys.",
  }),
  PROBITY_ENQUIRY_MAILBOXES: setting({
    group: 'Member enquiries',
    schema: z.string().optional(),
    readers: ['enquiries-imap'],
    required: ['enquiries-imap'],
    doc: 'Ids of the mailboxes whose mail is read for member enquiries, comma-separated; each is configured as PROBITY_IMAP_<ID>_* (below), with PROBITY_ENQUIRY_<ID>_FOLDERS the folders to watch (default INBOX).',
    example: 'enquiries',
  }),
  ENQUIRY_FROM: setting({
    group: 'Member enquiries',
    schema: text().optional(),
    readers: ['enquiries-worker'],
    default: 'Member Services <the first enquiries mailbox in council.yaml>',
    doc: '`From:` of enquiry reminders and escalations: `Name <address>` or an address.',
  }),
  ENQUIRY_CONCURRENCY: setting({
    group: 'Member enquiries',
    schema: int(1).default(5),
    readers: ['enquiries-worker'],
    default: '5',
    doc: 'Reminders and escalations sent at once.',
  }),
  ENQUIRY_LOCK_MS: setting({
    group: 'Member enquiries',
    schema: int(500).default(30_000),
    readers: ['enquiries-worker'],
    default: '30000',
    doc: "How long an enquiry job's lock lasts; a killed worker's jobs are retried once it lapses.",
  }),
  ENQUIRY_STALLED_MS: setting({
    group: 'Member enquiries',
    schema: int(200).default(30_000),
    readers: ['enquiries-worker'],
    default: '30000',
    doc: 'How often stalled enquiry jobs are looked for.',
  }),
  ENQUIRY_ATTEMPTS: setting({
    group: 'Member enquiries',
    schema: int(1).default(10),
    readers: ['enquiries-worker'],
    default: '10',
    doc: 'Attempts per reminder before it is marked failed.',
  }),
  ENQUIRY_BACKOFF_MS: setting({
    group: 'Member enquiries',
    schema: int(1).default(30_000),
    readers: ['enquiries-worker'],
    default: '30000',
    doc: 'First retry delay of a reminder (doubling each time).',
  }),
  ENQUIRY_SWEEP_MS: setting({
    group: 'Member enquiries',
    schema: int(1000).default(300_000),
    readers: ['enquiries-worker'],
    default: '300000',
    doc: 'How often the enquiry worker re-adds jobs a lost queue no longer has and prunes records past their retention.',
  }),
  PROBITY_CLOCK_START: setting({
    group: 'Member enquiries',
    schema: z.iso.datetime({ offset: true, error: 'must be an ISO date and time' }).optional(),
    readers: ['enquiries-worker', 'enquiries-imap'],
    doc: "Tests only: the enquiry worker's clock starts at this instant and runs at real speed.",
  }),
  // ── The probity command ─────────────────────────────────────────────────────────────────────────────────────
  PROBITY_AUDIT_KEY: setting({
    group: 'The probity command',
    schema: text().optional(),
    readers: ['cli'],
    secret: true,
    default: 'a random key per run',
    doc: "`probity audit`'s pseudonym key: the same key gives the same pseudonyms across runs.",
  }),
  NO_COLOR: setting({
    group: 'The probity command',
    schema: z.string().optional(),
    readers: ['cli'],
    doc: 'Set (to anything) for no colour (https://no-color.org).',
  }),
  FORCE_COLOR: setting({
    group: 'The probity command',
    schema: z.string().optional(),
    readers: ['cli'],
    doc: 'Colour even when not on a terminal (`0` or `false`: never).',
  }),
} as const;

/**
 * Settings named after something the council chooses: one set per IMAP mailbox id in PROBITY_IMAP_MAILBOXES
 * (`clerk-2` → `PROBITY_IMAP_CLERK_2_HOST`). Validated by src/mail/imap-config.ts.
 */
export const MAILBOX_SETTINGS: readonly { suffix: string; doc: string; default?: string; secret?: boolean; required?: boolean; example?: string }[] = [
  { suffix: 'HOST', doc: 'IMAP server.', required: true, example: 'imap.example.gov.uk' },
  { suffix: 'USER', doc: 'Login.', required: true, example: 'clerk@example.gov.uk' },
  { suffix: 'PASSWORD', doc: 'Password (or app password). Prefer the _FILE form.', required: true, secret: true },
  { suffix: 'PORT', doc: 'IMAP port.', default: '993, or 143 when SECURE is false' },
  { suffix: 'SECURE', doc: 'TLS from the first byte.', default: 'true' },
  { suffix: 'STARTTLS', doc: 'When not SECURE: require STARTTLS (false only for a test server).', default: 'true' },
  { suffix: 'ADDRESS', doc: "The owner's address, for the nudge's To:.", default: 'USER, when it is an address' },
  { suffix: 'DRAFTS', doc: 'Drafts folder, when the server does not mark one `\\Drafts`.' },
  { suffix: 'INBOX', doc: 'Where nudges are delivered.', default: 'INBOX' },
];
export const MAILBOX_PATTERN = 'PROBITY_IMAP_<ID>_';

type Specs = typeof SETTINGS;
export type SettingName = keyof Specs;
type ReadersOf<K extends SettingName> = Specs[K]['readers'][number];
type RequiredFor<K extends SettingName> = Specs[K] extends { required?: readonly (infer Q)[] } ? Q : never;
type NamesFor<P extends Reader> = { [K in SettingName]: P extends ReadersOf<K> ? K : never }[SettingName];
type Value<K extends SettingName> = z.output<Specs[K]['schema']>;

/** The settings a process reads, typed: those it requires are never undefined. */
export type SettingsFor<P extends ProcessName> = {
  readonly [K in NamesFor<P>]: P extends RequiredFor<K> ? Exclude<Value<K>, undefined> : Value<K>;
};

/** What stops a process: one line per problem, each naming the variable, never a secret's value. */
export class SettingsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'SettingsError';
  }
}

export function settingNames(reader: Reader): SettingName[] {
  return (Object.keys(SETTINGS) as SettingName[]).filter((name) => (SETTINGS[name].readers as readonly Reader[]).includes(reader));
}

function isRequired(name: SettingName, process: ProcessName): boolean {
  const required = (SETTINGS[name] as SettingSpec).required;
  return required?.includes(process) ?? false;
}

/** The raw value of a setting: NAME, or the contents of NAME_FILE for a secret. Empty counts as unset. */
function rawValue(env: NodeJS.ProcessEnv, name: string, secret: boolean, problems: string[]): string | undefined {
  const direct = env[name]?.trim() || undefined;
  const file = secret ? env[`${name}_FILE`]?.trim() || undefined : undefined;
  if (direct !== undefined && file !== undefined) {
    problems.push(`${name} and ${name}_FILE are both set: give one`);
    return undefined;
  }
  if (file === undefined) return direct;
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch (err) {
    problems.push(`${name}_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
}

function describeIssue(name: string, issue: z.core.$ZodIssue, raw: string | undefined, secret: boolean): string {
  const shown = raw !== undefined && !secret && raw.length <= 80 ? ` (it is "${raw}")` : '';
  return `${name} ${issue.message}${shown}`;
}

/**
 * Read and validate the settings of one process from the environment. Throws SettingsError listing every problem
 * (a missing required setting, a bad value, an unreadable _FILE, settings that only make sense together).
 */
export function loadSettings<P extends ProcessName>(process: P, env: NodeJS.ProcessEnv): SettingsFor<P> {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const name of settingNames(process)) {
    const spec = SETTINGS[name] as SettingSpec;
    const before = problems.length;
    const raw = rawValue(env, name, spec.secret === true, problems);
    if (problems.length > before) continue;
    if (raw === undefined && isRequired(name, process)) {
      problems.push(`${name} must be set: ${firstSentence(spec.doc)}`);
      continue;
    }
    const parsed = spec.schema.safeParse(raw);
    if (parsed.success) out[name] = parsed.data;
    else problems.push(describeIssue(name, parsed.error.issues[0]!, raw, spec.secret === true));
  }
  problems.push(...crossChecks(process, out, env));
  if (problems.length) throw new SettingsError(problems);
  return out as SettingsFor<P>;
}

function firstSentence(doc: string): string {
  const end = doc.search(/\.(\s|$)/);
  return (end < 0 ? doc : doc.slice(0, end)).replace(/`/g, '');
}

/** Rules across settings. */
function crossChecks(process: ProcessName, s: Record<string, unknown>, env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  if (s.REDIS_SENTINELS && !s.REDIS_SENTINEL_MASTER)
    problems.push('REDIS_SENTINEL_MASTER must be set with REDIS_SENTINELS: the name the sentinels monitor the primary under');
  if (s.REDIS_SENTINELS && s.REDIS_CLUSTER_NODES) problems.push('REDIS_SENTINELS and REDIS_CLUSTER_NODES are both set: give one');
  if (typeof s.REDIS_TLS_CA_FILE === 'string' && !existsSync(s.REDIS_TLS_CA_FILE)) problems.push(`REDIS_TLS_CA_FILE: no file at ${s.REDIS_TLS_CA_FILE}`);
  if (s.REDIS_CLUSTER_NODES) {
    for (const name of ['PROBITY_REDIS_PREFIX', 'PROBITY_QUEUE_PREFIX', 'PROBITY_LEDGER_PREFIX'] as const) {
      const value = s[name];
      if (typeof value === 'string' && !/\{[^}]+\}/.test(value))
        problems.push(`${name} must hold a hash tag such as {probity} with REDIS_CLUSTER_NODES (it is "${value}")`);
    }
  }
  if (process === 'api' && !s.PROBITY_TOKEN_SECRET && !s.PROBITY_TOKEN_KEYS) {
    problems.push("PROBITY_TOKEN_SECRET (or PROBITY_TOKEN_KEYS) must be set: it signs the API's bearer tokens (openssl rand -hex 32)");
  }
  if (typeof s.PROBITY_QUEUE_KEYS === 'string') {
    try {
      QueueKeys.parse(s.PROBITY_QUEUE_KEYS);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (process === 'lint-worker' && s.SLACK_BOT_TOKEN && !s.PROBITY_QUEUE_KEYS) {
    problems.push("PROBITY_QUEUE_KEYS (or PROBITY_QUEUE_KEYS_FILE) must be set with SLACK_BOT_TOKEN: the Slack app's key that opens queued messages");
  }
  if (s.OIDC_ISSUER && !s.OIDC_CLIENT_ID) problems.push('OIDC_CLIENT_ID must be set with OIDC_ISSUER');
  if (process === 'api' && s.PROBITY_ADMIN_EMAILS && !s.SMTP_URL && !s.SMTP_HOST)
    problems.push('SMTP_URL (or SMTP_HOST) must be set with PROBITY_ADMIN_EMAILS: the relay the administrators are written to through');
  if (s.PROBITY_ADDIN_CLIENT_ID && !s.OIDC_ISSUER)
    problems.push("OIDC_ISSUER must be set with PROBITY_ADDIN_CLIENT_ID: the identity provider whose keys sign the add-in's sign-ins");
  if (process === 'api' && (env.PROBITY_ADDIN_TOKEN?.trim() || env.PROBITY_ADDIN_TOKEN_FILE?.trim())) {
    problems.push(
      'PROBITY_ADDIN_TOKEN is no longer read: the add-in signs each user in (PROBITY_ADDIN_CLIENT_ID, docs/outlook.md); remove it and revoke that token (probity token revoke)',
    );
  }
  if (process === 'notices-worker') {
    if (!s.SMTP_URL && !s.SMTP_HOST) problems.push('SMTP_URL (or SMTP_HOST) must be set: the SMTP relay briefing notices are sent through');
    if (s.SMTP_URL && s.SMTP_HOST) problems.push('SMTP_URL and SMTP_HOST are both set: give one');
    if (s.SMTP_USER && !s.SMTP_PASS) problems.push('SMTP_PASS (or SMTP_PASS_FILE) must be set with SMTP_USER');
  }
  if (process === 'imap-watcher' || process === 'lint-worker' || process === 'enquiries-imap') {
    const ids = process === 'enquiries-imap' ? { PROBITY_IMAP_MAILBOXES: env.PROBITY_ENQUIRY_MAILBOXES ?? '' } : {};
    const { problems: mailboxProblems, mailboxes } = readMailboxes({ ...env, ...ids });
    problems.push(...mailboxProblems);
    const listed = process === 'enquiries-imap' ? 'PROBITY_ENQUIRY_MAILBOXES' : 'PROBITY_IMAP_MAILBOXES';
    if (process !== 'lint-worker' && s[listed] !== undefined && mailboxes.length === 0 && !mailboxProblems.length)
      problems.push(`${listed} lists no mailbox: nothing to watch`);
  }
  return problems;
}
