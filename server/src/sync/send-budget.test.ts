import { describe, expect, it } from 'vitest';
import {
  MessageId,
  Replica,
  decodeServerMessage,
  type CompiledSchema,
  type Snapshot,
} from '@tickwire/protocol';
import { parseConfig } from '../config.js';
import { testGame, type TestShip } from '../game/test-game.js';
import { viewRectAround } from '../interest/view.js';
import { createTestGame } from '../room/test-support.js';
import { ClientSync, SyncScratch } from './client-sync.js';
import {
  MAJOR_CHANGE_WEIGHT,
  MINOR_CHANGE_WEIGHT,
  NEARNESS_LEVELS,
  nearness,
  sendBudgetFor,
  type SendBudget,
} from './send-budget.js';
import { SnapshotWriter } from './snapshot-writer.js';
import { arrayHeaderSizeBytes, intSizeBytes, strSizeBytes, updateSizeBytes } from './wire-sizes.js';
import { MsgpackWriter } from '@tickwire/protocol';

const VIEW = { width: 1600, height: 1000 };
/** Ships per nearness level (the view's centre is level 4, its edge level 1). */
const SHIPS_PER_LEVEL = 10;

/**
 * One client (its own ship at the world's centre) and 40 other ships standing in its view, ten
 * at each nearness level, every one of them turning (a new heading) every tick: everything in
 * view has an update waiting at every snapshot. The client acknowledges each snapshot before
 * the next (nothing is in flight), and its replica applies and checks every one.
 */
function crowd(budget: SendBudget) {
  const game = createTestGame(testGame, { pelletCount: 0, seed: 3 });
  const world = game.world;
  game.state.keepVersions(300);
  const cx = world.maxX / 2;
  const cy = world.maxY / 2;
  const spawn = (x: number, y: number): TestShip => {
    const ship = world.spawn(
      'ship',
      { x, y, vx: 0, vy: 0, name: 's', hp: 100, score: 0, heading: 0, label: '' },
      0,
    );
    if (!ship) throw new Error('no id free');
    return ship;
  };
  const me = spawn(cx, cy);
  const halfWidth = (VIEW.width * 4) / 2;
  const others: { ship: TestShip; level: number }[] = [];
  for (let ring = 0; ring < NEARNESS_LEVELS; ring++) {
    for (let i = 0; i < SHIPS_PER_LEVEL; i++) {
      // The middle of the ring on x, a little apart on y.
      const dx = Math.round(((ring + 0.5) / NEARNESS_LEVELS) * halfWidth);
      const ship = spawn(cx + (i % 2 === 0 ? dx : -dx), cy + (i - 5) * 40);
      others.push({ ship, level: NEARNESS_LEVELS - ring });
    }
  }
  game.state.commit(0);
  const sync = new ClientSync();
  const scratch = new SyncScratch();
  const writer = new SnapshotWriter();
  const replica = new Replica({
    schema: game.schema,
    worldWidth: world.maxX / 4,
    worldHeight: world.maxY / 4,
  });
  const rect = { minX: 0, minY: 0, maxX: 0, maxY: 0 };
  let tick = 0;
  /** One tick: everyone turns, the world steps, the client is sent its snapshot and applies it. */
  const step = (): { snapshot: Snapshot; bytes: number } => {
    tick++;
    for (const s of [me, ...others.map((o) => o.ship)]) s.heading = (tick * 7 + s.id) % 128;
    game.step(tick);
    const delta = sync.composeWithin(
      world,
      game.state,
      tick,
      viewRectAround(me.x, me.y, VIEW.width, VIEW.height, rect),
      0,
      true,
      scratch,
      budget,
      me.id,
    );
    const frame = writer.write(delta, world, game.state);
    sync.spend(frame.byteLength, budget, delta.baselineTick === 0);
    const m = decodeServerMessage(frame, game.schema as CompiledSchema);
    if (m.id !== MessageId.Snapshot) throw new Error('not a snapshot');
    replica.apply(m.message); // throws on a checksum that does not verify
    sync.acknowledge(tick);
    return { snapshot: m.message, bytes: frame.byteLength };
  };
  return { game, me, others, step, replica };
}

