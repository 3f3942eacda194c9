import { describe, expect, it } from 'vitest';
import { CloseCode } from '@tickwire/protocol';
import { testGame } from '../game/test-game.js';
import { TestPeer, createTestRoom } from './test-support.js';

// The connection limits (issue 10, defect 4) on the in-memory transport: a connection over a cap
// is closed by the gateway right after it opens, before it reaches a room.

describe('connection limits', () => {
  it('closes a connection over the per-address cap with TooManyConnectionsFromAddress; other addresses still connect', () => {
    const { room, gateway } = createTestRoom(testGame, { maxConnectionsPerIp: 3 });
    const ours = Array.from({ length: 5 }, () => new TestPeer(room, '198.51.100.1'));
    expect(ours.map((p) => p.connection.closeCode)).toEqual([
      null,
      null,
      null,
      CloseCode.TooManyConnectionsFromAddress,
      CloseCode.TooManyConnectionsFromAddress,
    ]);
    expect(gateway.connectionCount).toBe(3);
    // Kick first, then the close frame, as for every close the server means.
    expect(ours[3]?.messages()[0]?.message).toMatchObject({
      closeCode: CloseCode.TooManyConnectionsFromAddress,
    });
    const other = new TestPeer(room, '203.0.113.9');
    other.hello('other');
    room.tick(1);
    expect(other.connection.isOpen).toBe(true);
    expect(other.welcome ?? other.messages()[0]?.id).toBeTruthy();
    // A closed connection frees its place.
    ours[0]?.connection.hangUp();
    expect(new TestPeer(room, '198.51.100.1').connection.isOpen).toBe(true);
  });

  it('counts an IPv6 client by its /64', () => {
    const { room } = createTestRoom(testGame, { maxConnectionsPerIp: 2 });
    const a = new TestPeer(room, '2001:db8:0:1::1');
    const b = new TestPeer(room, '2001:db8:0:1::2');
    const c = new TestPeer(room, '2001:db8:0:1:ffff::3');
    const elsewhere = new TestPeer(room, '2001:db8:0:2::1');
    expect([a, b, c, elsewhere].map((p) => p.connection.closeCode)).toEqual([
      null,
      null,
      CloseCode.TooManyConnectionsFromAddress,
      null,
    ]);
  });

  it('closes a connection over the total cap with TooManyConnections', () => {
    const { room } = createTestRoom(testGame, { maxConnections: 4 });
    const peers = Array.from({ length: 6 }, (_, i) => new TestPeer(room, `192.0.2.${i}`));
    expect(peers.map((p) => p.connection.closeCode)).toEqual([
      null,
      null,
      null,
      null,
      CloseCode.TooManyConnections,
      CloseCode.TooManyConnections,
    ]);
    peers[1]?.connection.drop();
    expect(new TestPeer(room, '192.0.2.99').connection.isOpen).toBe(true);
  });

  it('over the Hello-less cap, closes the connection that waited longest, never a newcomer or a player', () => {
    const { room, gateway } = createTestRoom(testGame, { maxPendingConnections: 3 });
    const player = new TestPeer(room, '203.0.113.1');
    player.hello('player');
    room.tick(1);
    const idle = Array.from({ length: 3 }, () => new TestPeer(room, '198.51.100.1'));
    expect(idle.every((p) => p.connection.isOpen)).toBe(true);
    const newcomer = new TestPeer(room, '203.0.113.2');
    expect(idle[0]?.connection.closeCode).toBe(CloseCode.TooManyConnections);
    expect(newcomer.connection.isOpen).toBe(true);
    newcomer.hello('newcomer');
    room.tick(2);
    expect(newcomer.welcome ?? newcomer.messages()[0]).toBeTruthy();
    expect(player.connection.isOpen).toBe(true);
    // The newcomer sent its Hello: another idle connection fits again.
    new TestPeer(room, '198.51.100.1');
    expect(idle.slice(1).every((p) => p.connection.isOpen)).toBe(true);
    expect(gateway.kicks[CloseCode.TooManyConnections]).toBe(1);
  });
});
