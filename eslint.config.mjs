// Lint enforces the boundaries a newcomer should not have to remember:
// only server/src/transport/uws.ts imports uWebSockets.js, only client/src/render/ imports pixi.js,
// and protocol/ runs anywhere (no Node built-ins, no Buffer, no process).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const restrictedUws = {
  name: 'uWebSockets.js',
  message: 'Only server/src/transport/uws.ts imports uWebSockets.js; use the Connection interface.',
};
const restrictedPixi = {
  name: 'pixi.js',
  message: 'Only client/src/render/ imports pixi.js; keep state and network code testable in Node.',
};

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'test-results/**',
      'bench-results/**',
      'loadtest/k6/dist/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/ban-ts-comment': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [restrictedUws, restrictedPixi] }],
      eqeqeq: 'error',
    },
  },
  {
    files: ['server/src/transport/uws.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [restrictedPixi] }] },
  },
  {
    files: ['client/src/render/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [restrictedUws] }] },
  },
  {
    files: ['client/**/*.ts'],
    ignores: ['client/test/**', 'client/vite.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['protocol/src/**/*.ts'],
    languageOptions: { globals: { ...globals['shared-node-browser'] } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [restrictedUws, restrictedPixi],
          patterns: [
            {
              group: ['node:*'],
              message: 'protocol/ runs in browsers and k6 too: no Node built-ins.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'Buffer', message: 'protocol/ speaks Uint8Array.' },
        { name: 'process', message: 'protocol/ has no process.' },
      ],
    },
  },
);
