import { describe, expect, it } from 'vitest';
import {
  CloseCode,
  MAX_WIRE_POSITION,
  MessageId,
  type Controls,
  type Snapshot,
} from '@tickwire/protocol';
import { DEFAULT_CONFIG } from '../../server/src/config.js';
import type { Room } from '../../server/src/room/room.js';
import { ReplicaPeer, TestPeer, createTestRoom } from '../../server/src/room/test-support.js';
import type { Entity, World } from '../../server/src/sim/world.js';
import { bruteForceView } from '../../server/src/sync/sync-harness.js';
import { stars } from './server.js';
import { CLICK, GLIDE, type StarsCursor, type StarsSpec, type StarsStar } from './shared.js';

// The stars game on the engine's Room, on the in-memory transport: gliding cursors, clicks that
// collect stars, sparks that leave on their own. Every client applies every snapshot to a
// replica (a checksum mismatch throws) that must equal the world by brute force.

/** At 30 Hz: 600 units/s is 80 wire units per tick; a reach of 40 units is 160 wire units. */
const SPEED = 80;
const REACH = 160;
const SPARK_TICKS = 20;

const STILL: Controls = { buttons: 0 };
const glideTo = (x: number, y: number, buttons = 0): Controls => ({
  targetX: x,
  targetY: y,
  buttons: GLIDE | buttons,
});

function cursorIn(room: Room<StarsSpec>, id: number): StarsCursor {
  const e = room.world.byId[id];
  if (e?.kind !== 'cursor') throw new Error(`no cursor ${id} in the world`);
  return e as unknown as StarsCursor;
}

/**
 * A 1000 x 1000 world (16 stars) with clients `names`: the first one's cursor is put at (2000,
 * 2000) wire units, in the middle, and stays there until told otherwise; the others below it.
 */
function starsRoom(names: readonly string[] = ['ann', 'bob']) {
  const { room } = createTestRoom(stars, { checksums: true, worldWidth: 1000, worldHeight: 1000 });
  const peers = names.map((name) => {
    const peer = new ReplicaPeer(room);
    peer.hello(name);
    return peer;
  });
  room.tick(1);
  for (const peer of peers) peer.read();
  const [first] = peers;
  if (!first) throw new Error('no clients');
  // The others 150 units below: in every view, out of reach of the first one's clicks.
  peers.forEach((peer, i) => {
    const other = cursorIn(room, peer.playerId);
    other.x = 2000;
    other.y = 2000 + 600 * Math.sign(i);
  });
  const cursor = cursorIn(room, first.playerId);
  let tick = 1;
  const removedIds: number[] = [];
  /**
   * One tick: the first client sends `controls` (the others hold still), everyone reads, and
   * each replica must equal the world around its cursor by brute force.
   */
  const step = (controls: Controls = STILL): number => {
    peers.forEach((peer, i) => peer.input(i === 0 ? controls : STILL));
    room.tick(++tick);
    for (const peer of peers) {
      const [snapshot] = peer.read();
      if (!snapshot) throw new Error(`no snapshot at tick ${tick}`);
      removedIds.push(...snapshot.removed);
      const self = room.world.byId[peer.playerId] as Entity;
      const expected = bruteForceView(
        room.world as World,
        self,
        DEFAULT_CONFIG.viewWidth,
        DEFAULT_CONFIG.viewHeight,
        tick,
      );
      expect(new Map(peer.replica?.latest?.entities)).toEqual(expected);
    }
    return tick;
  };
  /**
   * Removes every star, puts stars worth `points` at the given offsets from the first cursor
   * (at the next tick, as the game's step would), and runs that tick with the first client
   * holding `held`: every client sees them.
   */
  const setStars = (
    list: readonly { dx: number; dy: number; points: number }[],
    held: Controls = STILL,
  ): StarsStar[] => {
    const next = tick + 1;
    for (const star of [...room.world.all('star')]) room.world.remove(star, next);
    const spawned = list.map(({ dx, dy, points }) => {
      const star = room.world.spawn('star', { x: cursor.x + dx, y: cursor.y + dy, points }, next);
      if (!star) throw new Error('no id for a star');
      return star;
    });
    step(held);
    return spawned;
  };
  const sparks = () => [...room.world.all('spark')];
  return { room, peers, first, cursor, step, setStars, sparks, removedIds };
}

