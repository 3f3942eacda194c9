import { Replica } from '@tickwire/protocol';
import type { CompiledSchema, EntityRecord, ViewState } from '@tickwire/protocol';
import { describe, expect, it } from 'vitest';
import { adaptiveDelayMs, InterpolationBuffer, lerpAngle } from './interpolation-buffer.js';
import {
  fullSnapshot,
  pelletRecord,
  playerRecord,
  projectileRecord,
} from '../../../protocol/src/testing/records.js';
import { testArenaSchema, testMixedSchema } from '../../../protocol/src/testing/test-schemas.js';

const TICK_HZ = 20;
const TICK_MS = 1000 / TICK_HZ;

/** Builds views the way the client does: full snapshots applied to a real Replica. */
function viewsOf(...frames: [tick: number, entered: EntityRecord[]][]): ViewState[] {
  return viewsIn(undefined, ...frames);
}

/** The same, for a game other than the test arena. */
function viewsIn(
  schema: CompiledSchema | undefined,
  ...frames: [tick: number, entered: EntityRecord[]][]
): ViewState[] {
  const replica = new Replica({
    schema: schema ?? testArenaSchema,
    worldWidth: 4000,
    worldHeight: 3000,
  });
  return frames.map(([tick, entered]) => replica.apply(fullSnapshot(tick, entered)));
}

/** A buffer holding `views`, each arriving exactly on time. */
function bufferOf(views: ViewState[], maxExtrapolationMs?: number): InterpolationBuffer {
  const buffer = new InterpolationBuffer({
    tickHz: TICK_HZ,
    maxExtrapolationMs,
    maxX: 4000 * 4,
    maxY: 3000 * 4,
  });
  for (const view of views) buffer.onSnapshot(view, view.tick * TICK_MS + 30);
  return buffer;
}

