import { DEFAULT_CONFIG, type ServerConfig } from '../config.js';
import { ManualClock } from '../loop/clock.js';
import { createLogger } from '../log.js';
import { ArenaRoom } from './arena-room.js';

/** An ArenaRoom on a manual clock with no loop running: tests call room.tick themselves. */
export function createTestRoom(overrides: Partial<ServerConfig> = {}): {
  room: ArenaRoom;
  clock: ManualClock;
  logs: string[];
} {
  const clock = new ManualClock(0);
  const logs: string[] = [];
  const room = new ArenaRoom({
    config: { ...DEFAULT_CONFIG, staticDir: '', ...overrides },
    clock,
    schedule: clock.schedule,
    log: createLogger('debug', (line) => logs.push(line)),
  });
  return { room, clock, logs };
}
