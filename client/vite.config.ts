import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The dev server proxies the WebSocket path to a running game server, so `npm run dev` in
// client/ talks to `npm run dev -w @tickwire/server`. Production needs no proxy: the game server
// serves client/dist itself on the same port as /ws.
const gameServer = process.env['TICKWIRE_SERVER'] ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: {
    // Same alias as the root vitest.config.ts: the protocol package is bundled from its sources.
    alias: {
      '@tickwire/protocol': fileURLToPath(new URL('../protocol/src/index.ts', import.meta.url)),
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: true,
    target: 'es2022',
  },
  server: {
    proxy: { '/ws': { target: gameServer, ws: true } },
  },
});
