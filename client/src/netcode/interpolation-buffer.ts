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
//
// The delay follows the send interval, not the tick: a server may tick at 60 Hz and send at 20
// (--send-hz). The interval is learned from the snapshots' ticks (send-cadence.ts); until the
// second snapshot tells it, nothing is interpolated and the first snapshot is held.

import { ANGLE_STEPS, FIELD_BASE, SLOT_EXPIRES, clamp } from '@tickwire/protocol';
import { SendCadence } from './send-cadence.js';
import type {
  CompiledField,
  CompiledKind,
  EntityRecord,
  EntityTable,
  ViewState,
} from '@tickwire/protocol';

/**
 * One entity as it should be drawn, for any game. Positions are in wire units (1/POSITION_SCALE
 * world units) and fractional after interpolation. How each entity moves comes from its kind in
 * the schema: `linear` kinds are interpolated and extrapolated along their velocity, `position`
 * kinds interpolated only, `static` kinds never move.
 */
export interface InterpolatedEntity {
  readonly id: number;
  /** Kind name. */
  readonly kind: string;
  readonly x: number;
  readonly y: number;
  /**
   * The record's fields as drawn: changing `angle8` fields interpolated along the shorter way
   * round (fractional, in [0, ANGLE_STEPS)), changing `quarter` fields linearly, every other
   * field as of the snapshot at or before the render time. The record itself when nothing is
   * interpolated.
   */
  readonly fields: EntityRecord;
}

export interface InterpolationBufferOptions {
  /** The server's tick rate (from Welcome): tick T is at server time T * 1000 / tickHz. */
  tickHz: number;
  /** Longest time linear entities are extrapolated past the newest snapshot before they hold. Default 100. */
  maxExtrapolationMs?: number;
  /** Largest wire coordinate on each axis: extrapolated motion stops there. Default unbounded. */
  maxX?: number;
  maxY?: number;
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
  readonly #maxX: number;
  readonly #maxY: number;

  /** Ascending by tick; never empty once a snapshot was accepted. */
  #snapshots: BufferedSnapshot[] = [];
  #lastArrival: { serverTimeMs: number; clientMs: number } | null = null;
  #jitterMs = 0;
  /** Smoothed arrival client time minus server time of snapshots; null before the first. */
  #transitMs: number | null = null;
  #lastRender: { clientMs: number; renderMs: number } | null = null;
  #snapshotIntervalMs: number;
  readonly #cadence = new SendCadence();

