// Renders remote entities a little in the past, between the two snapshots around the render time
// (README.md, "Netcode"). Pure: the caller passes every time in, in milliseconds.
//
// Typical use, once per frame:
//   const entities = buffer.sample(buffer.renderTimeMs(nowMs()));
//
// The render time runs on the snapshots' own arrival clock, not on the estimated server clock:
// a snapshot of server time T reaches the client about one one-way delay after T, so rendering
// at "server now - delay" would always be past the newest snapshot on a slow link. Instead the
// buffer tracks the mean transit time (arrival - server time) and renders at
// now - transit - delay, slewed so that the render time never jumps or runs backwards.

import { ANGLE_STEPS, EntityKind } from '@tickwire/protocol';
import type { EntityRecord, EntityTable, ViewState } from '@tickwire/protocol';

/**
 * One entity as it should be drawn. Positions are in wire units (1/POSITION_SCALE world units)
 * and fractional after interpolation; `aim` is a wire angle in [0, ANGLE_STEPS), also fractional.
 * `aim` and `name` are set for players only.
 */
export interface InterpolatedEntity {
  readonly id: number;
  readonly kind: EntityKind;
  readonly x: number;
  readonly y: number;
  readonly aim?: number;
  readonly name?: string;
}

export interface InterpolationBufferOptions {
  /** The server's tick rate (from Welcome): tick T is at server time T * 1000 / tickHz. */
  tickHz: number;
  /** Longest time players are extrapolated past the newest snapshot before they hold. Default 100. */
  maxExtrapolationMs?: number;
  /** Snapshots older than this, behind the newest, are dropped. Default 1000. */
  maxBufferMs?: number;
}

/** The render time may run this much slower or faster than the client clock while it adjusts. */
const MAX_RENDER_SLEW = 0.1;
/** A render time this far (ms) from where it should be is moved at once (a stall, a resume). */
const RENDER_SNAP_MS = 250;

interface BufferedSnapshot {
  readonly tick: number;
  readonly serverTimeMs: number;
  readonly view: ViewState;
}

/** Gain of the running averages below: 1/16, as in RFC 3550's jitter estimator. */
const SMOOTHING_GAIN = 1 / 16;

/**
 * Interpolation delay for a snapshot interval and a measured jitter, both in ms:
 *
 *   delayMs = 2 * snapshotIntervalMs + 2 * jitterMs
 *
 * Two intervals (Valve's 100 ms at 20 Hz) keep a bracketing pair in hand even when one snapshot
 * is lost or late. The jitter term covers lateness beyond that: jitterMs is an RFC 3550 mean
 * absolute transit difference, about 1.1 standard deviations of the one-way delay for Gaussian
 * noise, so twice it covers late arrivals out to roughly two standard deviations.
 */
export function adaptiveDelayMs(snapshotIntervalMs: number, jitterMs: number): number {
  return 2 * snapshotIntervalMs + 2 * jitterMs;
}

/**
 * The recent snapshots of one client's view, sampled at a render time in server ms.
 *
 * Snapshots must arrive newer than the newest held; older or equal ticks are ignored (they
 * still count towards the jitter estimate: a late arrival is jitter).
 */
export class InterpolationBuffer {
  readonly #tickHz: number;
  readonly #tickMs: number;
  readonly #maxExtrapolationMs: number;
  readonly #maxBufferMs: number;

  /** Ascending by tick; never empty once a snapshot was accepted. */
  #snapshots: BufferedSnapshot[] = [];
  #lastArrival: { serverTimeMs: number; clientMs: number } | null = null;
  #jitterMs = 0;
  /** Smoothed arrival client time minus server time of snapshots; null before the first. */
  #transitMs: number | null = null;
  #lastRender: { clientMs: number; renderMs: number } | null = null;
  #snapshotIntervalMs: number;

  constructor(options: InterpolationBufferOptions) {
    if (!(options.tickHz > 0 && Number.isFinite(options.tickHz))) {
      throw new RangeError(`tickHz must be positive, got ${options.tickHz}`);
    }
    this.#tickHz = options.tickHz;
    this.#tickMs = 1000 / options.tickHz;
    this.#maxExtrapolationMs = options.maxExtrapolationMs ?? 100;
    this.#maxBufferMs = options.maxBufferMs ?? 1000;
    this.#snapshotIntervalMs = this.#tickMs;
  }

  /** Server time of a tick, in ms. */
  serverTimeOfTick(tick: number): number {
    return tick * this.#tickMs;
  }

