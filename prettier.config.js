// Prettier (`npm run format`, `npm run format:check`, which `npm test` runs): the TypeScript in src/, workers/,
// scripts/ and test/. Set to the style the code was written in: single quotes, semicolons, trailing commas, and
// lines up to 160 characters (comments are wrapped by hand at 120).
/** @type {import('prettier').Config} */
export default {
  printWidth: 160,
  singleQuote: true,
  trailingComma: 'all',
  arrowParens: 'always',
};
