// Run as a child process under a small `ulimit -n` by fd-exhaustion.test.ts: uses up every file
// descriptor, then renders the Prometheus metrics of a room, as GET /metrics would at that moment.
// Prints one JSON line: whether it rendered, and whether the process really was at its limit.
import { openSync } from 'node:fs';
import { testGame } from '../../src/game/test-game.js';
import { ServerMetrics } from '../../src/metrics/prometheus.js';
import { processDescriptors } from '../../src/net/accept-guard.js';
import { createTestRoom } from '../../src/room/test-support.js';

const metrics = new ServerMetrics({ version: 'test', uwsBuild: 'none' });
const { room } = createTestRoom(testGame, {}, metrics.tickTimings(testGame.spec.name));
metrics.addRoom(room);
room.tick(1);

const held: number[] = [];
for (;;) {
  try {
    held.push(openSync('/dev/null', 'r'));
  } catch {
    break;
  }
}
const atLimit = processDescriptors(null).open() === null;
let result: Record<string, unknown>;
try {
  const { body } = await metrics.render();
  result = { atLimit, rendered: true, hasTicks: body.includes('tickwire_ticks_total') };
} catch (error) {
  result = { atLimit, rendered: false, error: String(error) };
}
process.stdout.write(JSON.stringify(result) + '\n');
process.exit(0);
