import { readFileSync } from 'node:fs';
import { isSimulating } from '@tickwire/protocol';
import type { LinkConditions } from '@tickwire/protocol';
import { loadStaticFiles } from './http/static-files.js';
import { sendIntervalTicks, type ServerConfig } from './config.js';
import { systemClock, systemSchedule } from './loop/clock.js';
import { errorFields, type Logger } from './log.js';
import type { Game } from './game/game.js';
import { CloseCode } from '@tickwire/protocol';
import { RoomDirectory } from './rooms/room-directory.js';
import { Gateway } from './rooms/gateway.js';
import { MemoryRegistry } from './cluster/memory-registry.js';
import { connectRedisRegistry } from './cluster/redis-registry.js';
import type { Registry } from './cluster/registry.js';
import { Heartbeat } from './cluster/heartbeat.js';
import { newProcessId } from './cluster/ids.js';
import { Matchmaker } from './matchmaking/matchmaker.js';
import { MatchApi, MATCH_PATH_PREFIX, MAX_BODY_BYTES } from './matchmaking/http-api.js';
import { createPlayerAuth } from './auth/player-auth.js';
import { RequestLimits } from './matchmaking/request-limits.js';
import { detectUwsBuild, startUwsServer } from './transport/uws.js';
import { refuseUwsFallback } from './process/uws-fallback-advice.js';
import { withSimulatedNetwork } from './transport/simulated-network.js';
import { ServerMetrics } from './metrics/prometheus.js';
import { formatOriginPolicy } from './net/origin-policy.js';
import { startAdminServer, type AdminServer } from './http/admin-server.js';
import { descriptorLimitWarning, readDescriptorLimit } from './net/descriptor-limit.js';
import { AcceptGuard, processDescriptors } from './net/accept-guard.js';
import { CollectAfterLeaves, lowMemoryCollector } from './memory/collect-after-leaves.js';

/**
 * After telling its players it restarts, a draining process keeps answering matchmaking at least
 * this long (within --drain-ms): their clients' first request for a new seat may come here.
 */
const DRAIN_HANDOFF_MS = 2000;
/** How often a draining process looks whether its connections are gone. */
const DRAIN_POLL_MS = 20;
/** Joins by a code that names no room one address may make a minute (guessing private rooms). */
const CODE_MISSES_PER_MINUTE = 20;

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
  /** This process in the registry (new on every start). */
  readonly processId: string;
  readonly rooms: RoomDirectory;
  /** Stops at once: every client is closed with ServerShutdown, the process leaves the registry. */
  stop(): Promise<void>;
  /**
   * A rolling restart: no new seats here, every player is told ServerRestarting (their clients go
   * back through matchmaking), and this resolves once all have gone or --drain-ms has passed,
   * after stop().
   */
  drain(): Promise<{ leftBehind: number }>;
}

/**
 * Wires the real parts together: the registry (in memory, or Redis), the rooms and their ticks,
 * the gateway every connection comes through, matchmaking, the uWS transport and the operator
 * port. `games` are the games this build can run, by name.
 */
