/** Writes docs/rules.md from the rules and protocol packs: `npm run docs:rules`. */
import { writeFileSync } from 'node:fs';
import { loadProtocolPacks } from '../src/lint/load.js';
import { RULES } from '../src/lint/rules/index.js';
import { rulesDoc } from '../src/lint/rules-doc.js';

writeFileSync('docs/rules.md', rulesDoc(RULES, loadProtocolPacks()));
console.log('wrote docs/rules.md\nreproduce: npm run docs:rules');
