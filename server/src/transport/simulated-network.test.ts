import { describe, expect, it } from 'vitest';
import { ManualClock } from '../loop/clock.js';
import { MemoryConnection } from './memory.js';
import { withSimulatedNetwork } from './simulated-network.js';
import type { Connection, ConnectionHandler } from './types.js';

/** The room's side: records what arrives and when, and can send back. */
function recorder(clock: ManualClock) {
  const events: string[] = [];
  let connection: Connection | null = null;
  const handler: ConnectionHandler = {
    onOpen: (c) => {
      connection = c;
      events.push(`open@${clock.nowMs()}`);
    },
    onMessage: (_c, frame) => events.push(`msg ${frame.join(',')}@${clock.nowMs()}`),
    onClose: (_c, code) => events.push(`close ${code}@${clock.nowMs()}`),
  };
  return {
    events,
    handler,
    get connection(): Connection {
      if (!connection) throw new Error('not open');
      return connection;
    },
  };
}

const conditions = { latencyMs: 100, jitterMs: 0, lossPercent: 0 };

describe('withSimulatedNetwork', () => {
  it('delays client frames by the latency, in order, and copies them', () => {
    const clock = new ManualClock(0);
    const room = recorder(clock);
    const socket = new MemoryConnection(
      withSimulatedNetwork(room.handler, conditions, clock, clock.schedule),
    );
    const frame = Uint8Array.of(1, 2);
    socket.deliver(frame);
    frame[0] = 9; // the transport reuses its buffer after the callback
    clock.advance(50);
    socket.deliver(Uint8Array.of(3));
    clock.advance(49);
    expect(room.events).toEqual(['open@0']);
    clock.advance(200);
    expect(room.events).toEqual(['open@0', 'msg 1,2@100', 'msg 3@150']);
  });

  it('delays server frames, counts them as buffered, and closes after them', () => {
    const clock = new ManualClock(0);
    const room = recorder(clock);
    const socket = new MemoryConnection(
      withSimulatedNetwork(room.handler, conditions, clock, clock.schedule),
    );
    const out = Uint8Array.of(7, 7, 7);
    room.connection.send(out);
    out[0] = 0;
    expect(room.connection.bufferedBytes()).toBe(3);
    room.connection.close(4006, 'too slow');
    expect(room.connection.isOpen).toBe(false);
    expect(socket.outbox).toEqual([]);
    expect(socket.closeCode).toBeNull();
    clock.advance(100);
    expect(socket.outbox).toEqual([Uint8Array.of(7, 7, 7)]);
    expect(socket.closeCode).toBe(4006);
    expect(room.connection.bufferedBytes()).toBe(0);
    // The room hears of the close after the close frame's own trip back.
    expect(room.events).toEqual(['open@0']);
    clock.advance(100);
    expect(room.events).toEqual(['open@0', 'close 4006@200']);
  });
});