describe('the priority accumulator under a byte budget', () => {
  it('priorities: nearer is higher, entering or moving weighs more than another change', () => {
    expect(nearness(0, 0, 100, 50)).toBe(NEARNESS_LEVELS);
    expect(nearness(99, 0, 100, 50)).toBe(1);
    expect(nearness(0, 49, 100, 50)).toBe(1);
    expect(nearness(30, 10, 100, 50)).toBe(NEARNESS_LEVELS - 1);
    expect(MAJOR_CHANGE_WEIGHT).toBeGreaterThan(MINOR_CHANGE_WEIGHT);
    expect(sendBudgetFor(0, 30, 1)).toBeNull();
    expect(sendBudgetFor(3000, 30, 2)).toEqual({
      bytesPerTick: 100,
      capBytes: 750,
      maxFullDebtBytes: 3000,
      maxDeltaDebtBytes: 30000,
    });
    // At 4 Hz, two sends are more than a quarter second.
    expect(sendBudgetFor(3000, 4, 1)?.capBytes).toBe(1500);
  });

  it('sends the own entity every time, the nearest first, and every waiting entity within the bound', () => {
    // A heading update is 4 bytes here ([id, mask, heading], all fixints); the frame around them
    // about 15, and the composer reserves 21 for it: 21 + 4k a tick lets k updates through.
    const k = 4;
    const budget: SendBudget = {
      bytesPerTick: 21 + 4 * k,
      capBytes: 2 * (21 + 4 * k),
      maxFullDebtBytes: 1000,
      maxDeltaDebtBytes: 10_000,
    };
    const { me, others, step } = crowd(budget);
    const levelOf = new Map(others.map((o) => [o.ship.id, o.level]));

    // The first snapshot is full: everyone enters, by priority (nearness x entering), the own
    // ship whatever the budget.
    const first = step().snapshot;
    const entered = first.entered.map((e) => e.id);
    expect(entered).toContain(me.id);
    const firstLevels = entered.filter((id) => id !== me.id).map((id) => levelOf.get(id));
    expect(firstLevels.length).toBeGreaterThan(0);
    expect(new Set(firstLevels)).toEqual(new Set([NEARNESS_LEVELS]));

    // Then the rest enter, nearer before farther (accumulators let the far ones in before the
    // near ones are all sent again).
    const enteredAt = new Map<number, number>(entered.map((id) => [id, 1]));
    for (let t = 2; enteredAt.size < others.length + 1 && t < 200; t++) {
      for (const e of step().snapshot.entered) if (!enteredAt.has(e.id)) enteredAt.set(e.id, t);
    }
    expect(enteredAt.size).toBe(others.length + 1);
    const enteredBy = (level: number): number[] =>
      others.filter((o) => o.level === level).map((o) => enteredAt.get(o.ship.id) as number);
    for (let level = NEARNESS_LEVELS; level > 1; level--) {
      expect(Math.max(...enteredBy(level)), `level ${level}`).toBeLessThanOrEqual(
        Math.min(...enteredBy(level - 1)),
      );
    }

    // Now every one of them has an update waiting at every snapshot.
    const TICKS = 600;
    const lastSent = new Map<number, number>(others.map((o) => [o.ship.id, 0]));
    const longestWait = new Map<number, number>();
    const sends = new Map<number, number>();
    let fewestSent = Infinity;
    let bytes = 0;
    for (let t = 1; t <= TICKS; t++) {
      const { snapshot, bytes: frameBytes } = step();
      bytes += frameBytes;
      // The own ship turned: its update is in every snapshot.
      expect(snapshot.updated.map((u) => u.id)).toContain(me.id);
      let sentOthers = 0;
      for (const u of snapshot.updated) {
        if (u.id === me.id) continue;
        sentOthers++;
        longestWait.set(u.id, Math.max(longestWait.get(u.id) ?? 0, t - (lastSent.get(u.id) ?? 0)));
        lastSent.set(u.id, t);
        sends.set(u.id, (sends.get(u.id) ?? 0) + 1);
      }
      fewestSent = Math.min(fewestSent, sentOthers);
    }
    for (const o of others) {
      const id = o.ship.id;
      longestWait.set(id, Math.max(longestWait.get(id) ?? 0, TICKS - (lastSent.get(id) ?? 0)));
    }
    // At least k others went in every snapshot (the credit left over lets more through at times).
    expect(fewestSent).toBeGreaterThanOrEqual(k - 1);
    // The bound. Take an entity e waiting w sends, priorities between pMin and pMax (R = pMax /
    // pMin), P entities waiting, at least k sent a snapshot. Over the second half of its wait,
    // e's accumulator is at least (w/2) pMin, and every entity sent then had at least as much:
    // it had waited at least (w/2) / R sends since it was last sent, so it went at most R + 1
    // times in that half. The half sent at least k w / 2 records: k w / 2 <= (P - 1)(R + 1), so
    // w <= 2 (P - 1)(R + 1) / k. Here priorities are 1..4 (turning is a minor change), P = 40.
    const P = others.length;
    const R = NEARNESS_LEVELS;
    const bound = (2 * (P - 1) * (R + 1)) / fewestSent;
    for (const o of others)
      expect(longestWait.get(o.ship.id), `ship ${o.ship.id}`).toBeLessThanOrEqual(bound);
    // In practice an entity of priority p goes about every (sum of priorities) / (k p) sends:
    // 100 / 4 = 25 for the farthest, 6 for the nearest.
    const meanInterval = (level: number): number => {
      const ids = others.filter((o) => o.level === level).map((o) => o.ship.id);
      const total = ids.reduce((sum, id) => sum + (sends.get(id) ?? 0), 0);
      return (TICKS * ids.length) / total;
    };
    expect(meanInterval(NEARNESS_LEVELS)).toBeLessThan(meanInterval(1));
    expect(meanInterval(1) / meanInterval(NEARNESS_LEVELS)).toBeGreaterThan(2);
    expect(meanInterval(1)).toBeLessThan(40);
    // Within the budget: the frames' bytes over the ticks, against bytesPerTick per tick and the
    // credit the window may start with.
    expect(bytes).toBeLessThanOrEqual(budget.bytesPerTick * TICKS + budget.capBytes);
  });

  it('an update of position weighs more than another change', () => {
    const k = 3;
    const budget: SendBudget = {
      bytesPerTick: 21 + 4 * k,
      capBytes: 2 * (21 + 4 * k),
      maxFullDebtBytes: 1000,
      maxDeltaDebtBytes: 10_000,
    };
    const { others, step, game } = crowd(budget);
    step();
    // Ships of the same nearness: half get a small nudge (their position group) every 10 ticks.
    const same = others.filter((o) => o.level === 2).map((o) => o.ship);
    const nudged = new Set(same.filter((_, i) => i % 2 === 0).map((s) => s.id));
    const moves = new Map<number, number>();
    for (let t = 2; t <= 400; t++) {
      if (t % 10 === 0)
        for (const s of same)
          if (nudged.has(s.id)) s.x = game.world.clampX(s.x + (t % 20 === 0 ? 4 : -4));
      const { snapshot } = step();
      for (const u of snapshot.updated) {
        if (same.some((s) => s.id === u.id) && (u.mask & 1) !== 0)
          moves.set(u.id, (moves.get(u.id) ?? 0) + 1);
      }
    }
    expect(game.problems).toEqual([]);
    // Every nudge reached the client (each nudge is a position update, sent once acknowledged).
    for (const id of nudged) expect(moves.get(id) ?? 0).toBeGreaterThan(0);
  });
});

