// ESLint (flat config; `npm run lint`, part of `npm test`): JavaScript's and typescript-eslint's recommended rules,
// and a few of our own below, each with its reason. The TypeScript compiler (strict) does the type checking.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', '.tmp/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: globals.node },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A leading underscore says "unused on purpose" (a destructured field left out, a callback's first argument).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // `== null` is the one loose comparison worth having (null or undefined).
      eqeqeq: ['error', 'smart'],
      // A variable a closure reads before its one assignment (a logger made after the crash handlers) stays `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // An error thrown in a catch keeps the one it replaces.
      'preserve-caught-error': 'error',
    },
  },
  {
    // The services log through pino (src/process/log.ts) and the CLI writes through its Io, never to the console:
    // a console line skips the logger's redaction and could carry message text.
    files: ['src/**/*.ts', 'workers/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // The pages' scripts (and their shared shell) are ES modules in the browser.
    files: ['src/**/page/**/*.js', 'src/http/shell/**/*.js'],
    languageOptions: { globals: globals.browser },
  },
  {
    // The Office.js stand-in the Outlook tests load into Chromium: a classic script, as Office.js is.
    files: ['test/outlook/**/*.js'],
    languageOptions: { globals: globals.browser, sourceType: 'script' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
);
