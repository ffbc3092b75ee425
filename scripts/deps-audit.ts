/**
 * The production dependency audit: `npm audit --omit=dev`, failing (exit 1) on any high or critical advisory.
 * Run by `.ci/run` and `npm run audit:deps`.
 *
 * Where npm's advisory service cannot be reached (some registry mirrors and proxies answer 405 to its POST), the
 * script says so plainly, lists any deprecated production package in package-lock.json, and exits 0: it never
 * reports "no vulnerabilities" when it could not ask, and never fails a build for a service it cannot reach.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const run = promisify(execFile);

interface AuditReport {
  auditReportVersion?: number;
  metadata?: { vulnerabilities?: Record<'info' | 'low' | 'moderate' | 'high' | 'critical' | 'total', number>; dependencies?: { prod?: number } };
  vulnerabilities?: Record<string, { severity: string; via: unknown[]; fixAvailable: unknown }>;
  message?: string;
  statusCode?: number;
}

async function audit(): Promise<AuditReport> {
  // npm audit exits 1 both when it finds something and when it cannot ask; the JSON says which.
  // Short timeouts and no retries: a network that drops the request silently must not hold a build for minutes.
  const args = ['audit', '--omit=dev', '--json', '--offline=false', '--fetch-timeout=30000', '--fetch-retries=0'];
  const result = await run('npm', args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }).catch((error: { stdout?: string }) => ({
    stdout: error.stdout ?? '',
  }));
  try {
    return JSON.parse(result.stdout) as AuditReport;
  } catch {
    return { message: 'npm audit printed no JSON' };
  }
}

function deprecatedProductionPackages(): string[] {
  const lock = JSON.parse(readFileSync(`${ROOT}package-lock.json`, 'utf8')) as {
    packages: Record<string, { version?: string; dev?: boolean; deprecated?: string }>;
  };
  return Object.entries(lock.packages)
    .filter(([path, p]) => path && !p.dev && p.deprecated)
    .map(([path, p]) => `${path.replace(/^.*node_modules\//, '')}@${p.version}: ${p.deprecated}`);
}

const report = await audit();
const counts = report.metadata?.vulnerabilities;
// A real report carries its version; an offline npm answers an empty one without asking anybody.
if (counts && report.auditReportVersion) {
  const serious = counts.high + counts.critical;
  console.log(
    `npm audit --omit=dev: ${report.metadata?.dependencies?.prod ?? '?'} production packages; ` +
      `critical ${counts.critical}, high ${counts.high}, moderate ${counts.moderate}, low ${counts.low}`,
  );
  for (const [name, v] of Object.entries(report.vulnerabilities ?? {})) {
    if (v.severity === 'high' || v.severity === 'critical') console.log(`  ${v.severity}: ${name} (fix available: ${v.fixAvailable ? 'yes' : 'no'})`);
  }
  process.exit(serious > 0 ? 1 : 0);
}

console.log(`npm audit --omit=dev could not reach the advisory service (${report.message ?? 'no answer'}).`);
console.log('Not audited for known vulnerabilities here: run `npm run audit:deps` where registry.npmjs.org answers POST.');
const deprecated = deprecatedProductionPackages();
if (deprecated.length > 0) {
  console.log(`Deprecated production packages (${deprecated.length}), worth replacing:`);
  for (const line of deprecated) console.log(`  ${line}`);
} else {
  console.log('Offline check: no production package in package-lock.json is deprecated.');
}
