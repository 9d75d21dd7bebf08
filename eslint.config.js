import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Where an error may not be constructed by hand, only said from a catalogue
 * of words with its code (issue 22 §3): the whole source. src/core/ is left
 * out: failure() constructs them there.
 */
const CODED_ERROR_FILES = ['src/**/*.ts'];

/** Said where an error is constructed outside src/core/: it would have no code to look up. */
const SAY_IT_BY_CODE =
  'Say an error from a catalogue of words, with its code: throw failure(CATALOGUE, "TIC-…", facts) (src/core/words/); a TiError or ApiError is constructed only in src/core/, so that every error has a code in the table of codes.';

/**
 * Lint without type information: typescript-eslint's type-aware rules take
 * about 45 s of CPU on this tree, half the time `npm test` may take; the
 * compiler (strict, noUnused*, exactOptionalPropertyTypes) already checks
 * what they would add.
 */
export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'reports/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Unused names are the compiler's to refuse (noUnusedLocals, noUnusedParameters); a leading _ marks one kept on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Control characters are matched on purpose: refused in names, escaped in JSON, read in what a terminal was sent.
      'no-control-regex': 'off',
    },
  },
  {
    files: CODED_ERROR_FILES,
    ignores: ['src/core/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='TiError']", message: SAY_IT_BY_CODE },
        { selector: "NewExpression[callee.name='ApiError']", message: SAY_IT_BY_CODE },
      ],
    },
  },
  {
    // scripts/run-tests.ts runs many test files in one process: node:test does not wait for a root-level before() declared once tests have run.
    files: ['test/**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'Program > ExpressionStatement > CallExpression[callee.name=/^(before|beforeEach|afterEach)$/]',
          message:
            'Declare before, beforeEach and afterEach in a describe: test files share a process (scripts/run-tests.ts), where node:test would not wait for one at the root.',
        },
      ],
    },
  },
  {
    // The dependency rules are read by dependency-cruiser, a CommonJS module.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    // The pages' script runs in the reader's browser, from a file, offline: it builds elements from data, never markup from text, and loads nothing.
    files: ['src/report/page/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'setHTMLUnsafe', 'createContextualFragment'].map((property) => ({
          property,
          message: 'Build elements with h() and textContent: no value may become markup.',
        })),
        ...['write', 'writeln'].map((property) => ({
          object: 'document',
          property,
          message: 'Build elements with h() and textContent: no value may become markup.',
        })),
        { object: 'navigator', property: 'sendBeacon', message: 'The page loads and sends nothing.' },
      ],
      'no-restricted-globals': [
        'error',
        ...['fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource', 'Worker', 'SharedWorker'].map((name) => ({
          name,
          message: 'The page loads and sends nothing.',
        })),
      ],
      'no-restricted-syntax': [
        'error',
        { selector: 'ImportExpression', message: 'The page loads nothing: its modules are embedded in it (report/page-script.ts).' },
      ],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    // Tests read JSON documents (summary.json, plan.json) whose shape is what they check.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