export async function startServer(
  config: ServerConfig,
  log: Logger,
  games: ReadonlyMap<string, Game>,
): Promise<RunningServer> {
  if (!games.has(config.game)) {
    throw new Error(
      `unknown game "${config.game}": this build runs ${[...games.keys()].join(', ')}`,
    );
  }
  const build = detectUwsBuild();
  refuseUwsFallback(build, config.allowUwsFallback);
  log.info('uWebSockets.js loaded', { ...build });
  const descriptorLimit = readDescriptorLimit();
  const lowLimit = descriptorLimitWarning(descriptorLimit, config.maxConnections);
  if (lowLimit) log.warn(lowLimit.message, lowLimit.fields);
  if (build.kind === 'fallback') log.warn('running on the uWS fallback: expect far lower capacity');
  const auth = createPlayerAuth({
    secret: config.authSecret,
    jwksUrl: config.authJwksUrl,
    issuer: config.authIssuer,
    audience: config.authAudience,
  });

  if (auth && config.directJoin) {
    log.warn(
      'player authentication is on, and so are direct joins: a Hello without a seat joins the default room with no token checked',
      { fix: '--direct-join false' },
    );
  }
  const registry: Registry = config.redisUrl
    ? await connectRedisRegistry(config.redisUrl, { log })
    : new MemoryRegistry();
  const processId = newProcessId();
  const metrics = new ServerMetrics({
    version: serverVersion(),
    uwsBuild: `${build.packageName}@${build.packageVersion} (${build.kind})`,
  });
  const rooms = new RoomDirectory({
    config,
    games,
    clock: systemClock,
    schedule: systemSchedule,
    log,
    processId,
    tickTimings: (game) => metrics.tickTimings(game),
    onRoomStarted: (room) => metrics.addRoom(room),
    onRoomDisposed: (room) => metrics.removeRoom(room),
  });
  const defaultRoom = config.directJoin ? rooms.openDefault() : null;
  const startedAtMs = Date.now();
  const startedAtClockMs = systemClock.nowMs();
  /** Server time for a Ping before Hello when there is no default room: since the process started. */
  const processClock = {
    serverTimeMs: () => systemClock.nowMs() - startedAtClockMs,
    currentTick: 0,
  };
  const gateway = new Gateway({
    config,
    clock: systemClock,
    schedule: systemSchedule,
    log,
    rooms,
    seats: { claim: (seat) => registry.claimSeat(seat, processId) },
    pongSource: defaultRoom ?? processClock,
  });
  metrics.readConnectionsFrom(() => gateway.connectionCount);
  metrics.countKicksFrom(() => gateway.kicks);
  const staticFiles = config.staticDir === '' ? null : loadStaticFiles(config.staticDir);
  const link: LinkConditions = {
    latencyMs: config.simLatencyMs,
    jitterMs: config.simJitterMs,
    lossPercent: config.simLossPercent,
  };
  if (isSimulating(link)) {
    log.warn('simulating a bad network on every connection (testing only)', { ...link });
  }
  const health = (): unknown => ({
    status: isDraining ? 'draining' : 'ok',
    process: processId,
    registry: registry.kind,
    registryReachable: heartbeat.isRegistryReachable,
    game: config.game,
    tick: defaultRoom?.currentTick ?? null,
    rooms: rooms.size,
    players: rooms.playerCount,
    connections: gateway.connectionCount,
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
  const matchmaker = new Matchmaker({
    registry,
    games: [...games.keys()],
    defaultGame: config.game,
    maxPlayers: config.maxPlayers,
    maxRooms: config.maxRooms,
    seatTtlMs: config.seatTtlMs,
  });
  // Publishes this process once it listens (transport.port is read at the first beat).
  const heartbeat = new Heartbeat({
    registry,
    process: () => ({
      id: processId,
      publicUrl: config.publicUrl || null,
      port: transport.port,
      players: rooms.playerCount,
      rooms: rooms.size,
      publishedAtMs: Date.now(),
    }),
    rooms: () => rooms.records(),
    schedule: systemSchedule,
    log,
  });
  const api = new MatchApi({
    matchmaker,
    limits:
      config.matchRequestsPerSec === 0
        ? null
        : new RequestLimits({
            ratePerSec: config.matchRequestsPerSec,
            burst: config.matchRequestsPerSec * 3,
            missesPerMinute: CODE_MISSES_PER_MINUTE,
            nowMs: () => systemClock.nowMs(),
          }),
    auth,
    allowedOrigins: config.allowedOrigins,
    peerPorts: () => heartbeat.peerPorts,
    onError: (path, error) =>
      log.warn('matchmaking request failed', { path, ...errorFields(error) }),
    onAnswered: (endpoint, status) => metrics.countMatchRequest(endpoint, status),
  });
  const transport = await startUwsServer({
    host: config.host,
    port: config.port,
    handler: isSimulating(link)
      ? withSimulatedNetwork(gateway, link, systemClock, systemSchedule)
      : gateway,
    staticFiles,
    health,
    metrics: admin ? null : () => metrics.render(),
    onHttpError,
    maxPayloadBytes: config.maxPayloadBytes,
    maxBackpressureBytes: config.maxBackpressureBytes,
    idleTimeoutSeconds: config.idleTimeoutSeconds,
    allowedOrigins: config.allowedOrigins,
    peerPorts: () => heartbeat.peerPorts,
    api: {
      prefix: MATCH_PATH_PREFIX,
      maxBodyBytes: MAX_BODY_BYTES,
      answer: (request) => api.answer(request),
    },
  });
  await heartbeat.start();
  metrics.readRegistryFrom(() => heartbeat.isRegistryReachable);
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
  gateway.start();
  rooms.start();
  const collect = await lowMemoryCollector();
  const collector =
    collect &&
    new CollectAfterLeaves({
      connections: () => gateway.connectionCount,
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
    process: processId,
    registry: registry.kind,
    game: config.game,
    games: [...games.keys()],
    directJoin: config.directJoin,
    auth: auth?.kind ?? 'none',
    tickHz: config.tickHz,
    sendHz: config.tickHz / sendIntervalTicks(config),
    world: `${config.worldWidth}x${config.worldHeight}`,
    view: `${config.viewWidth}x${config.viewHeight}`,
    checksums: config.checksums,
    serving: config.staticDir || null,
    allowedOrigins: formatOriginPolicy(config.allowedOrigins),
  });

  let isDraining = false;
  let isStopped = false;
  const stop = async (): Promise<void> => {
    if (isStopped) return;
    isStopped = true;
    await heartbeat.stop();
    collector?.stop();
    gateway.stop();
    rooms.stop();
    rooms.closeAll(CloseCode.ServerShutdown, 'the server is shutting down');
    gateway.closeUnjoined(CloseCode.ServerShutdown, 'the server is shutting down');
    acceptGuard.stop();
    transport.stopListening();
    await Promise.allSettled([registry.withdraw(processId)]);
    await Promise.allSettled([registry.close(), admin?.close()]);
  };
  return {
    port: transport.port,
    adminPort: admin?.port ?? null,
    processId,
    rooms,
    stop,
    async drain() {
      if (isDraining || isStopped) return { leftBehind: 0 };
      isDraining = true;
      const reason = 'the server is restarting: find a game again through matchmaking';
      // Out of the registry first, so that no process hands out a seat here any more.
      await heartbeat.stop();
      try {
        await registry.withdraw(processId);
      } catch (error) {
        log.warn(
          'could not withdraw from the registry: its records expire instead',
          errorFields(error),
        );
      }
      try {
        const rehomed = await matchmaker.rehomePrivateRooms(rooms.records());
        if (rehomed > 0) log.info('private rooms opened again on other processes', { rehomed });
      } catch (error) {
        log.warn('could not move the private rooms', errorFields(error));
      }
      gateway.refuseJoins(reason);
      rooms.closeAll(CloseCode.ServerRestarting, reason);
      const nowMs = (): number => systemClock.nowMs();
      const toldAtMs = nowMs();
      const deadlineMs = toldAtMs + config.drainMs;
      // Matchmaking here keeps answering a little after the players were told: their clients ask
      // the server they know for a new seat at once, and may know only this one.
      const handoffUntilMs = Math.min(deadlineMs, toldAtMs + DRAIN_HANDOFF_MS);
      while ((gateway.connectionCount > 0 || nowMs() < handoffUntilMs) && nowMs() < deadlineMs) {
        await new Promise<void>((resolve) => systemSchedule(DRAIN_POLL_MS, resolve));
      }
      const leftBehind = gateway.connectionCount;
      await stop();
      return { leftBehind };
    },
  };
}
