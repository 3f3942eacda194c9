import type { ServerConfig } from '../config.js';
import type { ArenaRoom } from '../room/arena-room.js';

/** Body of GET /metrics: what an operator (or the benchmark) needs to see the server's health. */
export function collectMetrics(room: ArenaRoom, config: ServerConfig): Record<string, unknown> {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  return {
    tick: room.currentTick,
    serverTimeMs: room.serverTimeMs(),
    tickHz: config.tickHz,
    players: room.world.players.size,
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
