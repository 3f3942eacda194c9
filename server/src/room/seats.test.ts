import { describe, expect, it } from 'vitest';
import { CloseCode, MessageId } from '@tickwire/protocol';
import { testGame } from '../game/test-game.js';
import { TestPeer, createTestRoom } from './test-support.js';

// Players kept for a resume (issue 10, defect 3): one address cannot keep many, and none of them
// keeps a newcomer out of a full room.

function joinAll(peers: TestPeer[], room: { tick(t: number): void }, tick: number): void {
  for (const p of peers) p.hello('p');
  room.tick(tick);
  for (const p of peers) p.messages();
}

describe('seats held for a resume', () => {
  it('keeps at most maxDetachedPerIp dropped players per address; the next are removed at once', () => {
    const { room } = createTestRoom(testGame, { maxDetachedPerIp: 3, maxPlayers: 100 });
    const ours = Array.from({ length: 5 }, () => new TestPeer(room, '198.51.100.1'));
    const theirs = new TestPeer(room, '203.0.113.1');
    joinAll([...ours, theirs], room, 1);
    expect(room.playerCount).toBe(6);
    for (const p of ours) p.connection.drop();
    theirs.connection.drop();
    room.tick(2);
    expect(room.detachedPlayerCount).toBe(4);
    expect(room.playerCount).toBe(4);
    // The first three of ours resume; another address's player was kept too.
    const back = new TestPeer(room, '198.51.100.1');
    back.hello('p', ours[0]?.welcome?.resumeToken ?? null);
    room.tick(3);
    expect(back.messages()[0]?.message).toMatchObject({ playerId: ours[0]?.playerId });
    // A resumed player frees its address's place: its next drop is kept again.
    expect(room.detachedPlayerCount).toBe(3);
    const late = new TestPeer(room, '198.51.100.1');
    late.hello('p', ours[4]?.welcome?.resumeToken ?? null);
    room.tick(4);
    expect(late.messages()[0]?.message).not.toMatchObject({ playerId: ours[4]?.playerId });
  });

  it('gives a newcomer the seat of the player that has waited longest when the room is full of them', () => {
    const { room } = createTestRoom(testGame, { maxPlayers: 3, maxDetachedPerIp: 10 });
    const ghosts = Array.from({ length: 3 }, () => new TestPeer(room, '198.51.100.1'));
    for (const [i, g] of ghosts.entries()) {
      g.hello('ghost');
      room.tick(1 + i);
      g.messages();
      g.connection.drop();
    }
    room.tick(4);
    expect(room.detachedPlayerCount).toBe(3);
    const newcomer = new TestPeer(room, '203.0.113.1');
    newcomer.hello('newcomer');
    room.tick(5);
    expect(newcomer.connection.isOpen).toBe(true);
    expect(newcomer.messages()[0]?.id).toBe(MessageId.Welcome);
    expect(room.playerCount).toBe(3);
    expect(room.detachedPlayerCount).toBe(2);
    // The oldest was given up: its token now starts a new player, which finds the room full
    // of two kept players and one playing, so it takes the next oldest's seat.
    const first = new TestPeer(room, '198.51.100.1');
    first.hello('ghost', ghosts[0]?.welcome?.resumeToken ?? null);
    room.tick(6);
    expect(first.messages()[0]?.message).not.toMatchObject({ playerId: ghosts[0]?.playerId });
    // The newest kept player can still resume.
    const last = new TestPeer(room, '198.51.100.1');
    last.hello('ghost', ghosts[2]?.welcome?.resumeToken ?? null);
    room.tick(7);
    expect(last.messages()[0]?.message).toMatchObject({ playerId: ghosts[2]?.playerId });
  });

  it('still answers RoomFull when every seat is played', () => {
    const { room } = createTestRoom(testGame, { maxPlayers: 2 });
    const players = [new TestPeer(room, '192.0.2.1'), new TestPeer(room, '192.0.2.2')];
    joinAll(players, room, 1);
    const newcomer = new TestPeer(room, '192.0.2.3');
    newcomer.hello('late');
    room.tick(2);
    expect(newcomer.connection.closeCode).toBe(CloseCode.RoomFull);
  });
});