describe('checksums under a byte budget', () => {
  it('hash the old versions clients hold of moving entities exactly, extrapolated as they do', () => {
    // Everyone drifts (a velocity that turns back every 40 ticks, so it stays in view) and turns
    // every tick, on a budget of a few updates a tick: most of what a client holds is an old
    // version, moved on by its old velocity. Every snapshot's checksum is checked by the replica.
    const budget: SendBudget = {
      bytesPerTick: 60,
      capBytes: 120,
      maxFullDebtBytes: 1800,
      maxDeltaDebtBytes: 18_000,
    };
    const { game, others, step, replica } = crowd(budget);
    let oldVersionsHeld = 0;
    for (let t = 1; t <= 300; t++) {
      others.forEach(({ ship }, i) => {
        if (t % 40 === 1) ship.vx = (i % 3) - 1 + (Math.floor(t / 40) % 2 === 0 ? 1 : -1);
        if (t % 40 === 21)
          ship.vy = (i % 2 === 0 ? 1 : -1) * (Math.floor(t / 40) % 2 === 0 ? 1 : -1);
      });
      step(); // throws on a checksum that does not verify
      for (const { ship } of others) {
        const held = replica.latest?.entities.get(ship.id);
        if (held && (held.x !== ship.x || held.vx !== ship.vx || held.heading !== ship.heading)) {
          oldVersionsHeld++;
        }
      }
    }
    expect(game.problems).toEqual([]);
    expect(oldVersionsHeld).toBeGreaterThan(3000);
  });
});

