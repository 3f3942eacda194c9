// Lint enforces the boundaries a newcomer should not have to remember:
// only server/src/transport/uws.ts (and the bench's bare-uWS floor, loadtest/src/floor/) imports
// uWebSockets.js, only client/src/render/ and a game's client module (games/*/client.ts) import
// pixi.js, protocol/ runs anywhere (no Node built-ins, no Buffer, no process), and engine code
// never imports a game: only the two entry points (server/src/main.ts, client/src/main.ts) name
// the game registries in games/.
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

const restrictedGames = {
  group: ['**/games/**', '@tickwire/games', '@tickwire/games/**'],
  message:
    'Engine code knows no game: games plug in through server/src/game/game.ts and the client game-module interface; only the entry points import the registries in games/.',
};
const nodeBuiltins = {
  group: ['node:*'],
  message: 'protocol/ runs in browsers and k6 too: no Node built-ins.',
};

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'test-results/**',
      'bench-results/**',
      // The k6 bundles (npm run build:k6).
      'loadtest/dist/**',
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
    // Engine code: the server, the client and the protocol package.
    files: ['server/src/**/*.ts', 'client/src/**/*.ts'],
    ignores: [
      'server/src/main.ts',
      'client/src/main.ts',
      'client/src/render/**',
      'server/src/transport/uws.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [restrictedUws, restrictedPixi], patterns: [restrictedGames] },
      ],
    },
  },
  {
    files: ['server/src/transport/uws.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [restrictedPixi], patterns: [restrictedGames] }],
    },
  },
  {
    // The bench's floor is a bare uWebSockets.js server on purpose: it must run none of
    // tickwire's server code (no Connection interface, no transport/uws.ts), so that what it
    // costs is what any uWS server pays to hold the same clients (shared/BENCHMARKS.md, the floor).
    files: ['loadtest/src/floor/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [restrictedPixi] }] },
  },
  {
    files: ['client/src/render/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [restrictedUws], patterns: [restrictedGames] }],
    },
  },
  {
    // A game's client module draws its kinds with PixiJS.
    files: ['games/*/client.ts', 'games/client.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'no-restricted-imports': ['error', { paths: [restrictedUws] }] },
  },
  {
    files: ['client/**/*.ts'],
    ignores: ['client/test/**', 'client/vite.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // The k6 scripts run in k6's JavaScript runtime: k6's globals and modules, nothing of Node's
    // (tsc -p loadtest/k6 checks them without Node types too). build.ts bundles them, in Node.
    files: ['loadtest/k6/**/*.ts'],
    ignores: ['loadtest/k6/build.ts'],
    languageOptions: { globals: { __ENV: 'readonly', __VU: 'readonly', __ITER: 'readonly' } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [restrictedUws, restrictedPixi],
          patterns: [
            { group: ['node:*'], message: 'k6 scripts run in k6, not Node: no Node built-ins.' },
            restrictedGames,
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['Buffer', 'process', 'require', 'TextDecoder', 'TextEncoder', 'URL', 'fetch'].map(
          (name) => ({ name, message: 'k6 has no such global (the k6 sandbox has none either).' }),
        ),
        { name: 'performance', message: 'k6 has no performance: use Date.now().' },
        { name: 'structuredClone', message: 'k6 has no structuredClone.' },
      ],
    },
  },
  {
    files: ['protocol/src/**/*.ts'],
    languageOptions: { globals: { ...globals['shared-node-browser'] } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [restrictedUws, restrictedPixi],
          patterns: [nodeBuiltins, restrictedGames],
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
