import { existsSync } from 'node:fs';
import { parseConfig, usage } from './config.js';
import { createLogger, createPrettyLogger, errorFields } from './log.js';
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

// JSON lines for operators; `npm run dev` (npm names the script it runs) prints them
// human-readable. LOG_FORMAT=json|pretty chooses either way.
const logFormat =
  process.env.LOG_FORMAT ?? (process.env.npm_lifecycle_event === 'dev' ? 'pretty' : 'json');
if (logFormat !== 'json' && logFormat !== 'pretty') {
  process.stderr.write(`tickwire: LOG_FORMAT must be json or pretty, not "${logFormat}"\n`);
  process.exit(2);
}
const log =
  logFormat === 'pretty' ? createPrettyLogger(config.logLevel) : createLogger(config.logLevel);
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
    log.flush();
    server.stop();
    // Let the close frames go out before the process ends.
    setTimeout(() => process.exit(0), 200).unref();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
} catch (error) {
  log.error('failed to start', errorFields(error));
  log.flush();
  process.exit(1);
}