describe('stars: the declaration on the wire', () => {
  it("welcomes with the stars schema: its kinds, input and constants at the server's tick rate", () => {
    const { room } = createTestRoom(stars, { worldWidth: 1000, worldHeight: 1000 });
    const c = new TestPeer(room);
    c.hello('ann');
    room.tick(1);
    const [welcome] = c.messages();
    if (welcome?.id !== MessageId.Welcome) throw new Error('no Welcome');
    const { schema } = welcome.message;
    expect(schema.game).toBe('stars');
    expect(schema.kinds.map((k) => k.name)).toEqual(['cursor', 'star', 'spark']);
    expect(schema.kindByName.get('star')?.isStatic).toBe(true);
    expect(schema.kindByName.get('spark')?.lifetimeTicks).toBe(SPARK_TICKS);
    expect(schema.input.map((f) => f.name)).toEqual(['targetX', 'targetY', 'buttons']);
    expect(schema.idleControls).toEqual({ targetX: 0, targetY: 0, buttons: 0 });
    expect(schema.constants).toEqual({ cursorSpeed: SPEED, reach: REACH, hues: 12 });
  });

  it('starts with one star per 250 x 250 units, each worth 1 to 3 points', () => {
    const { room } = createTestRoom(stars, { worldWidth: 1000, worldHeight: 1000 });
    const all = [...room.world.all('star')];
    expect(all).toHaveLength(16);
    for (const star of all) expect([1, 2, 3]).toContain(star.points);
    expect(new Set(all.map((s) => s.points)).size).toBeGreaterThan(1);
  });

  it('gives each cursor its name, a score of 0 and the next hue', () => {
    const { room, peers } = starsRoom(['ann', 'bob', 'cy']);
    expect(peers.map((p) => cursorIn(room, p.playerId))).toMatchObject([
      { name: 'ann', hue: 0, score: 0 },
      { name: 'bob', hue: 1, score: 0 },
      { name: 'cy', hue: 2, score: 0 },
    ]);
  });
});

describe('stars: cursors glide', () => {
  it('glides towards its target at cursorSpeed on each axis, and stops there', () => {
    const { cursor, step, peers } = starsRoom();
    const [ann, bob] = peers;
    const target = { x: 2000 + 5 * SPEED + 30, y: 2000 - 2 * SPEED - 10 };
    const path: { x: number; y: number }[] = [];
    for (let i = 0; i < 8; i++) {
      step(glideTo(target.x, target.y));
      path.push({ x: cursor.x, y: cursor.y });
    }
    expect(path).toEqual([
      { x: 2080, y: 1920 },
      { x: 2160, y: 1840 },
      { x: 2240, y: 1830 },
      { x: 2320, y: 1830 },
      { x: 2400, y: 1830 },
      { x: 2430, y: 1830 },
      { x: 2430, y: 1830 },
      { x: 2430, y: 1830 },
    ]);
    // Both clients see it where it is (the step checks whole views; this names the cursor).
    expect(bob?.entity(cursor.id)).toMatchObject({ x: 2430, y: 1830 });
    expect(ann?.entity(cursor.id)).toMatchObject({ x: 2430, y: 1830 });
    // Standing still costs nothing: no update of it once it is there.
    const updated = (s: Snapshot | undefined) => s?.updated.map((u) => u.id) ?? [];
    expect(updated(bob?.applied.at(-1))).not.toContain(cursor.id);
    expect(updated(bob?.applied.at(-3))).toContain(cursor.id);
  });

  it('clamps targets to the world', () => {
    const { cursor, step } = starsRoom();
    for (let i = 0; i < 40; i++) step(glideTo(MAX_WIRE_POSITION, MAX_WIRE_POSITION));
    expect({ x: cursor.x, y: cursor.y }).toEqual({ x: 4000, y: 4000 });
    for (let i = 0; i < 60; i++) step(glideTo(0, 0));
    expect({ x: cursor.x, y: cursor.y }).toEqual({ x: 0, y: 0 });
  });

  it('stays where it is without glide: the idle input does not send it to target (0, 0)', () => {
    const { room, cursor, step, first } = starsRoom(['ann', 'bob']);
    step(glideTo(3000, 3000));
    step(glideTo(3000, 3000));
    expect({ x: cursor.x, y: cursor.y }).toEqual({ x: 2160, y: 2160 });
    step(STILL);
    step(STILL);
    expect({ x: cursor.x, y: cursor.y }).toEqual({ x: 2160, y: 2160 });
    // A client that is away holds every control at its default while its cursor waits for it.
    let tick = step(glideTo(3000, 3000));
    first.connection.drop();
    for (let i = 0; i < 10; i++) room.tick(++tick);
    expect({ x: cursor.x, y: cursor.y }).toEqual({ x: 2240, y: 2240 });
    expect(room.detachedPlayerCount).toBe(1);
  });
});

