/**
 * The files generated from the settings schema (src/process/settings.ts): `.env.example`, `docker-compose.yml`
 * and `docs/settings.md`. `npm run settings` writes them; test/process/settings-files.test.ts fails when a
 * committed copy differs from what this makes.
 */
import { Document, isScalar, visit } from 'yaml';
import { MAILBOX_PATTERN, MAILBOX_SETTINGS, PROCESSES, SETTINGS, type ProcessName, type SettingName, type SettingSpec } from './settings.js';

export const GENERATED = { env: '.env.example', compose: 'docker-compose.yml', doc: 'docs/settings.md' } as const;
const SOURCE = 'src/process/settings.ts';

/** Variables only docker-compose reads (from .env), never a process. */
export const COMPOSE_VARIABLES: readonly { name: string; example: string; doc: string }[] = [
  {
    name: 'PROBITY_COUNCIL_DIR',
    example: './council',
    doc: 'The folder holding your council.yaml, mounted read-only at /config. Required: services refuse to start without the file.',
  },
  {
    name: 'PROBITY_SECRETS_DIR',
    example: './secrets',
    doc: 'The folder holding the secret files, mounted read-only at /run/secrets (files readable by uid 1000).',
  },
  { name: 'PROBITY_BIND', example: '127.0.0.1', doc: 'Host address the published ports listen on. Put a TLS proxy in front; use 0.0.0.0 only if you mean it.' },
  { name: 'PROBITY_PORT', example: '3000', doc: "The API's port on the host." },
  { name: 'PROBITY_SLACK_PORT', example: '3001', doc: "The Slack app's port on the host (profile slack)." },
];

/** The compose service of each process, its command, and how its health is told. */
const SERVICES: Record<ProcessName, { service: string; script: string; health: string; profile?: string; publish?: { host: string; container: number } }> = {
  api: { service: 'api', script: 'dist/workers/api.js', health: 'http://127.0.0.1:3000/healthz', publish: { host: 'PROBITY_PORT:-3000', container: 3000 } },
  'lint-worker': { service: 'lint-worker', script: 'dist/workers/lint.worker.js', health: 'lint-worker' },
  'notices-worker': { service: 'notices-worker', script: 'dist/workers/notices.worker.js', health: 'notices-worker' },
  slack: {
    service: 'slack',
    script: 'dist/workers/slack.js',
    health: 'http://127.0.0.1:3000/healthz',
    profile: 'slack',
    publish: { host: 'PROBITY_SLACK_PORT:-3001', container: 3000 },
  },
  'imap-watcher': { service: 'imap-watcher', script: 'dist/workers/imap-watcher.js', health: 'imap-watcher', profile: 'imap' },
  'enquiries-worker': { service: 'enquiries-worker', script: 'dist/workers/enquiries.worker.js', health: 'enquiries-worker', profile: 'enquiries' },
  'enquiries-imap': { service: 'enquiries-imap', script: 'dist/workers/enquiries-imap.js', health: 'enquiries-imap', profile: 'enquiries' },
};

const names = () => Object.keys(SETTINGS) as SettingName[];
const spec = (name: SettingName) => SETTINGS[name] as SettingSpec;
/** The file a secret is kept in, under ./secrets. */
export const secretFile = (name: string) => name.toLowerCase();

function groups(): Map<string, SettingName[]> {
  const out = new Map<string, SettingName[]>();
  for (const name of names()) {
    const group = spec(name).group;
    out.set(group, [...(out.get(group) ?? []), name]);
  }
  return out;
}