describe('InterpolationBuffer', () => {
  it('samples nothing when empty', () => {
    const buffer = new InterpolationBuffer({ tickHz: TICK_HZ });
    expect(buffer.sample(1000).size).toBe(0);
    expect(buffer.newestTick).toBeNull();
  });

  it('gives the midpoint exactly halfway between two snapshots', () => {
    const buffer = bufferOf(
      viewsOf(
        [10, [playerRecord(1, { x: 100, y: 200 }), pelletRecord(2, 8, 8)]],
        [11, [playerRecord(1, { x: 300, y: 100 }), pelletRecord(2, 8, 8)]],
      ),
    );
    const sampled = buffer.sample(10.5 * TICK_MS);
    expect(sampled.get(1)).toEqual({
      id: 1,
      kind: 'player',
      x: 200,
      y: 150,
      fields: playerRecord(1, { x: 100, y: 200 }),
    });
    expect(sampled.get(2)).toEqual({
      id: 2,
      kind: 'pellet',
      x: 8,
      y: 8,
      fields: pelletRecord(2, 8, 8),
    });
  });

  it('returns each snapshot exactly at its own tick', () => {
    const buffer = bufferOf(
      viewsOf([10, [playerRecord(1, { x: 100 })]], [11, [playerRecord(1, { x: 300 })]]),
    );
    expect(buffer.sample(10 * TICK_MS).get(1)?.x).toBe(100);
    expect(buffer.sample(11 * TICK_MS).get(1)?.x).toBe(300);
  });

  it('turns the aim the short way round through 0', () => {
    const buffer = bufferOf(
      viewsOf([10, [playerRecord(1, { aim: 250 })]], [11, [playerRecord(1, { aim: 6 })]]),
    );
    expect(buffer.sample(10.25 * TICK_MS).get(1)?.fields.aim).toBe(253);
    expect(buffer.sample(10.5 * TICK_MS).get(1)?.fields.aim).toBe(0);
    expect(buffer.sample(10.75 * TICK_MS).get(1)?.fields.aim).toBe(3);
    expect(lerpAngle(6, 250, 0.5)).toBe(0);
    expect(lerpAngle(10, 100, 0.5)).toBe(55);
  });

  it('shows an entity entering or leaving from the one snapshot that has it', () => {
    const buffer = bufferOf(
      viewsOf(
        [10, [playerRecord(1, { x: 100 }), playerRecord(2, { x: 500 })]],
        [11, [playerRecord(1, { x: 200 }), playerRecord(3, { x: 900 })]],
      ),
    );
    const sampled = buffer.sample(10.5 * TICK_MS);
    expect([...sampled.keys()]).toEqual([1, 2, 3]);
    expect(sampled.get(1)?.x).toBe(150);
    expect(sampled.get(2)?.x).toBe(500);
    expect(sampled.get(3)?.x).toBe(900);
    // Past the newest snapshot only what it holds is shown.
    expect([...buffer.sample(11 * TICK_MS).keys()]).toEqual([1, 3]);
  });

  it('interpolates across a missing tick as one wider bracket', () => {
    const buffer = bufferOf(
      viewsOf([10, [playerRecord(1, { x: 100 })]], [13, [playerRecord(1, { x: 400 })]]),
    );
    expect(buffer.sample(11 * TICK_MS).get(1)?.x).toBeCloseTo(200, 9);
    expect(buffer.sample(12.5 * TICK_MS).get(1)?.x).toBeCloseTo(350, 9);
  });

  it('picks the right pair among many snapshots', () => {
    const buffer = bufferOf(
      viewsOf(
        [10, [playerRecord(1, { x: 0 })]],
        [11, [playerRecord(1, { x: 100 })]],
        [12, [playerRecord(1, { x: 1000 })]],
        [13, [playerRecord(1, { x: 1100 })]],
      ),
    );
    expect(buffer.sample(11.5 * TICK_MS).get(1)?.x).toBe(550);
  });

  it('ignores a late snapshot older than the newest', () => {
    const [v10, v11, v12] = viewsOf(
      [10, [playerRecord(1, { x: 100 })]],
      [11, [playerRecord(1, { x: 200 })]],
      [12, [playerRecord(1, { x: 300 })]],
    );
    if (!v10 || !v11 || !v12) throw new Error('views missing');
    const buffer = new InterpolationBuffer({ tickHz: TICK_HZ });
    expect(buffer.onSnapshot(v10, 0)).toBe(true);
    expect(buffer.onSnapshot(v12, 100)).toBe(true);
    expect(buffer.onSnapshot(v11, 110)).toBe(false);
    expect(buffer.onSnapshot(v12, 120)).toBe(false);
    expect(buffer.size).toBe(2);
    expect(buffer.newestTick).toBe(12);
    // Still one bracket 10..12: the late tick 11 (x 200) is not used.
    expect(buffer.sample(11 * TICK_MS).get(1)?.x).toBe(200);
    expect(buffer.sample(11.5 * TICK_MS).get(1)?.x).toBe(250);
  });

  it('extrapolates players along their velocity up to the cap, then holds', () => {
    const buffer = bufferOf(
      viewsOf([10, [playerRecord(1, { x: 100, y: 100, vx: 8, vy: -4 }), pelletRecord(2, 5, 5)]]),
      100,
    );
    const newestMs = 10 * TICK_MS;
    // 25 ms is half a tick at 20 Hz.
    expect(buffer.sample(newestMs + 25).get(1)).toMatchObject({ x: 104, y: 98 });
    expect(buffer.sample(newestMs + 100).get(1)).toMatchObject({ x: 116, y: 92 });
    expect(buffer.sample(newestMs + 500).get(1)).toMatchObject({ x: 116, y: 92 });
    expect(buffer.sample(newestMs + 500).get(2)).toEqual({
      id: 2,
      kind: 'pellet',
      x: 5,
      y: 5,
      fields: pelletRecord(2, 5, 5),
    });
  });

  it('holds the oldest snapshot before it', () => {
    const buffer = bufferOf(
      viewsOf([10, [playerRecord(1, { x: 100, vx: 8 })]], [11, [playerRecord(1)]]),
    );
    expect(buffer.sample(0).get(1)?.x).toBe(100);
  });

  it('keeps about a second of snapshots', () => {
    const frames: [number, EntityRecord[]][] = [];
    for (let tick = 1; tick <= 60; tick++) frames.push([tick, [playerRecord(1, { x: tick })]]);
    const buffer = bufferOf(viewsOf(...frames));
    // 1000 ms at 20 Hz: ticks 40..60.
    expect(buffer.size).toBe(21);
    expect(buffer.sample(0).get(1)?.x).toBe(40);
  });

  it('measures no jitter from on-time snapshots and adds delay as jitter grows', () => {
    const frames: [number, EntityRecord[]][] = [];
    for (let tick = 1; tick <= 40; tick++) frames.push([tick, [playerRecord(1)]]);
    const views = viewsOf(...frames);

    const steady = bufferOf(views);
    expect(steady.jitterMs).toBe(0);
    expect(steady.snapshotIntervalMs).toBe(TICK_MS);
    expect(steady.delayMs).toBe(2 * TICK_MS);

    const jittery = new InterpolationBuffer({ tickHz: TICK_HZ });
    const delays: number[] = [];
    views.forEach((view, k) => {
      // Every other snapshot 40 ms late.
      jittery.onSnapshot(view, view.tick * TICK_MS + 30 + (k % 2) * 40);
      delays.push(jittery.delayMs);
    });
    expect(jittery.jitterMs).toBeGreaterThan(30);
    expect(jittery.jitterMs).toBeLessThanOrEqual(40);
    expect(jittery.delayMs).toBeGreaterThan(steady.delayMs + 60);
    // Smooth: each snapshot moves the jitter by at most 1/16 of a 40 ms transit change.
    for (let k = 1; k < delays.length; k++) {
      expect(Math.abs((delays[k] ?? 0) - (delays[k - 1] ?? 0))).toBeLessThanOrEqual(2 * (40 / 16));
    }
  });

  it('computes the adaptive delay as two intervals plus twice the jitter', () => {
    expect(adaptiveDelayMs(50, 0)).toBe(100);
    expect(adaptiveDelayMs(1000 / 30, 10)).toBeCloseTo(86.67, 2);
    expect(adaptiveDelayMs(50, 20)).toBeGreaterThan(adaptiveDelayMs(50, 5));
  });

  describe('render time', () => {
    it('is the arrival time minus the transit minus the delay: a 150 ms link never runs dry', () => {
      const frames: [number, EntityRecord[]][] = [];
      for (let tick = 1; tick <= 40; tick++) frames.push([tick, [playerRecord(1, { x: tick })]]);
      const buffer = new InterpolationBuffer({ tickHz: TICK_HZ });
      const views = viewsOf(...frames);
      for (const view of views) buffer.onSnapshot(view, view.tick * TICK_MS + 150);
      expect(buffer.transitMs).toBe(150);
      // Snapshot 40 arrived at 2150: drawn at 2150 - 150 - 100 = 1900, i.e. tick 38, with two
      // snapshots still ahead of it.
      const renderMs = buffer.renderTimeMs(40 * TICK_MS + 150);
      expect(renderMs).toBe(38 * TICK_MS);
      expect(buffer.sample(renderMs).get(1)?.x).toBe(38);
    });

    it('glides: a late snapshot moves it by a fraction of real time, never backwards', () => {
      const buffer = new InterpolationBuffer({ tickHz: TICK_HZ });
      const frames: [number, EntityRecord[]][] = [];
      for (let tick = 1; tick <= 150; tick++) frames.push([tick, [playerRecord(1)]]);
      const views = viewsOf(...frames);
      let nowMs = 0;
      let last = -Infinity;
      for (const view of views) {
        // From tick 20 on the link gets 80 ms slower for good.
        const arrival = view.tick * TICK_MS + 50 + (view.tick >= 20 ? 80 : 0);
        for (; nowMs < arrival; nowMs += 1000 / 60) {
          const renderMs = buffer.renderTimeMs(nowMs);
          if (Number.isFinite(last)) {
            const step = renderMs - last;
            expect(step).toBeGreaterThanOrEqual(0);
            expect(step).toBeLessThanOrEqual((1000 / 60) * 1.1 + 1e-9);
            expect(step).toBeGreaterThanOrEqual((1000 / 60) * 0.9 - 1e-9);
          }
          last = renderMs;
        }
        buffer.onSnapshot(view, arrival);
      }
      // It has caught up with the slower link: behind by the new transit plus the delay.
      expect(buffer.transitMs).toBeCloseTo(130, 0);
      expect(buffer.renderTimeMs(nowMs)).toBeCloseTo(nowMs - 130 - buffer.delayMs, -1);
    });

    it('jumps at once to a target far away (a stall or a new connection)', () => {
      const buffer = new InterpolationBuffer({ tickHz: TICK_HZ });
      const [early, next, late, later] = viewsOf([1, []], [2, []], [100, []], [101, []]);
      buffer.onSnapshot(early as ViewState, 100);
      buffer.onSnapshot(next as ViewState, 150);
      expect(buffer.renderTimeMs(150)).toBe(150 - 50 - 100);
      buffer.clear();
      buffer.onSnapshot(late as ViewState, 9000);
      buffer.onSnapshot(later as ViewState, 9050);
      expect(buffer.renderTimeMs(9050)).toBe(9050 - 4000 - 100);
    });
  });

  describe('at a send rate below the tick rate (60 Hz ticks, a snapshot every 3 ticks)', () => {
    const FAST_TICK_MS = 1000 / 60;
    /** Snapshots of ticks 3, 6, .. 3n: player 1 walking right 10 wire units a tick. */
    const walking = (sends: number): ViewState[] => {
      const frames: [number, EntityRecord[]][] = [];
      for (let k = 1; k <= sends; k++) {
        frames.push([3 * k, [playerRecord(1, { x: 30 * k, vx: 10 })]]);
      }
      return viewsOf(...frames);
    };

    it('holds the first snapshot until the second tells the send interval', () => {
      const buffer = new InterpolationBuffer({ tickHz: 60 });
      const [first, second] = walking(2);
      buffer.onSnapshot(first as ViewState, 3 * FAST_TICK_MS + 40);
      expect(buffer.sendIntervalTicks).toBeNull();
      expect(buffer.renderTimeMs(1000)).toBe(-Infinity);
      expect(buffer.sample(buffer.renderTimeMs(1000)).get(1)?.x).toBe(30);
      buffer.onSnapshot(second as ViewState, 6 * FAST_TICK_MS + 40);
      expect(buffer.sendIntervalTicks).toBe(3);
      expect(buffer.renderTimeMs(6 * FAST_TICK_MS + 40)).toBeCloseTo(6 * FAST_TICK_MS - 100, 9);
    });

    it('delays by two send intervals, not two ticks, from the second snapshot on', () => {
      const buffer = new InterpolationBuffer({ tickHz: 60 });
      for (const view of walking(30)) buffer.onSnapshot(view, view.tick * FAST_TICK_MS + 40);
      expect(buffer.sendIntervalTicks).toBe(3);
      expect(buffer.snapshotIntervalMs).toBeCloseTo(50, 9);
      expect(buffer.jitterMs).toBeCloseTo(0, 9);
      expect(buffer.delayMs).toBeCloseTo(100, 9);
      // Snapshot 90 arrived at 1540 ms: drawn at 1500 - 100 = 1400 ms, tick 84, with two
      // snapshots still ahead of it.
      const renderMs = buffer.renderTimeMs(90 * FAST_TICK_MS + 40);
      expect(renderMs).toBeCloseTo(84 * FAST_TICK_MS, 9);
      expect(buffer.sample(renderMs).get(1)?.x).toBeCloseTo(840, 9);
    });

    it('never runs past the newest snapshot nor backwards on a jittery link', () => {
      const buffer = new InterpolationBuffer({ tickHz: 60 });
      const views = walking(120);
      let seed = 7;
      /** Deterministic 0..1. */
      const random = (): number => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
      const arrivals = views.map((v) => v.tick * FAST_TICK_MS + 60 + (random() * 2 - 1) * 15);
      let next = 0;
      let lastX = -Infinity;
      let extrapolatedFrames = 0;
      for (let nowMs = 0; nowMs < (arrivals.at(-1) ?? 0); nowMs += 1000 / 60) {
        while (next < views.length && (arrivals[next] as number) <= nowMs) {
          buffer.onSnapshot(views[next] as ViewState, arrivals[next] as number);
          next++;
        }
        const renderMs = buffer.renderTimeMs(nowMs);
        const x = buffer.sample(renderMs).get(1)?.x;
        if (x === undefined) continue;
        expect(x).toBeGreaterThanOrEqual(lastX);
        lastX = x;
        const newestMs = (buffer.newestTick ?? 0) * FAST_TICK_MS;
        // From the second snapshot on, while the jitter estimate is still settling too.
        if (renderMs > newestMs) extrapolatedFrames++;
      }
      expect(extrapolatedFrames).toBe(0);
    });

    it('learns the interval across a skipped send, and forgets it on clear', () => {
      const buffer = new InterpolationBuffer({ tickHz: 60 });
      const [a, b, c] = viewsOf([3, []], [9, []], [12, []]);
      buffer.onSnapshot(a as ViewState, 100);
      buffer.onSnapshot(b as ViewState, 200);
      expect(buffer.sendIntervalTicks).toBe(6);
      buffer.onSnapshot(c as ViewState, 250);
      expect(buffer.sendIntervalTicks).toBe(3);
      buffer.clear();
      expect(buffer.sendIntervalTicks).toBeNull();
      expect(buffer.snapshotIntervalMs).toBeCloseTo(FAST_TICK_MS, 9);
    });

    it('draws a shot that entered between two sends from one tick before its spawn', () => {
      // Spawned at tick 11 (its 36-tick lifetime ends at 47), first sent at tick 12.
      const buffer = new InterpolationBuffer({ tickHz: 60 });
      for (const view of viewsOf(
        [9, [playerRecord(1)]],
        [12, [playerRecord(1), projectileRecord(5, { x: 480, vx: 80, ticksLeft: 35 })]],
      )) {
        buffer.onSnapshot(view, view.tick * FAST_TICK_MS);
      }
      // Before tick 10 it waits one tick before its spawn point, then flies without a stop.
      expect(buffer.sample(9.5 * FAST_TICK_MS).get(5)?.x).toBe(320);
      expect(buffer.sample(10.5 * FAST_TICK_MS).get(5)?.x).toBe(360);
      expect(buffer.sample(11.5 * FAST_TICK_MS).get(5)?.x).toBe(440);
      expect(buffer.sample(12 * FAST_TICK_MS).get(5)?.x).toBe(480);
    });
  });

  describe('by the schema', () => {
    it('takes fields it does not interpolate from the snapshot at or before the render time', () => {
      const buffer = bufferOf(
        viewsOf([10, [playerRecord(1, { hp: 100 })]], [11, [playerRecord(1, { hp: 75 })]]),
      );
      expect(buffer.sample(10.5 * TICK_MS).get(1)?.fields.hp).toBe(100);
      expect(buffer.sample(10.99 * TICK_MS).get(1)?.fields.hp).toBe(100);
      expect(buffer.sample(11 * TICK_MS).get(1)?.fields.hp).toBe(75);
    });

    it('stops extrapolated motion at the edge of the world', () => {
      const buffer = bufferOf(viewsOf([10, [playerRecord(1, { x: 4000 * 4 - 2, vx: 8 })]]), 100);
      expect(buffer.sample(10 * TICK_MS + 100).get(1)?.x).toBe(4000 * 4);
    });

    it('leaves out an entity whose lifetime ends by the render time', () => {
      // Expires at tick 12: drawn up to it, never at or after it, even while extrapolating.
      const buffer = bufferOf(viewsOf([10, [projectileRecord(5, { ticksLeft: 2 })]]), 1000);
      expect(buffer.sample(11.9 * TICK_MS).has(5)).toBe(true);
      expect(buffer.sample(12 * TICK_MS).has(5)).toBe(false);
    });

    it('carries a leaving linear entity along its velocity until the next snapshot', () => {
      const buffer = bufferOf(
        viewsOf(
          [10, [playerRecord(1), projectileRecord(5, { x: 400, vx: 80 })]],
          [11, [playerRecord(1)]],
        ),
      );
      expect(buffer.sample(10.5 * TICK_MS).get(5)?.x).toBe(440);
      expect(buffer.sample(11 * TICK_MS).has(5)).toBe(false);
    });

    it('draws an entering linear entity at most one tick back along its velocity', () => {
      const buffer = bufferOf(
        viewsOf(
          [10, [playerRecord(1)]],
          [11, [playerRecord(1), projectileRecord(5, { x: 480, vx: 80 })]],
        ),
      );
      expect(buffer.sample(10.5 * TICK_MS).get(5)?.x).toBe(440);
      expect(buffer.sample(11 * TICK_MS).get(5)?.x).toBe(480);
      // Across missing ticks it goes back one tick, never behind where it spawned.
      const gap = bufferOf(
        viewsOf(
          [10, [playerRecord(1)]],
          [13, [playerRecord(1), projectileRecord(5, { x: 480, vx: 80 })]],
        ),
      );
      expect(gap.sample(10.5 * TICK_MS).get(5)?.x).toBe(400);
      expect(gap.sample(12.5 * TICK_MS).get(5)?.x).toBe(440);
    });

    it('interpolates position kinds without extrapolating them, and never moves static kinds', () => {
      const cursor = (x: number): EntityRecord => ({
        id: 1,
        kind: 'cursor',
        x,
        y: 100,
        label: 'c',
        color: 3,
        pressed: 0,
        owner: 1,
      });
      const rock: EntityRecord = { id: 2, kind: 'rock', x: 40, y: 60, size: 3, title: 'r' };
      const buffer = bufferOf(
        viewsIn(testMixedSchema, [10, [cursor(100), rock]], [11, [cursor(300), rock]]),
        100,
      );
      expect(buffer.sample(10.5 * TICK_MS).get(1)).toMatchObject({ kind: 'cursor', x: 200 });
      expect(buffer.sample(11 * TICK_MS + 80).get(1)?.x).toBe(300);
      expect(buffer.sample(10.5 * TICK_MS).get(2)).toMatchObject({ kind: 'rock', x: 40, y: 60 });
    });
  });

  it('forgets everything on clear', () => {
    const buffer = bufferOf(viewsOf([10, [playerRecord(1)]]));
    buffer.clear();
    expect(buffer.size).toBe(0);
    expect(buffer.sample(500).size).toBe(0);
  });
});
