// The bot runner: `npm run bots -- --count 20 --kind mix`. A swarm of example bots on one server,
// one live status line, and a summary when it stops (Ctrl-C, SIGTERM, --seconds, or every bot
// gone). `--help` lists the options.
import { Fleet } from './runner/fleet.js';
import { USAGE, UsageError, parseRunnerArgs } from './runner/options.js';
import type { RunnerCommand } from './runner/options.js';
import { formatStatus, formatSummary } from './runner/status.js';
import type { TotalsSample } from './runner/status.js';
import { SocketTracker } from './runner/tracked-websocket.js';

/** Status line period: rewritten in place on a terminal, a new line every 2 s in a log. */
const TTY_STATUS_EVERY_MS = 500;
const LOG_STATUS_EVERY_MS = 2000;
/** How often the runner looks whether every bot has gone. */
const CHECK_EVERY_MS = 100;
/** Time allowed for the close handshakes after closing every bot. */
const CLOSE_TIMEOUT_MS = 2000;
/** Warnings printed before the rest are only counted. */
const MAX_WARNINGS_SHOWN = 20;

let command: RunnerCommand;
try {
  command = parseRunnerArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`error: ${error.message}\nrun with --help for the options\n`);
  process.exit(2);
}
if (command.isHelp) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const { options } = command;
const isTty = process.stdout.isTTY === true;
const sockets = new SocketTracker();
let warnings = 0;
let isStatusOnScreen = false;

/** Prints a whole line, first clearing a status line the terminal shows. */
function printLine(line: string): void {
  if (isStatusOnScreen) process.stdout.write('\r\x1b[K');
  isStatusOnScreen = false;
  process.stdout.write(line + '\n');
}

const fleet = new Fleet({
  ...options,
  WebSocket: sockets.WebSocket,
  onWarning: (botName, message) => {
    warnings++;
    if (warnings <= MAX_WARNINGS_SHOWN) printLine(`warning: ${botName}: ${message}`);
    else if (warnings === MAX_WARNINGS_SHOWN + 1) printLine('warning: more warnings, not shown');
  },
});

const startedAtMs = performance.now();
let previous: TotalsSample = { totals: fleet.totals(), atMs: startedAtMs };

function printStatus(): void {
  const now: TotalsSample = { totals: fleet.totals(), atMs: performance.now() };
  const line = formatStatus(options.count, now, previous);
  previous = now;
  if (isTty) {
    process.stdout.write(`\r${line}\x1b[K`);
    isStatusOnScreen = true;
  } else {
    process.stdout.write(line + '\n');
  }
}

let isStopping = false;

async function stop(reason: string): Promise<void> {
  if (isStopping) return;
  isStopping = true;
  clearInterval(checker);
  if (secondsTimer) clearTimeout(secondsTimer);
  const elapsedMs = performance.now() - startedAtMs;
  fleet.close();
  printStatus();
  if (isTty) process.stdout.write('\n');
  isStatusOnScreen = false;
  const cut = await sockets.waitUntilClosed(CLOSE_TIMEOUT_MS);
  const report = fleet.report();
  printLine(`stopping: ${reason}`);
  for (const line of formatSummary(report, elapsedMs)) printLine(line);
  if (warnings > 0) printLine(`  warnings ${warnings}`);
  if (cut > 0)
    printLine(`  ${cut} sockets were cut: no close handshake within ${CLOSE_TIMEOUT_MS} ms`);
  process.exitCode = report.problems.length === 0 ? 0 : 1;
}

let lastStatusAtMs = startedAtMs;
const statusEveryMs = isTty ? TTY_STATUS_EVERY_MS : LOG_STATUS_EVERY_MS;
const checker = setInterval(() => {
  if (fleet.isFinished) {
    void stop('every bot has closed');
    return;
  }
  const nowMs = performance.now();
  if (nowMs - lastStatusAtMs >= statusEveryMs) {
    lastStatusAtMs = nowMs;
    printStatus();
  }
}, CHECK_EVERY_MS);

const secondsTimer =
  options.seconds === null
    ? null
    : setTimeout(() => void stop(`${options.seconds} s are up`), options.seconds * 1000);

// `once`: a second Ctrl-C while closing kills the process the usual way.
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));

printLine(
  `${options.count} ${options.kind} bots (${options.name}-1..${options.count}) -> ${options.url}`,
);
fleet.start();