  constructor(options: InterpolationBufferOptions) {
    if (!(options.tickHz > 0 && Number.isFinite(options.tickHz))) {
      throw new RangeError(`tickHz must be positive, got ${options.tickHz}`);
    }
    this.#tickHz = options.tickHz;
    this.#tickMs = 1000 / options.tickHz;
    this.#maxExtrapolationMs = options.maxExtrapolationMs ?? 100;
    this.#maxBufferMs = options.maxBufferMs ?? 1000;
    this.#maxX = options.maxX ?? Infinity;
    this.#maxY = options.maxY ?? Infinity;
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
   * Smoothed server time between consecutive held snapshots, in ms. One tick until the second
   * snapshot, then the first gap (the send interval: several ticks when the server sends less
   * often than it ticks); grows when the server skips a send (e.g. under backpressure).
   */
  get snapshotIntervalMs(): number {
    return this.#snapshotIntervalMs;
  }

  /** Ticks between two sends, learned from the snapshots' ticks; null before the second. */
  get sendIntervalTicks(): number | null {
    return this.#cadence.intervalTicks;
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
   * the estimates change. A target more than 250 ms away is taken at once. -Infinity (hold the
   * oldest snapshot) until the send interval, which the delay follows, is known.
   */
  renderTimeMs(nowMs: number): number {
    if (this.#transitMs === null || this.#cadence.intervalTicks === null) return -Infinity;
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
      // The first gap is the send interval (a skip at a join is all but impossible): start
      // there rather than at one tick, which at 60 Hz ticks and 20 Hz sends is a third of it.
      this.#snapshotIntervalMs =
        this.#cadence.intervalTicks === null
          ? intervalMs
          : this.#snapshotIntervalMs + (intervalMs - this.#snapshotIntervalMs) * SMOOTHING_GAIN;
    }
    this.#cadence.observe(view.tick);
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
    this.#cadence.clear();
  }

  /**
   * Every entity as it should be drawn at `renderServerTimeMs`, by id in ascending id order.
   * Empty when no snapshot is held. Before the oldest snapshot it holds the oldest; past the
   * newest it extrapolates linear entities along their velocity for up to maxExtrapolationMs,
   * then holds. An entity whose lifetime ends by the render time is left out. A new Map each
   * call: callers may keep it.
   */
  sample(renderServerTimeMs: number): ReadonlyMap<number, InterpolatedEntity> {
    const out = new Map<number, InterpolatedEntity>();
    const snapshots = this.#snapshots;
    const oldest = snapshots[0];
    const newest = snapshots.at(-1);
    if (!oldest || !newest) return out;
    const renderTick = renderServerTimeMs / this.#tickMs;

    if (renderServerTimeMs >= newest.serverTimeMs) {
      const aheadMs = Math.min(renderServerTimeMs - newest.serverTimeMs, this.#maxExtrapolationMs);
      // Velocities are wire units per tick.
      const aheadTicks = (aheadMs * this.#tickHz) / 1000;
      const table = newest.view.entities;
      for (let i = 0; i < table.count; i++) {
        if (!hasExpired(table, i, renderTick)) put(out, this.#moved(table, i, aheadTicks));
      }
      return out;
    }
    if (renderServerTimeMs <= oldest.serverTimeMs) {
      const table = oldest.view.entities;
      for (let i = 0; i < table.count; i++) put(out, this.#moved(table, i, 0));
      return out;
    }

    // Here oldest < render < newest, so a bracketing pair exists; a missing tick only widens it.
    let i = snapshots.length - 2;
    while (i > 0 && (snapshots[i] as BufferedSnapshot).serverTimeMs > renderServerTimeMs) i--;
    const from = snapshots[i] as BufferedSnapshot;
    const to = snapshots[i + 1] as BufferedSnapshot;
    this.#blend(from, to, renderTick, out);
    return out;
  }

  /**
   * Writes into `out` every entity of two id-sorted tables: interpolated when in both. One only
   * in `from` is leaving (removed, or its lifetime ended): a linear one goes on along its
   * velocity until the render time reaches `to`. One only in `to` entered: a linear one is
   * drawn back along its velocity, up to one tick before its spawn tick when its kind has a
   * lifetime (so a shot leaves its gun instead of appearing ahead and waiting there, however
   * many ticks apart the snapshots are), else up to one tick.
   */
  #blend(
    fromSnapshot: BufferedSnapshot,
    toSnapshot: BufferedSnapshot,
    renderTick: number,
    out: Map<number, InterpolatedEntity>,
  ): void {
    const from = fromSnapshot.view.entities;
    const to = toSnapshot.view.entities;
    const sinceFromTicks = renderTick - fromSnapshot.tick;
    const untilToTicks = toSnapshot.tick - renderTick;
    const alpha = sinceFromTicks / (toSnapshot.tick - fromSnapshot.tick);
    let i = 0;
    let j = 0;
    while (i < from.count || j < to.count) {
      const fromId = i < from.count ? (from.ids[i] as number) : Infinity;
      const toId = j < to.count ? (to.ids[j] as number) : Infinity;
      if (fromId < toId) {
        if (!hasExpired(from, i, renderTick)) put(out, this.#moved(from, i, sinceFromTicks));
        i++;
      } else if (toId < fromId) {
        put(
          out,
          this.#moved(to, j, -Math.min(ticksSinceSpawn(to, j, toSnapshot.tick) + 1, untilToTicks)),
        );
        j++;
      } else {
        put(out, lerpEntity(from, i++, to, j++, alpha));
      }
    }
  }

  /** The entity at index `i` of `table`, a linear one moved `ticks` along its velocity. */
  #moved(table: EntityTable, i: number, ticks: number): InterpolatedEntity {
    const kind = table.kindAt(i);
    const o = i * table.stride + FIELD_BASE;
    const f = table.fields;
    let x = f[o] as number;
    let y = f[o + 1] as number;
    if (kind.hasVelocity && ticks !== 0) {
      x = clamp(x + (f[o + 2] as number) * ticks, 0, this.#maxX);
      y = clamp(y + (f[o + 3] as number) * ticks, 0, this.#maxY);
    }
    return { id: table.ids[i] as number, kind: kind.name, x, y, fields: table.recordAt(i) };
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

function put(out: Map<number, InterpolatedEntity>, entity: InterpolatedEntity): void {
  out.set(entity.id, entity);
}

/**
 * Ticks from the spawn of the entity at index `i` to `tick` when its kind has a lifetime (it
 * expires lifetimeTicks after its spawn, PROTOCOL.md 4.6), else 0: when it spawned is unknown.
 */
function ticksSinceSpawn(table: EntityTable, i: number, tick: number): number {
  const lifetimeTicks = table.kindAt(i).lifetimeTicks;
  if (lifetimeTicks === 0) return 0;
  const expiresTick = table.fields[i * table.stride + SLOT_EXPIRES] as number;
  return Math.max(0, tick - (expiresTick - lifetimeTicks));
}

/** Whether the entity at index `i` has a lifetime that ends by `tick`. */
function hasExpired(table: EntityTable, i: number, tick: number): boolean {
  const expires = table.fields[i * table.stride + SLOT_EXPIRES] as number;
  return expires !== 0 && tick >= expires;
}

/** A kind's fields that are interpolated: changing angle8 and quarter fields past x, y, vx, vy. */
const blendedFieldsByKind = new WeakMap<CompiledKind, readonly CompiledField[]>();

function blendedFields(kind: CompiledKind): readonly CompiledField[] {
  let fields = blendedFieldsByKind.get(kind);
  if (!fields) {
    const builtIns = kind.hasVelocity ? 4 : 2;
    fields = kind.fields
      .slice(builtIns)
      .filter((f) => !f.isConstant && (f.type === 'angle8' || f.type === 'quarter'));
    blendedFieldsByKind.set(kind, fields);
  }
  return fields;
}

/** One entity in both tables, `alpha` of the way from `from` to `to`. */
function lerpEntity(
  from: EntityTable,
  i: number,
  to: EntityTable,
  j: number,
  alpha: number,
): InterpolatedEntity {
  const kind = to.kindAt(j);
  const id = to.ids[j] as number;
  const b = j * to.stride + FIELD_BASE;
  // An id whose kind changed is a different entity: nothing is blended with the old one.
  if (from.kindAt(i) !== kind) {
    const fields = to.recordAt(j);
    return {
      id,
      kind: kind.name,
      x: to.fields[b] as number,
      y: to.fields[b + 1] as number,
      fields,
    };
  }
  const a = i * from.stride + FIELD_BASE;
  const ax = from.fields[a] as number;
  const ay = from.fields[a + 1] as number;
  const x = ax + ((to.fields[b] as number) - ax) * alpha;
  const y = ay + ((to.fields[b + 1] as number) - ay) * alpha;
  const record = from.recordAt(i);
  let fields: EntityRecord = record;
  for (const field of blendedFields(kind)) {
    const start = from.numberAt(i, field);
    const end = to.numberAt(j, field);
    if (start === end) continue;
    if (fields === record) fields = { ...record };
    (fields as Record<string, number | string>)[field.name] =
      field.type === 'angle8' ? lerpAngle(start, end, alpha) : start + (end - start) * alpha;
  }
  return { id, kind: kind.name, x, y, fields };
}

/** Interpolates two wire angles along the shorter way round; the result is in [0, ANGLE_STEPS). */
export function lerpAngle(fromAim: number, toAim: number, alpha: number): number {
  const half = ANGLE_STEPS / 2;
  // Difference folded into [-half, half): 250 -> 6 is +12, not -244.
  const diff = ((((toAim - fromAim + half) % ANGLE_STEPS) + ANGLE_STEPS) % ANGLE_STEPS) - half;
  const aim = fromAim + diff * alpha;
  return ((aim % ANGLE_STEPS) + ANGLE_STEPS) % ANGLE_STEPS;
}
