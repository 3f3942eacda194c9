import { existsSync } from 'node:fs';
import { parseConfig, usage } from './config.js';
import { createLogger, createPrettyLogger, errorFields } from './log.js';
import { startServer } from './server.js';
import { runWorkers, type WorkerListening } from './process/workers.js';
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

if (config.workers !== 1) {
  // The supervisor: it runs no room itself (see process/workers.ts).
  try {
    await runWorkers(config, argv, log);
  } catch (error) {
    log.error('failed to start the workers', errorFields(error));
    log.flush();
    process.exit(2);
  }
} else {
  try {
    const server = await startServer(config, log, serverGames);
    let isStopping = false;
    const exit = (code: number): void => {
      log.flush();
      // Let the close frames go out before the process ends.
      setTimeout(() => process.exit(code), 200).unref();
    };
    // SIGTERM (a rolling restart, an orchestrator): players are moved to other processes through
    // matchmaking, then the process exits 0 within --drain-ms.
    const drain = (why: string): void => {
      if (isStopping) return;
      isStopping = true;
      log.info('draining for a restart', { signal: why, drainMs: config.drainMs });
      server.drain().then(
        ({ leftBehind }) => {
          log.info('drained', { leftBehind });
          exit(0);
        },
        (error: unknown) => {
          log.error('drain failed', errorFields(error));
          exit(1);
        },
      );
    };
    process.on('SIGTERM', () => drain('SIGTERM'));
    // A worker whose supervisor died (SIGKILL, a crash) drains too instead of running on orphaned.
    process.on('disconnect', () => drain('supervisor gone'));
    // SIGINT (Ctrl-C): stop now, every player told the server is shutting down.
    process.on('SIGINT', () => {
      if (isStopping) return;
      isStopping = true;
      log.info('shutting down', { signal: 'SIGINT' });
      void server.stop().finally(() => exit(0));
    });
    // Under --workers, tell the supervisor (process/workers.ts) this worker listens: it waits for
    // this before it calls the start done or restarts the next worker.
    process.send?.({
      type: 'listening',
      port: server.port,
      processId: server.processId,
    } satisfies WorkerListening);
  } catch (error) {
    log.error('failed to start', errorFields(error));
    log.flush();
    process.exit(1);
  }
}
