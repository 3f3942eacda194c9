import type { ServerConfig } from '../config.js';
import type { Room } from '../room/room.js';

/** Body of GET /metrics: what an operator (or the benchmark) needs to see the server's health. */
export function collectMetrics(room: Room, config: ServerConfig): Record<string, unknown> {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  return {
    tick: room.currentTick,
    serverTimeMs: room.serverTimeMs(),
    tickHz: config.tickHz,
    game: room.schema.game,
    players: room.playerCount,
    connections: room.sessionCount,
    detachedPlayers: room.detachedPlayerCount,
    loop: { ...room.loopStats },
    tickMs: {
      p50: room.tickDurationsMs.percentile(50),
      p99: room.tickDurationsMs.percentile(99),
      max: room.tickDurationsMs.percentile(100),
    },
    tickIntervalMs: {
      p50: room.tickIntervalsMs.percentile(50),
      p99: room.tickIntervalsMs.percentile(99),
    },
    counters: room.counters,
    sendBuffers: room.sendBufferStats(),
    cpuMicros: { user: cpu.user, system: cpu.system },
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
  };
}
