/**
 * Writes the files generated from the settings schema: .env.example, docker-compose.yml, docs/settings.md.
 *
 *   npm run settings
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/lint/load.js';
import { composeFile, envExample, GENERATED, settingsDoc } from '../src/process/settings-files.js';

for (const [file, text] of [
  [GENERATED.env, envExample()],
  [GENERATED.compose, composeFile()],
  [GENERATED.doc, settingsDoc()],
] as const) {
  writeFileSync(join(PACKAGE_ROOT, file), text);
  process.stdout.write(`wrote ${file}\n`);
}