describe('--max-bytes-per-client-s', () => {
  it('is 0 (unlimited) by default, a flag or MAX_BYTES_PER_CLIENT_S, and 0 or at least 500', () => {
    expect(parseConfig([], {}).maxBytesPerClientS).toBe(0);
    expect(parseConfig(['--max-bytes-per-client-s', '4000'], {}).maxBytesPerClientS).toBe(4000);
    expect(parseConfig([], { MAX_BYTES_PER_CLIENT_S: '6000' }).maxBytesPerClientS).toBe(6000);
    expect(parseConfig(['--max-bytes-per-client-s', '0'], {}).maxBytesPerClientS).toBe(0);
    expect(() => parseConfig(['--max-bytes-per-client-s', '100'], {})).toThrow(/at least 500/);
    expect(() => parseConfig(['--max-bytes-per-client-s', '-1'], {})).toThrow(/integer/);
  });
});

describe('wire sizes', () => {
  it('match what MsgpackWriter writes', () => {
    const w = new MsgpackWriter();
    for (const v of [
      0,
      1,
      127,
      128,
      255,
      256,
      65535,
      65536,
      2 ** 32 - 1,
      -1,
      -32,
      -33,
      -128,
      -129,
      -32768,
      -32769,
      -(2 ** 31),
    ]) {
      w.reset();
      w.int(v);
      expect(intSizeBytes(v), String(v)).toBe(w.length);
    }
    for (const n of [0, 15, 16, 65535, 65536]) {
      w.reset();
      w.arrayHeader(n);
      expect(arrayHeaderSizeBytes(n)).toBe(w.length);
    }
    for (const s of ['', 'a', 'añ', '😀x', 'x'.repeat(31), 'x'.repeat(32), 'é'.repeat(200)]) {
      w.reset();
      w.str(s);
      expect(strSizeBytes(s), s).toBe(w.length);
    }
  });

  it('an update record: as long as the writer makes it', () => {
    const { game, others, step } = crowd({
      bytesPerTick: 1e6,
      capBytes: 2e6,
      maxFullDebtBytes: 1e6,
      maxDeltaDebtBytes: 1e6,
    });
    step();
    const ship = others[0]?.ship as TestShip;
    ship.label = 'añ😀';
    ship.score = 2 ** 32 - 1;
    ship.vx = -27;
    const { snapshot } = step();
    const update = snapshot.updated.find((u) => u.id === ship.id);
    expect(update).toBeDefined();
    const kind = game.schema.kindByName.get('ship');
    if (!kind || !update) return;
    const w = new MsgpackWriter();
    w.arrayHeader(2 + update.values.length);
    w.int(update.id);
    w.int(update.mask);
    for (const v of update.values) {
      if (typeof v === 'string') w.str(v);
      else w.int(v);
    }
    expect(
      updateSizeBytes(
        ship.id,
        kind,
        update.mask,
        game.state.values,
        ship.id * game.state.valueWidth,
        game.state.textsOf(ship.id),
      ),
    ).toBe(w.length);
  });
});
