import {
  EntityKind,
  NO_DIRECTION,
  POSITION_SCALE,
  Predictor,
  Replica,
  fromWireAngle,
} from '@tickwire/protocol';
import type { Input, Pong, Snapshot, SyncTarget, ViewState, Welcome } from '@tickwire/protocol';
import { followCamera, zoomToFit } from './camera.js';
import type { Camera, Viewport, WorldSize } from './camera.js';
import type { Point } from './geometry.js';
import { ClockSync } from '../netcode/clock-sync.js';
import { CorrectionSmoother } from '../netcode/correction-smoother.js';
import { InterpolationBuffer } from '../netcode/interpolation-buffer.js';
import type { InterpolatedEntity } from '../netcode/interpolation-buffer.js';
import { WindowedSeries } from '../netcode/net-stats.js';

/** One entity as the renderer draws it: world units, at the render time. */
export interface RenderEntity {
  id: number;
  kind: EntityKind;
  x: number;
  y: number;
  /** Player name; '' for pellets. */
  name: string;
  /** Facing, in radians (0 = +x, clockwise on screen since +y is down). */
  aimRadians: number;
  isSelf: boolean;
}

/** Everything the renderer needs for one frame. The renderer reads it and nothing else. */
export interface Frame {
  /** World size in world units; null before Welcome. */
  world: WorldSize | null;
  camera: Camera;
  entities: readonly RenderEntity[];
  /** The own player, once the prediction has a server state. */
  self: RenderEntity | null;
}

/** What the player holds right now, in wire units (the connection sends the same). */
export interface LocalControls {
  moveDir: number;
  aim: number;
}

/** The netcode's figures, for the net graph and the tests. Distances in world units. */
export interface NetcodeFigures {
  isClockSynced: boolean;
  rttMs: number;
  rttJitterMs: number;
  /** Smoothed arrival jitter of snapshots (RFC 3550). */
  snapshotJitterMs: number;
  interpolationDelayMs: number;
  /** Snapshots applied in the last second. */
  snapshotsPerSecond: number;
  /** How far ahead of the server's newest tick the own player is predicted, in ms. */
  predictionLeadMs: number;
  /** Prediction error at each snapshot's tick: newest, largest and mean over the last second. */
  predictionErrorLast: number;
  predictionErrorMax: number;
  predictionErrorMean: number;
  /** Largest prediction error since Welcome. */
  predictionErrorMaxEver: number;
  /** Snapshots whose prediction error was measured since Welcome. */
  predictionSamples: number;
}

/** A server-time estimate from the Welcome alone, until the first Pong. */
interface WelcomeClock {
  serverTimeMs: number;
  receivedAtMs: number;
}

/** Beyond this the server is not the one the clock knew (it restarted): start clock sync over. */
const CLOCK_RESTART_MS = 1000;
/** A correction longer than this (world units) is a teleport: shown at once, not slid. */
const SNAP_DISTANCE_UNITS = 200;

/**
 * The client's game state, fed by the connection (it is its SyncTarget) and read by the renderer
 * through `frame()`. It holds the replica of the server's view, the clock estimate, the
 * interpolation buffer for everything but the own player, and the prediction of the own player.
 * No socket, no drawing, no clock of its own: every time is passed in.
 */
