import { existsSync } from 'node:fs';
import { parseConfig, usage } from './config.js';
import { createLogger, errorFields } from './log.js';
import { startServer } from './server.js';
// The one place the server names games: engine code never imports one.
import { serverGames } from '../../games/server.js';

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  process.stdout.write(usage() + '\n');
  process.exit(0);
}

let config;
try {
  config = parseConfig(argv, process.env);
} catch (error) {
  process.stderr.write(
    `tickwire: ${error instanceof Error ? error.message : String(error)}\n\n${usage()}\n`,
  );
  process.exit(2);
}

const log = createLogger(config.logLevel);
if (config.staticDir !== '' && !existsSync(config.staticDir)) {
  log.warn('client not built: serving no page', {
    staticDir: config.staticDir,
    fix: 'npm run build',
  });
  config.staticDir = '';
}

try {
  const server = await startServer(config, log, serverGames);
  let isStopping = false;
  const shutdown = (signal: string): void => {
    if (isStopping) return;
    isStopping = true;
    log.info('shutting down', { signal });
    server.stop();
    // Let the close frames go out before the process ends.
    setTimeout(() => process.exit(0), 200).unref();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
} catch (error) {
  log.error('failed to start', errorFields(error));
  process.exit(1);
}
