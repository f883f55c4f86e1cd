// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', 'nodes/*.js', '.node-red-demo/**', 'docs/**'] },
  {
    files: ['src/**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.strict],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Node-RED node constructors name their `this` "node", as the runtime's own nodes do.
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['node'] }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { ...globals.node, ...globals.mocha },
    },
    rules: { 'no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }] },
  },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } },
  // Editor code Node-RED serves from resources/: a classic browser script beside the editor's
  // own globals (RED, jQuery, jsonata).
  {
    files: ['resources/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { ...globals.browser, ...globals.jquery, RED: 'readonly', jsonata: 'readonly' },
    },
  },
  // Code passed to page.evaluate() runs in the browser.
  { files: ['test/e2e/**/*.js'], languageOptions: { globals: { ...globals.browser } } },
);
