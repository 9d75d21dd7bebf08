import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
    // The dependency rules are read by dependency-cruiser, a CommonJS module.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    // Tests read JSON documents (summary.json, plan.json) whose shape is what they check.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
