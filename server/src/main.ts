import { existsSync } from 'node:fs';
import { parseConfig, usage } from './config.js';
import type { WorkerListening } from './process/workers.js';

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

// Everything else is loaded once the options are read: --help and a bad option need config.ts
// alone and answer at once (`npm start -- --help` runs this file from its sources, before any
// build: scripts/start.mjs).
const [
  { createLogger, createPrettyLogger, errorFields },
  { startServer },
  { runWorkers },
  { detectUwsBuild },
  { UwsFallbackRefused, refuseUwsFallback },
  { formatListeningLine, isListeningLineShown, lanIPv4Addresses },
  // The one place the server names games: engine code never imports one.
  { serverGames },
] = await Promise.all([
  import('./log.js'),
  import('./server.js'),
  import('./process/workers.js'),
  import('./transport/uws.js'),
  import('./process/uws-fallback-advice.js'),
  import('./process/listening-line.js'),
  import('../../games/server.js'),
]);

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
// --static "" asks for no page; a client not built yet is served as none, and said so.
const isClientAsked = config.staticDir !== '';
if (config.staticDir !== '' && !existsSync(config.staticDir)) {
  log.warn('client not built: serving no page', {
    staticDir: config.staticDir,
    fix: 'npm run build',
  });
  config.staticDir = '';
}
// A worker of --workers (forked with an IPC channel) leaves the human lines to its supervisor,
// which shares its stderr: one line for all of them, not one each.
const isWorker = process.send !== undefined;
const isLineShown = !isWorker && isListeningLineShown(config.banner, process.stderr.isTTY === true);
const printListeningLine = (ports: readonly number[]): void => {
  if (!isLineShown || ports.length === 0) return;
  const line = formatListeningLine({
    game: config.game,
    host: config.host,
    ports,
    client: config.staticDir !== '' ? 'served' : isClientAsked ? 'not built' : 'none',
    lanAddresses: lanIPv4Addresses(),
  });
  process.stderr.write(`${line}\n`);
};

// On a Node the installed uWebSockets.js has no binary for, it loads its slow emulation and the
// server refuses to start (logged as JSON): say plainly what to do, on stderr always, once (a
// worker leaves it to its supervisor, which refuses before it starts any).
const printRefusalAdvice = (error: unknown): void => {
  if (error instanceof UwsFallbackRefused && !isWorker) process.stderr.write(`${error.advice}\n`);
};

if (config.workers !== 1) {
  // The supervisor: it runs no room itself (see process/workers.ts). The human line names the
  // workers' ports once every one listens.
  try {
    refuseUwsFallback(detectUwsBuild(), config.allowUwsFallback);
    await runWorkers(config, argv, log, printListeningLine);
  } catch (error) {
    printRefusalAdvice(error);
    log.error('failed to start the workers', errorFields(error));
    log.flush();
    process.exit(2);
  }
} else {
  try {
    const server = await startServer(config, log, serverGames);
    printListeningLine([server.port]);
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
    printRefusalAdvice(error);
    log.error('failed to start', errorFields(error));
    log.flush();
    process.exit(1);
  }
}
