/**
 * Builds the Outlook add-in's served files into dist/outlook (or the directory given):
 *   commands.js   the event handlers: one ES2016 file, no imports, no DOM (classic Outlook's JS-only runtime)
 *   taskpane.js   the task pane's script
 *   *.html, taskpane.css, manifest.xml (a template the API fills in), assets/icon-*.png
 *
 *   npx tsx scripts/build-outlook.ts [outDir]
 */
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const OUTLOOK_SRC = join(ROOT, 'src', 'outlook');
export const DEFAULT_OUTLOOK_DIR = join(ROOT, 'dist', 'outlook');

/** Older builds of classic Outlook's JavaScript runtime accept ES2016 and nothing newer. */
export const HANDLER_TARGET = 'es2016';

export async function buildOutlook(outDir = DEFAULT_OUTLOOK_DIR): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: { commands: join(OUTLOOK_SRC, 'handler.ts'), taskpane: join(OUTLOOK_SRC, 'taskpane.ts') },
    outdir: outDir,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: HANDLER_TARGET,
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'silent',
  });
  const handler = readFileSync(join(outDir, 'commands.js'), 'utf8');
  // The JS-only runtime has no module loader: a stray import or require would fail only on a user's machine.
  if (/^\s*import\s|\bimport\(|\brequire\(/m.test(handler)) throw new Error('commands.js must not import anything at run time');
  // Syntax is lowered to ES2016 by esbuild; library calls are not. Keep these out of the handler.
  const newer =
    /\b(getOwnPropertyDescriptors|Object\.(?:entries|values|fromEntries)|globalThis|padStart|padEnd|replaceAll)\b|(\.(?:finally|flatMap|flat)\()/.exec(handler);
  if (newer) throw new Error(`commands.js uses ${newer[1] ?? newer[2]}, which an ES2016 runtime may not have`);
  cpSync(join(OUTLOOK_SRC, 'static'), outDir, { recursive: true });
  return outDir;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  buildOutlook(process.argv[2] ? resolve(process.argv[2]) : undefined).then(
    (dir) => process.stdout.write(`outlook add-in built into ${dir}\n`),
    (error: unknown) => {
      process.stderr.write(`build-outlook: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
