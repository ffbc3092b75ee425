/**
 * The package as a council installs it: `npm pack`, then `npm install -g` of the tarball into a fresh prefix, then
 * the installed `probity`. The tarball holds the built code and the data it reads, not the tests; the install
 * prints no EBADENGINE on the supported Node line; `probity check` works from wherever it is run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../src/lint/load.js';

const NODE_LINE = 22;
const npm = (args: string[], cwd: string) => spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });

describe('npm pack, then npm install -g of the tarball', () => {
  it('gives a working probity', { timeout: 600_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'probity-pack-'));
    const packed = npm(['pack', '--pack-destination', dir, '--json'], PACKAGE_ROOT);
    expect(packed.status, packed.stderr).toBe(0);
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
    const files = info!.files.map((f) => f.path);
    for (const needed of [
      'bin/probity.js',
      'dist/src/cli/main.js',
      'dist/parse-cache.json',
      'dist/workers/api.js',
      'dist/workers/lint.worker.js',
      'dist/workers/healthcheck.js',
      'lexicons/models/confidence.json',
      'examples/council.yaml',
      'src/http/page/index.html',
      'package.json',
      'README.md',
    ]) {
      expect(files, needed).toContain(needed);
    }
    expect(files.filter((f) => f.startsWith('test/') || f.endsWith('.map') || (f.startsWith('src/') && f.endsWith('.ts')))).toEqual([]);

    const prefix = join(dir, 'global');
    const installed = npm(['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', join(dir, info!.filename)], dir);
    expect(installed.status, installed.stderr).toBe(0);
    if (Number(process.versions.node.split('.')[0]) === NODE_LINE) expect(`${installed.stdout}${installed.stderr}`).not.toMatch(/EBADENGINE/);

    const probity = join(prefix, 'bin', 'probity');
    const elsewhere = mkdtempSync(join(tmpdir(), 'probity-cwd-'));
    const version = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(execFileSync(probity, ['--version'], { cwd: elsewhere, encoding: 'utf8' }).trim()).toBe(version.version);
    const checked = spawnSync(
      probity,
      [
        'check',
        '--council',
        join(PACKAGE_ROOT, 'examples/council.yaml'),
        '--format',
        'json',
        '--fail-on',
        'never',
        join(PACKAGE_ROOT, 'examples/messages.jsonl'),
      ],
      { cwd: elsewhere, encoding: 'utf8' },
    );
    expect(checked.stderr).toBe('');
    expect(checked.status).toBe(0);
    const results = checked.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; findings: { rule: string }[] });
    expect(results.find((r) => r.id === 'instruction-to-junior-officer')!.findings.map((f) => f.rule)).toContain('direct-instruction');
    // Without a council it says it uses the example.
    const fallback = spawnSync(probity, ['rules'], { cwd: elsewhere, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    expect(fallback.status).toBe(0);
    expect(fallback.stderr).toMatch(/using the fictional example council/);
    expect(readdirSync(join(prefix, 'lib', 'node_modules', 'probity', 'dist', 'workers'))).toContain('api.js');
  });
});
