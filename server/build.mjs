// Bundles the server into one ESM file. The protocol package is inlined from its TypeScript
// sources; runtime dependencies (the native uWS addon, msgpackr, pino, pino-pretty, prom-client,
// ioredis and jose) stay external: they are resolved from node_modules at run time, as installed
// (ioredis is CommonJS and cannot be inlined into an ESM bundle).
import { build } from 'esbuild';

await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/main.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['source'],
  external: ['uWebSockets.js', 'msgpackr', 'pino', 'pino-pretty', 'prom-client', 'ioredis', 'jose'],
  sourcemap: true,
  logLevel: 'warning',
});