  /** Smoothed inter-arrival jitter of snapshots in ms (RFC 3550 section 6.4.1). */
  get jitterMs(): number {
    return this.#jitterMs;
  }

  /**
   * Smoothed server time between consecutive held snapshots, in ms. Starts at one tick; grows
   * when the server skips ticks (e.g. under backpressure) or snapshots are lost.
   */
  get snapshotIntervalMs(): number {
    return this.#snapshotIntervalMs;
  }

  /** How far behind the newest arrivals to render, from the measured interval and jitter. */
  get delayMs(): number {
    return adaptiveDelayMs(this.#snapshotIntervalMs, this.#jitterMs);
  }

  /**
   * Smoothed transit time of snapshots: client arrival time minus server time, in ms (the
   * one-way delay plus the offset between the two clocks). Null before the first snapshot.
   */
  get transitMs(): number | null {
    return this.#transitMs;
  }

  /**
   * The server time to draw at client time `nowMs`: `nowMs - transitMs - delayMs`, approached at
   * most 10 % faster or slower than real time, never backwards, so remote entities glide even as
   * the estimates change. A target more than 250 ms away is taken at once.
   */
  renderTimeMs(nowMs: number): number {
    if (this.#transitMs === null) return -Infinity;
    const targetMs = nowMs - this.#transitMs - this.delayMs;
    const last = this.#lastRender;
    let renderMs = targetMs;
    if (last !== null && nowMs >= last.clientMs) {
      const elapsedMs = nowMs - last.clientMs;
      const earliestMs = last.renderMs + elapsedMs * (1 - MAX_RENDER_SLEW);
      const latestMs = last.renderMs + elapsedMs * (1 + MAX_RENDER_SLEW);
      if (Math.abs(targetMs - (last.renderMs + elapsedMs)) <= RENDER_SNAP_MS) {
        renderMs = Math.min(Math.max(targetMs, earliestMs), latestMs);
      }
      renderMs = Math.max(renderMs, last.renderMs);
    } else if (last !== null) {
      return last.renderMs;
    }
    this.#lastRender = { clientMs: nowMs, renderMs };
    return renderMs;
  }

  /** Number of snapshots held. */
  get size(): number {
    return this.#snapshots.length;
  }

  /** Tick of the newest held snapshot, or null when empty. */
  get newestTick(): number | null {
    return this.#snapshots.at(-1)?.tick ?? null;
  }

  /**
   * Adds the view applied from a snapshot and the client time (ms) it arrived. Returns false when
   * the view is not newer than the newest held and was ignored.
   */
  onSnapshot(view: ViewState, arrivalClientMs: number): boolean {
    const serverTimeMs = this.serverTimeOfTick(view.tick);
    this.#measureJitter(serverTimeMs, arrivalClientMs);

    const newest = this.#snapshots.at(-1);
    if (newest && view.tick <= newest.tick) return false;
    if (newest) {
      const intervalMs = serverTimeMs - newest.serverTimeMs;
      this.#snapshotIntervalMs += (intervalMs - this.#snapshotIntervalMs) * SMOOTHING_GAIN;
    }
    this.#snapshots.push({ tick: view.tick, serverTimeMs, view });
    const oldestKeptMs = serverTimeMs - this.#maxBufferMs;
    const firstKept = this.#snapshots.findIndex((s) => s.serverTimeMs >= oldestKeptMs);
    if (firstKept > 0) this.#snapshots.splice(0, firstKept);
    return true;
  }

  /** Forgets every snapshot and measurement, e.g. after a reconnect. */
  clear(): void {
    this.#snapshots = [];
    this.#lastArrival = null;
    this.#jitterMs = 0;
    this.#transitMs = null;
    this.#lastRender = null;
    this.#snapshotIntervalMs = this.#tickMs;
  }

  /**
   * Every entity as it should be drawn at `renderServerTimeMs`, by id in ascending id order.
   * Empty when no snapshot is held. Before the oldest snapshot it holds the oldest; past the
   * newest it extrapolates players along their velocity for up to maxExtrapolationMs, then holds.
   * A new Map each call: callers may keep it.
   */
  sample(renderServerTimeMs: number): ReadonlyMap<number, InterpolatedEntity> {
    const out = new Map<number, InterpolatedEntity>();
    const snapshots = this.#snapshots;
    const oldest = snapshots[0];
    const newest = snapshots.at(-1);
    if (!oldest || !newest) return out;

    if (renderServerTimeMs >= newest.serverTimeMs) {
      const aheadMs = Math.min(renderServerTimeMs - newest.serverTimeMs, this.#maxExtrapolationMs);
      // Velocities are wire units per tick.
      const aheadTicks = (aheadMs * this.#tickHz) / 1000;
      for (const record of newest.view.entities.values()) {
        out.set(record.id, fromRecord(record, aheadTicks));
      }
      return out;
    }
    if (renderServerTimeMs <= oldest.serverTimeMs) {
      for (const record of oldest.view.entities.values()) out.set(record.id, fromRecord(record, 0));
      return out;
    }

    // Here oldest < render < newest, so a bracketing pair exists; a missing tick only widens it.
    let i = snapshots.length - 2;
    while (i > 0 && (snapshots[i] as BufferedSnapshot).serverTimeMs > renderServerTimeMs) i--;
    const from = snapshots[i] as BufferedSnapshot;
    const to = snapshots[i + 1] as BufferedSnapshot;
    const alpha = (renderServerTimeMs - from.serverTimeMs) / (to.serverTimeMs - from.serverTimeMs);
    blend(from.view.entities, to.view.entities, alpha, out);
    return out;
  }

  /** RFC 3550 interarrival jitter: the change in transit time, relative to server spacing. */
  #measureJitter(serverTimeMs: number, arrivalClientMs: number): void {
    if (!Number.isFinite(arrivalClientMs)) return;
    const transitMs = arrivalClientMs - serverTimeMs;
    this.#transitMs =
      this.#transitMs === null
        ? transitMs
        : this.#transitMs + (transitMs - this.#transitMs) * SMOOTHING_GAIN;
    const last = this.#lastArrival;
    this.#lastArrival = { serverTimeMs, clientMs: arrivalClientMs };
    if (!last) return;
    const transitChangeMs = arrivalClientMs - last.clientMs - (serverTimeMs - last.serverTimeMs);
    this.#jitterMs += (Math.abs(transitChangeMs) - this.#jitterMs) * SMOOTHING_GAIN;
  }
}

/**
 * Writes into `out` every entity of two id-sorted tables: interpolated when in both, as-is from
 * the one table that has it otherwise (entering or leaving view).
 */
function blend(
  from: EntityTable,
  to: EntityTable,
  alpha: number,
  out: Map<number, InterpolatedEntity>,
): void {
  let i = 0;
  let j = 0;
  while (i < from.count || j < to.count) {
    const fromId = i < from.count ? (from.ids[i] as number) : Infinity;
    const toId = j < to.count ? (to.ids[j] as number) : Infinity;
    if (fromId < toId) {
      const a = from.recordAt(i++);
      out.set(a.id, fromRecord(a, 0));
    } else if (toId < fromId) {
      const b = to.recordAt(j++);
      out.set(b.id, fromRecord(b, 0));
    } else {
      const a = from.recordAt(i++);
      const b = to.recordAt(j++);
      out.set(b.id, lerpRecord(a, b, alpha));
    }
  }
}

function lerpRecord(a: EntityRecord, b: EntityRecord, alpha: number): InterpolatedEntity {
  const x = a.x + (b.x - a.x) * alpha;
  const y = a.y + (b.y - a.y) * alpha;
  if (b.kind === EntityKind.Player) {
    // An id whose kind changed is a different entity: do not blend the angle from a pellet.
    const aim = a.kind === EntityKind.Player ? lerpAngle(a.aim, b.aim, alpha) : b.aim;
    return { id: b.id, kind: b.kind, x, y, aim, name: b.name };
  }
  return { id: b.id, kind: b.kind, x, y };
}

/** Extrapolates a player `aheadTicks` along its velocity; pellets do not move. */
function fromRecord(r: EntityRecord, aheadTicks: number): InterpolatedEntity {
  if (r.kind === EntityKind.Player) {
    return {
      id: r.id,
      kind: r.kind,
      x: r.x + r.vx * aheadTicks,
      y: r.y + r.vy * aheadTicks,
      aim: r.aim,
      name: r.name,
    };
  }
  return { id: r.id, kind: r.kind, x: r.x, y: r.y };
}

/** Interpolates two wire angles along the shorter way round; the result is in [0, ANGLE_STEPS). */
export function lerpAngle(fromAim: number, toAim: number, alpha: number): number {
  const half = ANGLE_STEPS / 2;
  // Difference folded into [-half, half): 250 -> 6 is +12, not -244.
  const diff = ((((toAim - fromAim + half) % ANGLE_STEPS) + ANGLE_STEPS) % ANGLE_STEPS) - half;
  const aim = fromAim + diff * alpha;
  return ((aim % ANGLE_STEPS) + ANGLE_STEPS) % ANGLE_STEPS;
}