function wrap(text: string, prefix: string, width = 116): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && prefix.length + line.length + 1 + word.length > width) {
      lines.push(prefix + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(prefix + line);
  return lines;
}

const serviceOnly = (name: SettingName) => (spec(name).readers as readonly string[]).every((r) => r === 'cli');

/** `.env.example`: what a council fills in for docker compose. Settings compose sets itself are not in it. */
export function envExample(): string {
  const out = [
    '# Probity for docker compose: copy to .env, fill in, put the secrets in ./secrets, then `docker-compose config -q`.',
    `# Generated from ${SOURCE} by \`npm run settings\`; each setting is described in docs/settings.md.`,
    '# Secrets never go in this file: each is a file in ./secrets (one value, readable by uid 1000), named by',
    '# NAME_FILE=/run/secrets/<file>. Lines left commented keep their default.',
    '',
    '# ── docker compose ──',
  ];
  for (const v of COMPOSE_VARIABLES) out.push(...wrap(v.doc, '# '), `${v.name}=${v.example}`);
  for (const [group, members] of groups()) {
    const shown = members.filter((n) => !serviceOnly(n) && spec(n).container === undefined);
    if (!shown.length) continue;
    out.push('', `# ── ${group} ──`);
    for (const name of shown) {
      const s = spec(name);
      out.push(...wrap(s.doc, '# '));
      const sample = s.example ?? (s.default && !/\s|\$/.test(s.default) ? s.default : '');
      // A secret that a process started by default (no compose profile) cannot start without: set, so its file is asked for.
      const neededByDefault = (s.required ?? []).some((p) => !SERVICES[p as ProcessName].profile);
      if (s.secret && s.envFile === undefined) out.push(`${neededByDefault ? '' : '# '}${name}_FILE=/run/secrets/${secretFile(name)}`);
      else if (s.envFile !== undefined) {
        // A secret's line is its file, unless it is left for the council to fill in (SMTP_URL, maybe with a password).
        if (s.secret && s.envFile === '') out.push(`${name}=`, `# or ${name}_FILE=/run/secrets/${secretFile(name)}`);
        else out.push(`${s.secret ? `${name}_FILE` : name}=${s.envFile}`);
      } else out.push(`# ${name}=${sample}`);
    }
    if (group === 'IMAP drafts') {
      out.push(`# One set per mailbox id in PROBITY_IMAP_MAILBOXES (${MAILBOX_PATTERN}…; here the id "main"):`);
      for (const m of MAILBOX_SETTINGS) {
        const name = `PROBITY_IMAP_MAIN_${m.suffix}`;
        out.push(m.secret ? `# ${name}_FILE=/run/secrets/${secretFile(name)}` : m.example ? `# ${name}=${m.example}` : `# ${name}=${m.default ?? ''}`);
      }
    }
  }
  return `${out.join('\n')}\n`;
}

/** docker-compose.yml: Redis and one service per process, each passed every setting through .env. */
export function composeFile(): string {
  const probity = {
    build: '.',
    image: 'probity:local',
    restart: 'unless-stopped',
    init: true,
    // Every setting in .env reaches every Probity process (each reads only its own); `environment` below sets
    // what only makes sense inside the container.
    env_file: ['.env'],
    depends_on: { redis: { condition: 'service_healthy' } },
    volumes: [
      '${PROBITY_COUNCIL_DIR:?set PROBITY_COUNCIL_DIR in .env to the folder holding council.yaml}:/config:ro',
      '${PROBITY_SECRETS_DIR:-./secrets}:/run/secrets:ro',
      // What a process keeps outside Redis (the briefing ledger's checkpoints), shared by the processes.
      'probity-state:/var/lib/probity',
    ],
  };
  const services: Record<string, unknown> = {
    redis: {
      image: 'redis:7-bookworm',
      // AOF on: the briefing ledger and the queues survive a restart; noeviction, as BullMQ requires.
      command: ['redis-server', '--appendonly', 'yes', '--appendfsync', 'always', '--maxmemory-policy', 'noeviction'],
      volumes: ['redis-data:/data'],
      healthcheck: { test: ['CMD', 'redis-cli', 'ping'], interval: '5s', timeout: '3s', retries: 10 },
      restart: 'unless-stopped',
    },
  };
  for (const process of PROCESSES) {
    const s = SERVICES[process];
    const environment: Record<string, string> = {};
    for (const name of names()) {
      const sp = spec(name);
      if (sp.container !== undefined && (sp.readers as readonly string[]).includes(process)) environment[name] = sp.container;
    }
    services[s.service] = {
      '<<': probity,
      command: ['node', s.script],
      ...(s.profile ? { profiles: [s.profile] } : {}),
      ...(s.publish ? { ports: [`\${PROBITY_BIND:-127.0.0.1}:\${${s.publish.host}}:${s.publish.container}`] } : {}),
      environment,
      healthcheck: { test: ['CMD', 'node', 'dist/workers/healthcheck.js', s.health], interval: '15s', timeout: '5s', retries: 3, start_period: '60s' },
    };
  }
  // docker-compose reads YAML 1.1, where a bare `yes` is true: write for 1.1, lists of words on one line.
  const yaml = new Document(
    { 'x-probity': probity, services, volumes: { 'redis-data': null, 'probity-state': null } },
    { version: '1.1', aliasDuplicateObjects: true },
  );
  visit(yaml, {
    Seq: (_, node) => void (node.items.every(isScalar) && (node.flow = true)),
    Map: (_, node) => void (node.anchor && (node.anchor = 'probity')),
    Alias: (_, node) => void (node.source = 'probity'),
  });
  const doc = yaml.toString({ lineWidth: 0 });
  return [
    `# Probity: the whole service. Generated from ${SOURCE} by \`npm run settings\`: change that, not this.`,
    '# First: cp .env.example .env, fill it in, put the secrets in ./secrets (README, "Running the service").',
    '#   docker compose up -d                                  Redis, the API, the lint and notice workers',
    '#   docker compose --profile slack --profile imap up -d   and the Slack app and the IMAP watcher',
    doc,
  ].join('\n');
}

/** docs/settings.md: every setting, who reads it, its default. */
export function settingsDoc(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const out = [
    '# Settings',
    '',
    `Every environment variable Probity reads. Generated from [\`${SOURCE}\`](../${SOURCE}) by \`npm run settings\` (a`,
    'test fails when this page, `.env.example` or `docker-compose.yml` is out of date).',
    '',
    'Each process checks its own settings when it starts and, when something is wrong, stops with one line per',
    'problem on stderr, naming the variable (`api: PROBITY_COUNCIL must be set: …`), and exit status 1. Values are',
    'trimmed; an empty value counts as unset. A **secret** can be given as a file instead: `NAME_FILE=/path` (what',
    'docker compose does, from `./secrets`); secrets are never logged. On SIGHUP every process that reads',
    'council.yaml reads it again (a file that fails validation is logged and the previous one kept); other settings',
    'are read at start only.',
    '',
    `Processes: ${PROCESSES.map((p) => `\`${p}\``).join(', ')} (entry points in \`workers/\`), and \`cli\`, the \`probity\` command.`,
  ];
  for (const [group, members] of groups()) {
    out.push('', `## ${group}`, '', '| setting | read by | default | |', '|---|---|---|---|');
    for (const name of members) {
      const s = spec(name);
      const readers = (s.readers as readonly string[])
        .map((r) => ((s.required as readonly string[] | undefined)?.includes(r) ? `**${r}** (required)` : r))
        .join(', ');
      const flags = [s.secret ? 'secret, or `' + name + '_FILE`' : '', s.container ? `compose sets \`${s.container}\`` : ''].filter(Boolean).join('; ');
      out.push(`| \`${name}\` | ${readers} | ${s.default !== undefined ? `\`${cell(s.default)}\`` : ''} | ${cell(s.doc)}${flags ? ` (${flags})` : ''} |`);
    }
    if (group === 'IMAP drafts') {
      out.push(
        '',
        `Each mailbox id in \`PROBITY_IMAP_MAILBOXES\` has its own settings, \`${MAILBOX_PATTERN}…\` (the id upper-cased, \`-\` as \`_\`: \`clerk-2\` → \`PROBITY_IMAP_CLERK_2_HOST\`), read by the IMAP watcher and the lint worker ([imap.md](imap.md)):`,
        '',
        '| setting | default | |',
        '|---|---|---|',
      );
      for (const m of MAILBOX_SETTINGS) {
        out.push(
          `| \`${MAILBOX_PATTERN}${m.suffix}\` | ${m.required ? 'required' : m.default ? `\`${m.default}\`` : ''} | ${cell(m.doc)}${m.secret ? ` (secret, or \`${MAILBOX_PATTERN}${m.suffix}_FILE\`)` : ''} |`,
        );
      }
    }
  }
  out.push(
    '',
    '## docker compose only',
    '',
    'Read by `docker-compose.yml` from `.env`, never by a process.',
    '',
    '| variable | in .env.example | |',
    '|---|---|---|',
  );
  for (const v of COMPOSE_VARIABLES) out.push(`| \`${v.name}\` | \`${v.example}\` | ${cell(v.doc)} |`);
  return `${out.join('\n')}\n`;
}
