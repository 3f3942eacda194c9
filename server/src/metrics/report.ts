import { getHeapStatistics } from 'node:v8';
import type { ServerConfig } from '../config.js';
import type { Room } from '../room/room.js';

/** Body of GET /metrics: what an operator (or the benchmark) needs to see the server's health. */
export function collectMetrics(room: Room, config: ServerConfig): Record<string, unknown> {
  const cpu = process.cpuUsage();
  const memory = readMemory();
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
    rssBytes: memory.rssBytes,
    heapUsedBytes: memory.heapUsedBytes,
    ...(memory.unreadable ? { unreadable: memory.unreadable } : {}),
  };
}

interface MemoryReading {
  /** null when it could not be read (see `unreadable`). */
  rssBytes: number | null;
  heapUsedBytes: number;
  /** What could not be read, and why (e.g. rssBytes: "EMFILE ..."). */
  unreadable?: Record<string, string>;
}

/**
 * Memory figures that can be read with every descriptor in use. Resident set size comes from
 * /proc/self/stat on Linux: process.memoryUsage() and process.memoryUsage.rss() both THROW
 * EMFILE when the process is out of descriptors (issue 10, defect 1), which is exactly when an
 * operator looks. The heap figure comes from V8, which opens no file.
 */
function readMemory(): MemoryReading {
  const heapUsedBytes = getHeapStatistics().used_heap_size;
  try {
    return { rssBytes: process.memoryUsage.rss(), heapUsedBytes };
  } catch (error) {
    return { rssBytes: null, heapUsedBytes, unreadable: { rssBytes: describeError(error) } };
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