describe('stars: clicks', () => {
  it('a click collects the stars within reach: score, star replaced elsewhere, a spark for all', () => {
    const { room, cursor, step, setStars, sparks, peers } = starsRoom();
    const [near, edge, far] = setStars([
      { dx: 100, dy: 50, points: 3 },
      { dx: 0, dy: -REACH, points: 2 },
      { dx: 120, dy: 120, points: 1 }, // 170 away: out of reach, though inside the square
    ]);
    if (!near || !edge || !far) throw new Error('stars not spawned');
    const tick = step({ buttons: CLICK });
    expect(cursor.score).toBe(5);
    expect(room.world.has(near)).toBe(false);
    expect(room.world.has(edge)).toBe(false);
    expect(room.world.has(far)).toBe(true);
    // Each collected star is replaced by a new one: the count holds.
    const now = [...room.world.all('star')];
    expect(now).toHaveLength(3);
    expect(now.map((s) => s.id)).not.toContain(near.id);
    expect(now.map((s) => s.id)).not.toContain(edge.id);
    const [spark] = sparks();
    expect(spark).toMatchObject({ x: 2000, y: 2000, owner: cursor.id, points: 5 });
    expect(room.world.expiresTicks[spark?.id ?? 0]).toBe(tick + SPARK_TICKS);
    for (const peer of peers) {
      expect(peer.entity(cursor.id)).toMatchObject({ score: 5 });
      expect(peer.entity(spark?.id ?? -1)).toMatchObject({
        kind: 'spark',
        owner: cursor.id,
        points: 5,
        ticksLeft: SPARK_TICKS,
      });
      expect(peer.applied.at(-1)?.removed).toEqual(expect.arrayContaining([near.id, edge.id]));
    }
  });

  it('collects once per press: holding the button does not collect again', () => {
    const { cursor, step, setStars, sparks } = starsRoom();
    setStars([{ dx: 10, dy: 0, points: 2 }]);
    step({ buttons: CLICK });
    expect(cursor.score).toBe(2);
    expect(sparks()).toHaveLength(1);
    setStars([{ dx: -10, dy: 0, points: 3 }], { buttons: CLICK });
    for (let i = 0; i < 5; i++) step({ buttons: CLICK });
    expect(cursor.score).toBe(2);
    expect(sparks()).toHaveLength(1);
    step(STILL);
    step({ buttons: CLICK });
    expect(cursor.score).toBe(5);
    expect(sparks()).toHaveLength(2);
  });

  it('collects while gliding, where the cursor is after its move', () => {
    const { cursor, step, setStars } = starsRoom();
    setStars([{ dx: 2 * SPEED + REACH, dy: 0, points: 1 }]);
    step(glideTo(3000, 2000));
    step(glideTo(3000, 2000, CLICK));
    expect(cursor.x).toBe(2000 + 2 * SPEED);
    expect(cursor.score).toBe(1);
  });

  it('a miss leaves a spark worth 0 points, and no score', () => {
    const { cursor, step, setStars, sparks, peers } = starsRoom();
    setStars([{ dx: REACH + 1, dy: 0, points: 3 }]);
    step({ buttons: CLICK });
    expect(cursor.score).toBe(0);
    const [spark] = sparks();
    expect(spark).toMatchObject({ owner: cursor.id, points: 0 });
    expect(peers[1]?.entity(spark?.id ?? -1)).toMatchObject({ kind: 'spark', points: 0 });
  });

  it('a spark leaves every view after 20 ticks without a removal message', () => {
    const { room, step, sparks, peers, removedIds } = starsRoom();
    step({ buttons: CLICK });
    const [spark] = sparks();
    if (!spark) throw new Error('no spark');
    const ticksLeft: (number | string | null)[] = [];
    for (let i = 1; i < SPARK_TICKS; i++) {
      step();
      for (const peer of peers) {
        const seen = peer.entity(spark.id);
        expect(seen?.ticksLeft).toBe(SPARK_TICKS - i);
      }
      ticksLeft.push(peers[1]?.entity(spark.id)?.ticksLeft ?? null);
    }
    expect(ticksLeft).toEqual(
      Array.from({ length: SPARK_TICKS - 1 }, (_, i) => SPARK_TICKS - 1 - i),
    );
    step();
    expect(room.world.has(spark)).toBe(false);
    for (const peer of peers) expect(peer.entity(spark.id)).toBeUndefined();
    expect(removedIds).not.toContain(spark.id);
  });
});

describe('stars: inputs out of range', () => {
  it.each<[string, Controls]>([
    ['targetX', { targetX: MAX_WIRE_POSITION + 1, targetY: 0, buttons: 0 }],
    ['targetX', { targetX: -1, targetY: 0, buttons: 0 }],
    ['targetY', { targetX: 0, targetY: MAX_WIRE_POSITION + 1, buttons: 0 }],
    // Only bits 0 (click) and 1 (glide) are named: the others MUST be 0.
    ['buttons', { targetX: 0, targetY: 0, buttons: 4 }],
  ])('closes an Input with %s out of the schema range with 4000 naming it', (field, controls) => {
    const { room } = createTestRoom(stars, { worldWidth: 1000, worldHeight: 1000 });
    const c = new TestPeer(room);
    c.hello();
    room.tick(1);
    c.messages();
    c.input(controls, 1);
    expect(c.connection.closeCode).toBe(CloseCode.MalformedFrame);
    expect(c.connection.closeReason).toMatch(new RegExp(`Input\\.${field}\\b`));
    const [kick] = c.messages();
    expect(kick).toMatchObject({ id: MessageId.Kick, message: { closeCode: 4000 } });
  });
});
