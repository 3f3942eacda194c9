import { readFileSync } from 'node:fs';
import { isSimulating } from '@tickwire/protocol';
import type { LinkConditions } from '@tickwire/protocol';
import { loadStaticFiles } from './http/static-files.js';
import type { ServerConfig } from './config.js';
import { systemClock, systemSchedule } from './loop/clock.js';
import { errorFields, type Logger } from './log.js';
import type { Game } from './game/game.js';
import { Room } from './room/room.js';
import { detectUwsBuild, startUwsServer } from './transport/uws.js';
import { withSimulatedNetwork } from './transport/simulated-network.js';
import { ServerMetrics } from './metrics/prometheus.js';
import { formatOriginPolicy } from './net/origin-policy.js';
import { startAdminServer, type AdminServer } from './http/admin-server.js';
import { descriptorLimitWarning, readDescriptorLimit } from './net/descriptor-limit.js';
import { AcceptGuard, processDescriptors } from './net/accept-guard.js';
import { CollectAfterLeaves, lowMemoryCollector } from './memory/collect-after-leaves.js';

/** The server package's version (its package.json sits one level above src/ and dist/ alike). */
function serverVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export interface RunningServer {
  readonly port: number;
  /** The operator port (--admin-port), or null when there is none. */
  readonly adminPort: number | null;
  readonly room: Room;
  /** Stops the tick, closes every client with ServerShutdown and stops listening. */
  stop(): void;
}

/**
 * Wires the real parts together: uWS transport, a room of the configured game and its tick
 * loop. `games` are the games this build can run, by name.
 */
export async function startServer(
  config: ServerConfig,
  log: Logger,
  games: ReadonlyMap<string, Game>,
): Promise<RunningServer> {
  const game = games.get(config.game);
  if (!game) {
    throw new Error(
      `unknown game "${config.game}": this build runs ${[...games.keys()].join(', ')}`,
    );
  }
  const build = detectUwsBuild();
  if (build.kind === 'fallback' && !config.allowUwsFallback) {
    throw new Error(
      `uWebSockets.js loaded its slow ws-based fallback, not the native uWS core (${build.packageName}@${build.packageVersion}). ` +
        'Check that the package has a binary for this Node version and platform, or pass --allow-uws-fallback to run anyway.',
    );
  }
  log.info('uWebSockets.js loaded', { ...build });
  const descriptorLimit = readDescriptorLimit();
  const lowLimit = descriptorLimitWarning(descriptorLimit, config.maxConnections);
  if (lowLimit) log.warn(lowLimit.message, lowLimit.fields);
  if (build.kind === 'fallback') log.warn('running on the uWS fallback: expect far lower capacity');

  const metrics = new ServerMetrics({
    version: serverVersion(),
    uwsBuild: `${build.packageName}@${build.packageVersion} (${build.kind})`,
  });
  const room = new Room({
    config,
    game,
    clock: systemClock,
    schedule: systemSchedule,
    log,
    tickTimings: metrics.tickTimings(game.spec.name),
  });
  metrics.addRoom(room);
  const staticFiles = config.staticDir === '' ? null : loadStaticFiles(config.staticDir);
  const startedAtMs = Date.now();
  const link: LinkConditions = {
    latencyMs: config.simLatencyMs,
    jitterMs: config.simJitterMs,
    lossPercent: config.simLossPercent,
  };
  if (isSimulating(link)) {
    log.warn('simulating a bad network on every connection (testing only)', { ...link });
  }
  const health = (): unknown => ({
    status: 'ok',
    tick: room.currentTick,
    game: game.spec.name,
    players: room.playerCount,
    connections: room.sessionCount,
    uptimeMs: Date.now() - startedAtMs,
  });
  const onHttpError = (url: string, error: unknown): void =>
    log.error('HTTP handler failed', { url, ...errorFields(error) });
  // With an operator port, /metrics lives there only; /healthz stays on the game port too, for
  // the load balancer in front of it.
  const admin: AdminServer | null =
    config.adminPort === null
      ? null
      : await startAdminServer({
          host: config.adminHost || config.host,
          port: config.adminPort,
          health,
          metrics: () => metrics.render(),
          onError: onHttpError,
        });
  const transport = await startUwsServer({
    host: config.host,
    port: config.port,
    handler: isSimulating(link)
      ? withSimulatedNetwork(room, link, systemClock, systemSchedule)
      : room,
    staticFiles,
    health,
    metrics: admin ? null : () => metrics.render(),
    onHttpError,
    maxPayloadBytes: config.maxPayloadBytes,
    maxBackpressureBytes: config.maxBackpressureBytes,
    idleTimeoutSeconds: config.idleTimeoutSeconds,
    allowedOrigins: config.allowedOrigins,
  });
  metrics.countKicksFrom(() => transport.refusedByCode);
  const acceptGuard = new AcceptGuard({
    listening: { pause: transport.pauseAccepting, resume: transport.resumeAccepting },
    descriptors: processDescriptors(descriptorLimit),
    onPause: (pauseMs) =>
      log.warn('out of file descriptors: not accepting connections for a while', {
        pauseMs,
        descriptorLimit: descriptorLimit?.soft ?? null,
      }),
    onResume: (pausedMs) => log.info('accepting connections again', { pausedMs }),
  });
  metrics.readAcceptFrom(() => ({
    accepting: acceptGuard.isAccepting,
    pauses: acceptGuard.pauses,
  }));
  // Not on the ws-based fallback: closing its listener closes every connection.
  if (build.kind === 'native') acceptGuard.start();
  room.start();
  const collect = await lowMemoryCollector();
  const collector =
    collect &&
    new CollectAfterLeaves({
      connections: () => room.sessionCount,
      collect,
      clock: systemClock,
      schedule: systemSchedule,
      onCollected: ({ tookMs, ...counts }) =>
        log.info('collected garbage after connections left', {
          ...counts,
          tookMs: Math.round(tookMs * 10) / 10,
        }),
      onError: (error) => log.error('garbage collection failed', errorFields(error)),
    });
  if (!collector)
    log.warn('no inspector in this Node: memory may stay reserved after players leave');
  collector?.start();
  log.info('listening', {
    port: transport.port,
    url: `http://localhost:${transport.port}`,
    adminPort: admin?.port ?? null,
    game: game.spec.name,
    tickHz: config.tickHz,
    world: `${config.worldWidth}x${config.worldHeight}`,
    view: `${config.viewWidth}x${config.viewHeight}`,
    checksums: config.checksums,
    serving: config.staticDir || null,
    allowedOrigins: formatOriginPolicy(config.allowedOrigins),
  });
  return {
    port: transport.port,
    adminPort: admin?.port ?? null,
    room,
    stop() {
      room.stop();
      collector?.stop();
      room.closeAll('the server is shutting down');
      acceptGuard.stop();
      transport.stopListening();
      void admin?.close();
    },
  };
}
