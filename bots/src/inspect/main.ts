// The inspector's command line (npm run inspect -- --help). Output lines go to stdout, one JSON
// object each; diagnostics go to stderr.
import { performance } from 'node:perf_hooks';
import {
  InspectError,
  USAGE,
  UsageError,
  checkServerUrl,
  parseInspectArgs,
  type InspectCommand,
} from './args.js';
import { runLive } from './live.js';
import { runReplay } from './replay.js';

const print = (line: string): void => {
  process.stdout.write(line + '\n');
};
const warn = (message: string): void => {
  process.stderr.write(message + '\n');
};

// `inspect ... | head` closes stdout early: stop quietly instead of dying on EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

async function run(command: InspectCommand): Promise<number> {
  switch (command.mode) {
    case 'help':
      print(USAGE);
      return 0;
    case 'file':
      return runReplay(command.file, command, { print, warn });
    case 'connect':
      return runLive(
        { ...command, url: checkServerUrl(command.url) },
        {
          print,
          warn,
          nowMs: () => performance.now(),
          onInterrupt(onStop) {
            process.on('SIGINT', onStop);
            return () => process.off('SIGINT', onStop);
          },
        },
      );
  }
}

async function main(argv: readonly string[]): Promise<number> {
  try {
    return await run(parseInspectArgs(argv));
  } catch (error) {
    if (error instanceof UsageError) {
      warn(`inspect: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof InspectError) {
      warn(`inspect: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
