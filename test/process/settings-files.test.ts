/**
 * The settings schema is the one list of environment variables: every variable the code reads is in it, and
 * .env.example, docker-compose.yml and docs/settings.md are what it generates (`npm run settings`). With the
 * documented .env step, `docker-compose config` passes and gives every service what its process needs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../../src/lint/load.js';
import { composeFile, envExample, GENERATED, settingsDoc } from '../../src/process/settings-files.js';
import { loadSettings, MAILBOX_SETTINGS, PROCESSES, SETTINGS, type ProcessName, type SettingSpec } from '../../src/process/settings.js';

const read = (file: string) => readFileSync(join(PACKAGE_ROOT, file), 'utf8');

function sources(dir: string): string[] {
  return readdirSync(join(PACKAGE_ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(PACKAGE_ROOT, path)).isDirectory()) return sources(path);
    return /\.(ts|js)$/.test(name) ? [path] : [];
  });
}

describe('the generated files', () => {
  it.each([
    [GENERATED.env, envExample],
    [GENERATED.compose, composeFile],
    [GENERATED.doc, settingsDoc],
  ])('%s is what the schema generates (run `npm run settings` after changing src/process/settings.ts)', (file, make) => {
    expect(read(file)).toBe(make());
  });
});

describe('the schema', () => {
  it('lists every environment variable read in src/, workers/ and bin/', () => {
    const known = new Set(Object.keys(SETTINGS));
    const secretFiles = new Set(
      Object.entries(SETTINGS)
        .filter(([, s]) => (s as SettingSpec).secret)
        .map(([n]) => `${n}_FILE`),
    );
    const mailbox = new RegExp(`^PROBITY_IMAP_[A-Z0-9_]+_(${MAILBOX_SETTINGS.map((m) => m.suffix).join('|')})(_FILE)?$`);
    // env.NAME, env['NAME'], and names handed to a helper that reads the environment ('NOTICE_LOCK_MS').
    const read =
      /\benv(?:\?)?\.([A-Z][A-Z0-9_]+)|\benv\[['"]([A-Z][A-Z0-9_]+)['"]\]|['"`]((?:PROBITY|REDIS|SMTP|SLACK|NOTICE|ENQUIRY|OIDC|OUTBOX)_[A-Z0-9_]*[A-Z0-9])['"`]/g;
    const unknown: string[] = [];
    for (const file of [...sources('src'), ...sources('workers'), ...sources('bin')].filter((f) => !f.startsWith('src/process/settings'))) {
      for (const m of readFileSync(join(PACKAGE_ROOT, file), 'utf8').matchAll(read)) {
        const name = (m[1] ?? m[2] ?? m[3])!;
        if (!known.has(name) && !secretFiles.has(name) && !mailbox.test(name)) unknown.push(`${file}: ${name}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('says who reads each setting, documents it, and requires only what a reader reads', () => {
    for (const [name, spec] of Object.entries(SETTINGS) as [string, SettingSpec][]) {
      expect(spec.readers.length, name).toBeGreaterThan(0);
      expect(spec.doc.length, name).toBeGreaterThan(10);
      for (const p of spec.required ?? []) expect(spec.readers, name).toContain(p);
    }
  });
});

describe.skipIf(spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status !== 0)('docker-compose config (docker-compose from Debian)', () => {
  it('passes after the documented .env step, and gives each service what its process needs, a second mailbox included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'probity-compose-'));
    copyFileSync(join(PACKAGE_ROOT, 'docker-compose.yml'), join(dir, 'docker-compose.yml'));
    // The README's step: copy .env.example, fill in the relay, the council folder and what the profiles need.
    const env = `${read('.env.example')}
SMTP_URL=smtp://relay.example.gov.uk:587
SLACK_BOT_TOKEN_FILE=/run/secrets/slack_bot_token
SLACK_SIGNING_SECRET_FILE=/run/secrets/slack_signing_secret
PROBITY_QUEUE_KEYS_FILE=/run/secrets/probity_queue_keys
PROBITY_IMAP_MAILBOXES=main,second
PROBITY_IMAP_MAIN_HOST=imap.example.gov.uk
PROBITY_IMAP_MAIN_USER=clerk@example.gov.uk
PROBITY_IMAP_MAIN_PASSWORD_FILE=/run/secrets/probity_imap_main_password
PROBITY_IMAP_SECOND_HOST=imap.example.gov.uk
PROBITY_IMAP_SECOND_USER=leader@example.gov.uk
PROBITY_IMAP_SECOND_PASSWORD_FILE=/run/secrets/probity_imap_second_password
PROBITY_ENQUIRY_MAILBOXES=main
`;
    writeFileSync(join(dir, '.env'), env);
    const out = execFileSync('docker-compose', ['--profile', 'slack', '--profile', 'imap', '--profile', 'enquiries', 'config'], { cwd: dir, encoding: 'utf8' });
    const config = parse(out) as {
      services: Record<string, { environment: Record<string, string>; ports?: unknown[]; healthcheck?: unknown; volumes: string[] }>;
    };
    expect(Object.keys(config.services).sort()).toEqual([...PROCESSES, 'redis'].sort());

    // What the containers would see at /config and /run/secrets.
    const secrets = join(dir, 'secrets');
    mkdirSync(secrets);
    for (const file of new Set([...out.matchAll(/\/run\/secrets\/([a-z0-9_]+)/g)].map((m) => m[1]!))) {
      // What each secret looks like: a key list where one is asked for, else a random string.
      writeFileSync(join(secrets, file), file.endsWith('_keys') ? 'k1:b7e2c9f4a1d8e3b6c0f5a2d9e4b1c7f3\n' : 'b7e2c9f4a1d8e3b6c0f5a2d9e4b1c7f3\n');
    }
    const inContainer = (value: string) => value.replace(/^\/config\//, `${join(PACKAGE_ROOT, 'examples')}/`).replace(/^\/run\/secrets\//, `${secrets}/`);
    for (const process of PROCESSES) {
      const service = config.services[process]!;
      expect(service.healthcheck, process).toBeDefined();
      for (const port of service.ports ?? []) expect(JSON.stringify(port), process).toMatch(/127\.0\.0\.1/);
      const seen = Object.fromEntries(Object.entries(service.environment).map(([k, v]) => [k, inContainer(String(v))]));
      expect(() => loadSettings(process as ProcessName, seen), process).not.toThrow();
    }
    expect(config.services.redis!.healthcheck).toBeDefined();
  });
});
