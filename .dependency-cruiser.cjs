/**
 * The import boundaries (`npm run check:boundaries`; docs/architecture.md draws them). Layers, lowest first:
 *
 *   directory           council.yaml, protocol packs, rule ids
 *   lexicon             tokens, term lists and their index
 *   nlp                 sentence mood, judgement, targets
 *   lint                the engine, its rules, the reader
 *   queue               the lint queue; knows no channel (processors are given by workers/lint.worker.ts)
 *   channels            slack, mail, outlook, http (and the apps built on them)
 *   workers/            the entry points, which wire the rest together
 *
 * A layer imports only from layers below it. Pure modules (the engine and the briefing domain) import nothing that
 * does I/O; test/boundaries.test.ts adds what an import graph cannot see (clocks, process.env, Math.random).
 */

/** Pure: no network, filesystem, process or clock. Loaders and stores are the exceptions, named here. */
const PURE = '^src/(directory|lexicon|nlp|lint|briefings|channels)/';
const PURE_EXCEPT = '^src/(lint/(load|parse-cache)\\.ts|briefings/(redis-store|checkpoint-store)\\.ts)$';

/** Node's and npm's modules that reach outside the process. */
const IO_CORE = ['fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'child_process', 'cluster', 'dgram', 'dns', 'tls', 'worker_threads', 'readline', 'os'];
const IO_NPM =
  '(^|/)node_modules/(ioredis|bullmq|nodemailer|imapflow|fastify|@fastify/[^/]+|@slack/[^/]+|openid-client|pino|undici|playwright-core)/';
/** Our own modules that do I/O, and the channels. */
const IO_OURS = '^(src/(process|queue|http|slack|mail|outlook|cli|audit|notices|enquiries|auth)/|src/lint/(load|parse-cache)\\.ts$|src/briefings/(redis-store|checkpoint-store)\\.ts$|workers/)';

const CHANNELS = '^src/(slack|mail|outlook|http|enquiries|notices|audit|cli)/';

/** `from` may import only its own folder and the folders in `allowed` (plus npm and node). */
const layer = (name, folder, allowed) => ({
  name,
  severity: 'error',
  comment: `src/${folder} may import only from ${allowed.length ? allowed.map((a) => `src/${a}`).join(', ') : 'itself'} (docs/architecture.md)`,
  from: { path: `^src/${folder}/` },
  to: { path: '^(src|workers|scripts|test)/', pathNot: [`^src/${folder}/`, ...allowed.map((a) => `^src/${a}/`)] },
});

module.exports = {
  forbidden: [
    layer('directory-is-the-bottom', 'directory', []),
    layer('lexicon-above-directory', 'lexicon', ['directory']),
    layer('nlp-above-lexicon', 'nlp', ['directory', 'lexicon']),
    layer('lint-above-nlp', 'lint', ['directory', 'lexicon', 'nlp']),
    {
      name: 'queue-knows-no-channel',
      severity: 'error',
      comment: 'the lint queue does not import the channels: their processors are given by workers/lint.worker.ts',
      from: { path: '^src/queue/' },
      to: { path: CHANNELS },
    },
    {
      name: 'pure-imports-no-io',
      severity: 'error',
      comment: 'the engine and the briefing domain are pure: time and stores are passed in (STYLE.md, principle 2)',
      from: { path: PURE, pathNot: PURE_EXCEPT },
      to: { path: IO_OURS },
    },
    {
      name: 'pure-imports-no-io-package',
      severity: 'error',
      comment: 'the engine and the briefing domain are pure: no network, filesystem or process modules',
      from: { path: PURE, pathNot: PURE_EXCEPT },
      to: { path: IO_NPM },
    },
    {
      name: 'pure-imports-no-io-core',
      severity: 'error',
      comment: 'the engine and the briefing domain are pure: no network, filesystem or process modules',
      from: { path: PURE, pathNot: PURE_EXCEPT },
      to: { dependencyTypes: ['core'], path: `^(node:)?(${IO_CORE.join('|').replace(/\//g, '\\/')})$` },
    },
    {
      name: 'src-imports-no-entry-point',
      severity: 'error',
      comment: 'entry points (workers/, scripts/) and tests import src/, never the other way round',
      from: { path: '^src/' },
      to: { path: '^(workers|scripts|test)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'a cycle of static runtime imports (type-only imports vanish when compiled; a dynamic import loads late)',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only', 'dynamic-import'] } },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // Type-only imports are layering too: `nlp` may not name `lint`'s types either.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    // The pages' scripts run in the browser and import by URL (/shell/shell.js): not part of the Node layers.
    exclude: { path: '^(dist/|src/[^/]+/(page|shell|static)/)' },
    // node_modules may be a link to another checkout's (a git worktree): resolve paths as they are written.
    preserveSymlinks: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
