import { describe, expect, it } from 'vitest';
import { MessageId, Replica, type Snapshot } from '@tickwire/protocol';
import { testGame, type TestShip } from '../game/test-game.js';
import { TestPeer, createTestGame, createTestRoom } from '../room/test-support.js';

/** A room of the test game with one client whose every snapshot goes through a Replica. */
function playing() {
  const { room, logs } = createTestRoom(testGame, { pelletCount: 0, checksums: true });
  const peer = new TestPeer(room);
  peer.hello('ann');
  room.tick(1);
  let replica: Replica | null = null;
  const applied: Snapshot[] = [];
  const read = (): void => {
    for (const m of peer.messages()) {
      if (m.id === MessageId.Welcome) {
        const { schema, worldWidth, worldHeight } = m.message;
        replica = new Replica({ schema, worldWidth, worldHeight });
      } else if (m.id === MessageId.Snapshot) {
        // Throws on a value the decoder refuses or a checksum that does not match.
        replica?.apply(m.message);
        applied.push(m.message);
      }
    }
  };
  read();
  const ship = room.world.byId[peer.playerId] as TestShip;
  return { room, logs, peer, ship, read, applied, replica: () => replica };
}

describe('EntityState', () => {
  it('finds what changed by comparing with the previous tick: extrapolated motion costs nothing', () => {
    const game = createTestGame(testGame, { pelletCount: 0 });
    const ship = game.logic.join('a', 1) as TestShip;
    game.step(1);
    const groupBit = (name: string): number => game.schema.groups.findIndex((g) => g.name === name);
    const changedAt = (tick: number, group: string): boolean =>
      (game.state.changes.changedSince(ship.id, tick - 1) & (1 << groupBit(group))) !== 0;
    ship.vx = 10;
    game.step(2);
    expect(changedAt(2, 'motion')).toBe(true);
    game.step(3); // moves by its velocity: both sides extrapolate it
    expect(changedAt(3, 'motion')).toBe(false);
    ship.x += 100; // a teleport
    game.step(4);
    expect(changedAt(4, 'motion')).toBe(true);
    ship.hp -= 1;
    ship.label = 'x';
    game.step(5);
    expect([changedAt(5, 'stats'), changedAt(5, 'label'), changedAt(5, 'motion')]).toEqual([
      true,
      true,
      false,
    ]);
    expect(game.problems).toEqual([]);
  });

  it('a constant written after spawn gets its value back and is reported; clients stay in sync', () => {
    const { room, logs, ship, read, applied } = playing();
    ship.name = 'renamed';
    room.tick(2);
    read();
    expect(ship.name).toBe('ann');
    expect(applied.length).toBe(2);
    const problems = logs.filter((l) => l.includes('does not allow'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /ship\.name: constant, but changed from \\"ann\\" to \\"renamed\\"/,
    );
  });

  it('a value outside its range is clamped and reported once per field; clients decode every snapshot', () => {
    const { room, logs, ship, read, applied, replica } = playing();
    ship.hp = -3;
    ship.heading = 300;
    ship.label = 'much too long';
    room.tick(2);
    ship.hp = 999;
    ship.vx = 1.6;
    room.tick(3);
    read();
    expect(applied.map((s) => s.tick)).toEqual([1, 2, 3]);
    expect([ship.hp, ship.heading, ship.label, ship.vx]).toEqual([255, 255, 'much too', 2]);
    expect(replica()?.latest?.entities.get(ship.id)).toMatchObject({
      hp: 255,
      heading: 255,
      label: 'much too',
      vx: 2,
    });
    const problems = logs.filter((l) => l.includes('does not allow')).map((l) => JSON.parse(l));
    // A fractional velocity moved x off the integers too before the commit saw it.
    expect(problems.map((p) => p.field)).toEqual([
      'ship.hp',
      'ship.heading',
      'ship.label',
      'ship.x',
      'ship.vx',
    ]);
    expect(problems[0].problem).toBe('ship.hp: -3 is not an integer in 0..255: kept 0');
  });

  it('checks values at spawn too', () => {
    const game = createTestGame(testGame, { pelletCount: 0 });
    const rock = game.world.spawn('rock', { x: 10, y: 10, size: 1000 }, 1);
    const beacon = game.world.spawn('beacon', { x: 10, y: 10, level: -9 }, 1);
    expect([rock?.size, beacon?.level]).toEqual([255, -5]);
    expect(game.problems).toEqual([
      'rock.size: 1000 is not an integer in 0..255: kept 255',
      'beacon.level: -9 is not an integer in -5..5: kept -5',
    ]);
  });
});
