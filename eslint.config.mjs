// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// The layers of src/ and what each may import (besides itself and packages): the protocol
// stands alone, the client builds on it, desired-state planning on the client, the nodes on
// both; the simulator speaks the protocol and knows nothing of the client or the nodes. A wrong import fails `npm run lint`
// (test/lint-layers.test.js plants one per rule).
const LAYERS = {
  protocol: [],
  client: ['protocol'],
  nodes: ['client', 'desired'],
  desired: ['client', 'protocol'],
  simulator: ['protocol'],
};

function layerRule(layer, allowed) {
  const forbidden = Object.keys(LAYERS).filter((other) => other !== layer && !allowed.includes(other));
  const may = allowed.length ? `only src/${allowed.join(', src/')}` : 'nothing else of ours';
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // A relative path that climbs to src/ and enters a forbidden layer.
              regex: `^(\\.\\./)+(${forbidden.join('|')})(/|$)`,
              message: `src/${layer} may import ${may} (layers: protocol ← client ← desired ← nodes, protocol ← simulator).`,
            },
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', 'nodes/*.js', '.node-red-demo/**', 'docs/**', '.cache/**'] },
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
  ...Object.entries(LAYERS).map(([layer, allowed]) => layerRule(layer, allowed)),
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
