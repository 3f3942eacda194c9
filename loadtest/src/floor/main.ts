// The floor as a process, run as the server is (node --conditions=source --import tsx):
//   loadtest/src/floor/main.ts --frame-bytes 70 [the server's flags]
// --frame-bytes is the floor's own; every other flag is the server's (parseConfig): the arena
// world and tick rate its Welcome and loop follow, and the server's uWS limits and skip threshold.
// Logs {"msg":"listening","port":P} when it listens (the spawners wait for it); stops on SIGTERM
// or SIGINT.
import { parseConfig, sendIntervalTicks } from '../../../server/src/config.js';
import { arenaWelcomes } from './arena-welcome.js';
import { startFloorServer } from './floor-server.js';

/** Splits `--frame-bytes N` (or `--frame-bytes=N`) off the server's flags. */
function splitFloorArgs(argv: readonly string[]): { frameBytes: number; rest: string[] } {
  const rest: string[] = [];
  let frameBytes: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--frame-bytes') frameBytes = argv[++i];
    else if (arg.startsWith('--frame-bytes=')) frameBytes = arg.slice('--frame-bytes='.length);
    else rest.push(arg);
  }
  if (frameBytes === undefined) throw new Error('the floor needs --frame-bytes N');
  return { frameBytes: Number(frameBytes), rest };
}

async function main(): Promise<void> {
  const { frameBytes, rest } = splitFloorArgs(process.argv.slice(2));
  const config = parseConfig(rest, process.env);
  const floor = await startFloorServer({
    host: config.host,
    port: config.port,
    tickHz: config.tickHz,
    sendIntervalTicks: sendIntervalTicks(config),
    frameBytes,
    maxCatchUpTicks: config.maxCatchUpTicks,
    maxPayloadBytes: config.maxPayloadBytes,
    maxBackpressureBytes: config.maxBackpressureBytes,
    idleTimeoutSeconds: config.idleTimeoutSeconds,
    snapshotSkipBytes: config.snapshotSkipBytes,
    game: config.game,
    welcome: arenaWelcomes(config),
  });
  process.stdout.write(
    JSON.stringify({ msg: 'listening', port: floor.port, frameBytes, tickHz: config.tickHz }) +
      '\n',
  );
  const stop = (): void => {
    floor.stop();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(JSON.stringify({ msg: 'failed to start', error: String(error) }) + '\n');
  process.exit(1);
});