export class GameState implements SyncTarget {
  readonly clock = new ClockSync();
  #welcome: Welcome | null = null;
  #welcomeClock: WelcomeClock | null = null;
  #replica: Replica | null = null;
  #interpolation: InterpolationBuffer | null = null;
  #predictor: Predictor | null = null;
  readonly #smoother = new CorrectionSmoother({
    snapDistance: SNAP_DISTANCE_UNITS * POSITION_SCALE,
  });
  #latest: ViewState | null = null;
  #controls: LocalControls = { moveDir: NO_DIRECTION, aim: 0 };
  #cameraTarget: Point = { x: 0, y: 0 };
  readonly #errors = new WindowedSeries(1000);
  readonly #snapshots = new WindowedSeries(1000);
  #maxErrorEver = 0;
  #errorSamples = 0;

  get welcome(): Welcome | null {
    return this.#welcome;
  }

  /** Entity id of the own player; null before Welcome. */
  get playerId(): number | null {
    return this.#welcome?.playerId ?? null;
  }

  /** The newest applied view (positions as the server sent them); null before the first. */
  get latestView(): ViewState | null {
    return this.#latest;
  }

  get ackTick(): number {
    return this.#replica?.tick ?? 0;
  }

  /** What the player holds now: drawn at once, before any Input goes out. */
  setControls(controls: LocalControls): void {
    this.#controls = { moveDir: controls.moveDir, aim: controls.aim };
  }

  onWelcome(welcome: Welcome, receivedAtMs: number): void {
    if (
      this.clock.sampleCount > 0 &&
      Math.abs(this.clock.serverNowMs(receivedAtMs) - welcome.serverTimeMs) > CLOCK_RESTART_MS
    ) {
      this.clock.reset();
    }
    this.#welcome = welcome;
    this.#welcomeClock = { serverTimeMs: welcome.serverTimeMs, receivedAtMs };
    this.#replica = new Replica({
      worldWidth: welcome.worldWidth,
      worldHeight: welcome.worldHeight,
    });
    this.#interpolation = new InterpolationBuffer({ tickHz: welcome.tickHz });
    this.#predictor = new Predictor({
      speed: welcome.playerSpeed,
      maxX: welcome.worldWidth * POSITION_SCALE,
      maxY: welcome.worldHeight * POSITION_SCALE,
    });
    this.#smoother.reset();
    this.#latest = null;
    this.#errors.clear();
    this.#snapshots.clear();
    this.#maxErrorEver = 0;
    this.#errorSamples = 0;
    if (this.#cameraTarget.x === 0 && this.#cameraTarget.y === 0) {
      this.#cameraTarget = { x: welcome.worldWidth / 2, y: welcome.worldHeight / 2 };
    }
  }

  onPong(pong: Pong, receivedAtMs: number): void {
    this.clock.addSample(pong.clientTimeMs, receivedAtMs, pong.serverTimeMs);
  }

  onInputSent(input: Input, sentAtMs: number): void {
    // The server applies an Input before the first tick that starts after it arrives.
    this.#predictor?.addInput(
      input.seq,
      input.moveDir,
      Math.floor(this.#presentTick(sentAtMs)) + 1,
    );
  }

  /** Throws ReplicaError (and changes nothing) when the snapshot cannot be applied. */
  applySnapshot(snapshot: Snapshot, receivedAtMs: number): void {
    if (!this.#replica) throw new Error('GameState.applySnapshot: no Welcome yet');
    const view = this.#replica.apply(snapshot);
    this.#latest = view;
    this.#interpolation?.onSnapshot(view, receivedAtMs);
    this.#snapshots.add(1, receivedAtMs);

    const self = this.playerId === null ? undefined : view.entities.get(this.playerId);
    const predictor = this.#predictor;
    if (!predictor || self?.kind !== EntityKind.Player) return;
    predictor.advanceTo(Math.floor(this.#presentTick(receivedAtMs)));
    const reconciliation = predictor.reconcile(view.tick, snapshot.inputAck, self);
    if (!reconciliation) return;
    if (reconciliation.errorWire !== null) {
      const errorUnits = reconciliation.errorWire / POSITION_SCALE;
      this.#errors.add(errorUnits, receivedAtMs);
      this.#maxErrorEver = Math.max(this.#maxErrorEver, errorUnits);
      this.#errorSamples++;
    }
    this.#smoother.correct(reconciliation.correctionX, reconciliation.correctionY, receivedAtMs);
  }

  /**
   * Forgets the replica's baselines. What is on screen stays until the full snapshot the server
   * sends next replaces it.
   */
  resetReplica(): void {
    this.#replica?.reset();
  }

  /** Forgets the room (after leaving); the camera stays where it was. */
  clear(): void {
    this.#welcome = null;
    this.#welcomeClock = null;
    this.#replica = null;
    this.#interpolation = null;
    this.#predictor = null;
    this.#latest = null;
  }

  /** The server clock now, in ms, from clock sync (or from the Welcome until the first Pong). */
  serverNowMs(nowMs: number): number {
    if (this.clock.sampleCount > 0) return this.clock.serverNowMs(nowMs);
    const w = this.#welcomeClock;
    return w ? w.serverTimeMs + (nowMs - w.receivedAtMs) : nowMs;
  }

  figures(nowMs: number): NetcodeFigures {
    const interpolation = this.#interpolation;
    const tickMs = 1000 / (this.#welcome?.tickHz ?? 30);
    return {
      isClockSynced: this.clock.isSynced,
      rttMs: this.clock.rttMs,
      rttJitterMs: this.clock.jitterMs,
      snapshotJitterMs: interpolation?.jitterMs ?? 0,
      interpolationDelayMs: interpolation?.delayMs ?? 0,
      snapshotsPerSecond: this.#snapshots.ratePerSecond(nowMs),
      predictionLeadMs:
        this.#latest === null ? 0 : this.#presentTick(nowMs) * tickMs - this.#latest.tick * tickMs,
      predictionErrorLast: this.#errors.last ?? 0,
      predictionErrorMax: this.#errors.max(nowMs),
      predictionErrorMean: this.#errors.mean(nowMs),
      predictionErrorMaxEver: this.#maxErrorEver,
      predictionSamples: this.#errorSamples,
    };
  }

  /** What to draw at client time `nowMs` on a viewport of the given size. */
  frame(nowMs: number, viewport: Viewport): Frame {
    const welcome = this.#welcome;
    const world = welcome ? { width: welcome.worldWidth, height: welcome.worldHeight } : null;
    const entities: RenderEntity[] = [];
    const self = this.#drawSelf(nowMs);
    const interpolation = this.#interpolation;
    if (interpolation) {
      for (const e of interpolation.sample(interpolation.renderTimeMs(nowMs)).values()) {
        if (e.id !== this.playerId) entities.push(toRenderEntity(e));
      }
    }
    if (self) {
      entities.push(self);
      this.#cameraTarget = { x: self.x, y: self.y };
    }
    const zoom = welcome
      ? zoomToFit(viewport, { width: welcome.viewWidth, height: welcome.viewHeight })
      : 1;
    return {
      world,
      camera: followCamera(this.#cameraTarget, world, viewport, zoom),
      entities,
      self,
    };
  }

  /** The own player: predicted, between ticks with the direction held now, corrections smoothed. */
  #drawSelf(nowMs: number): RenderEntity | null {
    const predictor = this.#predictor;
    const id = this.playerId;
    if (!predictor?.hasState || id === null) return null;
    const present = this.#presentTick(nowMs);
    predictor.advanceTo(Math.floor(present));
    const at = predictor.positionAt(present - Math.floor(present), this.#controls.moveDir);
    const offset = this.#smoother.offsetAt(nowMs);
    const record = this.#latest?.entities.get(id);
    return {
      id,
      kind: EntityKind.Player,
      x: (at.x + offset.x) / POSITION_SCALE,
      y: (at.y + offset.y) / POSITION_SCALE,
      name: record?.kind === EntityKind.Player ? record.name : '',
      aimRadians: fromWireAngle(this.#controls.aim),
      isSelf: true,
    };
  }

  /**
   * The tick (fractional) the own player is predicted at: the tick an Input sent now reaches the
   * server in. Server time now plus half the round trip.
   */
  #presentTick(nowMs: number): number {
    const tickHz = this.#welcome?.tickHz ?? 30;
    const leadMs = this.clock.sampleCount > 0 ? this.clock.rttMs / 2 : 0;
    return ((this.serverNowMs(nowMs) + leadMs) * tickHz) / 1000;
  }
}

function toRenderEntity(e: InterpolatedEntity): RenderEntity {
  return {
    id: e.id,
    kind: e.kind,
    x: e.x / POSITION_SCALE,
    y: e.y / POSITION_SCALE,
    name: e.name ?? '',
    aimRadians: fromWireAngle(e.aim ?? 0),
    isSelf: false,
  };
}
