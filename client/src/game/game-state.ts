import { POSITION_SCALE, Replica, clamp } from '@tickwire/protocol';
import type {
  Controls,
  EntityRecord,
  Input,
  Pong,
  RoomSummary,
  Snapshot,
  SyncTarget,
  ViewState,
  Welcome,
} from '@tickwire/protocol';
import { followCamera, zoomToFit } from './camera.js';
import type { Camera, Viewport, WorldSize } from './camera.js';
import { numberField } from './game-module.js';
import type {
  ClientGame,
  GameContext,
  GameSession,
  InputState,
  Present,
  RenderEntity,
} from './game-module.js';
import type { Point } from './geometry.js';
import { OwnPrediction, noPredictionErrors } from './own-prediction.js';
import type { PredictionErrorFigures } from './own-prediction.js';
import { watchOnlySession } from './unknown-game.js';
import { ClockSync } from '../netcode/clock-sync.js';
import { InterpolationBuffer } from '../netcode/interpolation-buffer.js';
import type { InterpolatedEntity } from '../netcode/interpolation-buffer.js';
import { WindowedSeries } from '../netcode/net-stats.js';

/** Everything the renderer needs for one frame. The renderer reads it and nothing else. */
export interface Frame {
  /** World size in world units; null before Welcome. */
  world: WorldSize | null;
  camera: Camera;
  entities: readonly RenderEntity[];
  /** The own entity as drawn (predicted, or interpolated when the game predicts nothing). */
  self: RenderEntity | null;
}

/** The netcode's figures, for the net graph and the tests. Distances in world units. */
export interface NetcodeFigures extends PredictionErrorFigures {
  isClockSynced: boolean;
  /** The server's simulation rate (Welcome.tickHz); 0 before Welcome. */
  tickHz: number;
  /**
   * Snapshots the server sends a second, learned from their ticks (a server may send every
   * few ticks, --send-hz); null until the second snapshot.
   */
  sendHz: number | null;
  rttMs: number;
  rttJitterMs: number;
  /** Smoothed arrival jitter of snapshots (RFC 3550). */
  snapshotJitterMs: number;
  interpolationDelayMs: number;
  /** Snapshots applied in the last second. */
  snapshotsPerSecond: number;
  /** How far ahead of the server's newest tick the own entity is predicted, in ms. */
  predictionLeadMs: number;
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
 * The client's game state, for any game: fed by the connection (it is its SyncTarget) and read
 * by the renderer through `frame()`. It holds the replica of the server's view, the clock
 * estimate, the interpolation buffer, the prediction of the own entity, and the session of the
 * game's client module, picked by the Welcome's schema. No socket, no drawing, no clock of its
 * own: every time is passed in.
 */
export class GameState implements SyncTarget {
  readonly clock = new ClockSync();
  readonly #games: ReadonlyMap<string, ClientGame>;
  #welcome: Welcome | null = null;
  #welcomeClock: WelcomeClock | null = null;
  #context: GameContext | null = null;
  #game: ClientGame | null = null;
  #session: GameSession | null = null;
  #replica: Replica | null = null;
  #interpolation: InterpolationBuffer | null = null;
  #own: OwnPrediction | null = null;
  #latest: ViewState | null = null;
  /** inputAck of the snapshot that made `#latest`. */
  #latestInputAck = 0;
  #controls: Controls = {};
  #cameraTarget: Point = { x: 0, y: 0 };
  /** The entity the camera follows when there is no own entity (setCameraTarget). */
  #followId: number | null = null;
  /** The room's newest summary (players online, leaders); null before one, or after a Welcome. */
  #summary: RoomSummary | null = null;
  readonly #snapshots = new WindowedSeries(1000);

  /** `games`: the client modules by schema game name (games/client.ts). */
  constructor(games: ReadonlyMap<string, ClientGame> = new Map()) {
    this.#games = games;
  }

  get welcome(): Welcome | null {
    return this.#welcome;
  }

  /** The game's client module; null before Welcome and for a game this client does not know. */
  get game(): ClientGame | null {
    return this.#game;
  }

  /** What the Welcome said about the game; null before Welcome. */
  get context(): GameContext | null {
    return this.#context;
  }

  /** The game in play; null before Welcome. */
  get session(): GameSession | null {
    return this.#session;
  }

  /** Entity id of the own entity; null before Welcome. */
  get playerId(): number | null {
    return this.#welcome?.playerId ?? null;
  }

  /** The newest applied view (positions as the server sent them); null before the first. */
  get latestView(): ViewState | null {
    return this.#latest;
  }

  /** The own entity's newest server state; null when not in the view. */
  get selfRecord(): EntityRecord | null {
    const id = this.playerId;
    return id === null ? null : (this.#latest?.entities.get(id) ?? null);
  }

  /** The room's newest summary: players online and the leaderboard; null before the first. */
  get summary(): RoomSummary | null {
    return this.#summary;
  }

  onSummary(summary: RoomSummary): void {
    this.#summary = summary;
  }

  get ackTick(): number {
    return this.#replica?.tick ?? 0;
  }

  /**
   * Reads the controls the player holds from the input devices, through the game's mapping, and
   * keeps them: they are drawn at once, before any Input goes out. Returns them for the
   * connection to send.
   */
  readControls(input: InputState, nowMs: number): Controls {
    const session = this.#session;
    this.#controls = session ? session.controls(input, this.#presentAt(nowMs)) : {};
    return this.#controls;
  }

  /** The game's rule for which control changes go out at once (ConnectionOptions.isUrgentChange). */
  isUrgentChange(sent: Readonly<Controls>, now: Readonly<Controls>): boolean {
    const rule = this.#session?.isUrgentChange;
    if (rule) return rule.call(this.#session, sent, now);
    for (const name in now) if (sent[name] !== now[name]) return true;
    return false;
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
    // Another connection, maybe another room: the old summary is not this one's.
    this.#summary = null;
    const { schema, worldWidth, worldHeight } = welcome;
    const context: GameContext = {
      schema,
      playerId: welcome.playerId,
      tickHz: welcome.tickHz,
      worldWidth,
      worldHeight,
    };
    this.#context = context;
    const session = this.#startSession(context);
    this.#session = session;
    this.#controls = {};
    this.#replica = new Replica({ schema, worldWidth, worldHeight });
    const maxX = worldWidth * POSITION_SCALE;
    const maxY = worldHeight * POSITION_SCALE;
    this.#interpolation = new InterpolationBuffer({ tickHz: welcome.tickHz, maxX, maxY });
    this.#own = session.applyInput
      ? new OwnPrediction({
          applyInput: session.applyInput,
          maxX,
          maxY,
          snapDistanceWire: SNAP_DISTANCE_UNITS * POSITION_SCALE,
        })
      : null;
    this.#latest = null;
    this.#snapshots.clear();
    if (this.#cameraTarget.x === 0 && this.#cameraTarget.y === 0) {
      this.#cameraTarget = { x: worldWidth / 2, y: worldHeight / 2 };
    }
  }

  onPong(pong: Pong, receivedAtMs: number): void {
    this.clock.addSample(pong.clientTimeMs, receivedAtMs, pong.serverTimeMs);
  }

  onInputSent(input: Input, sentAtMs: number): void {
    // The server applies an Input before the first tick that starts after it arrives.
    const present = this.#presentAt(sentAtMs);
    let tick = Math.floor(present.tick) + 1;
    if (this.#own) tick = this.#own.addInput(input.seq, input.controls, tick);
    this.#session?.onInputSent?.(input, tick, present);
  }

  /** Throws ReplicaError (and changes nothing) when the snapshot cannot be applied. */
  applySnapshot(snapshot: Snapshot, receivedAtMs: number): void {
    if (!this.#replica) throw new Error('GameState.applySnapshot: no Welcome yet');
    const view = this.#replica.apply(snapshot);
    this.#latest = view;
    this.#latestInputAck = snapshot.inputAck;
    this.#interpolation?.onSnapshot(view, receivedAtMs);
    this.#snapshots.add(1, receivedAtMs);

    const own = this.#own;
    const id = this.playerId;
    if (!own || id === null) return;
    const i = view.entities.indexOf(id);
    if (i < 0 || !view.entities.kindAt(i).hasVelocity) return;
    const self = view.entities.recordAt(i);
    const motion = {
      x: numberField(self, 'x'),
      y: numberField(self, 'y'),
      vx: numberField(self, 'vx'),
      vy: numberField(self, 'vy'),
    };
    own.reconcile(
      view.tick,
      snapshot.inputAck,
      motion,
      this.#presentTick(receivedAtMs),
      receivedAtMs,
    );
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
    this.#summary = null;
    this.#followId = null;
    this.#welcome = null;
    this.#welcomeClock = null;
    this.#context = null;
    this.#game = null;
    this.#session = null;
    this.#replica = null;
    this.#interpolation = null;
    this.#own = null;
    this.#latest = null;
    this.#controls = {};
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
    const tickHz = this.#welcome?.tickHz ?? 0;
    const sendIntervalTicks = interpolation?.sendIntervalTicks ?? null;
    return {
      isClockSynced: this.clock.isSynced,
      tickHz,
      sendHz: sendIntervalTicks === null ? null : tickHz / sendIntervalTicks,
      rttMs: this.clock.rttMs,
      rttJitterMs: this.clock.jitterMs,
      snapshotJitterMs: interpolation?.jitterMs ?? 0,
      interpolationDelayMs: interpolation?.delayMs ?? 0,
      snapshotsPerSecond: this.#snapshots.ratePerSecond(nowMs),
      predictionLeadMs:
        this.#latest === null ? 0 : this.#presentTick(nowMs) * tickMs - this.#latest.tick * tickMs,
      ...(this.#own?.figures(nowMs) ?? noPredictionErrors()),
    };
  }

  /**
   * Where the camera looks while there is no own entity (a spectator's camera), in world units,
   * and the entity it follows (null: none): `frame` centres on that entity as it draws it, and
   * on the own entity, when there is one, before anything else.
   */
  setCameraTarget(target: Point, followId: number | null = null): void {
    this.#cameraTarget = target;
    this.#followId = followId;
  }

  /** Where the last frame's camera was centred (before it was kept inside the world). */
  get cameraTarget(): Point {
    return this.#cameraTarget;
  }

  /** What to draw at client time `nowMs` on a viewport of the given size. */
  frame(nowMs: number, viewport: Viewport): Frame {
    const welcome = this.#welcome;
    const world = welcome ? { width: welcome.worldWidth, height: welcome.worldHeight } : null;
    const entities: RenderEntity[] = [];
    const present = this.#presentAt(nowMs);
    const id = this.playerId;
    const predictedSelf = this.#drawPredictedSelf(present);
    let self = predictedSelf;
    let followed: RenderEntity | null = null;
    const session = this.#session;
    const interpolation = this.#interpolation;
    if (interpolation) {
      for (const e of interpolation.sample(interpolation.renderTimeMs(nowMs)).values()) {
        if (e.id === id) {
          // Drawn in the past like the others only when the game does not predict it.
          if (predictedSelf) continue;
          self = toRenderEntity(e, true);
          entities.push(self);
        } else if (!session?.isPredicted?.(e.fields)) {
          const entity = toRenderEntity(e, false);
          entities.push(entity);
          if (e.id === this.#followId) followed = entity;
        }
      }
    }
    for (const e of session?.predict?.(present) ?? []) entities.push(e);
    if (predictedSelf) entities.push(predictedSelf);
    const centre = self ?? followed;
    if (centre) this.#cameraTarget = { x: centre.x, y: centre.y };
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

  /**
   * The game's session for this Welcome. A module that cannot play the schema the server sent
   * (it throws: a constant it needs is missing, say) leaves the game to be watched only.
   */
  #startSession(context: GameContext): GameSession {
    const name = context.schema.game;
    const game = this.#games.get(name) ?? null;
    this.#game = game;
    if (!game) return watchOnlySession(name);
    try {
      return game.start(context);
    } catch (error) {
      this.#game = null;
      return watchOnlySession(name, error instanceof Error ? error.message : String(error));
    }
  }

  /** The own entity, predicted: drawn at the present with the controls held now. */
  #drawPredictedSelf(present: Present): RenderEntity | null {
    const own = this.#own;
    const id = this.playerId;
    if (!own?.hasState || id === null) return null;
    const record = this.#latest?.entities.get(id);
    if (!record) return null;
    const at = own.drawnAt(present.tick, this.#controls, present.nowMs);
    return {
      id,
      kind: record.kind,
      x: at.x / POSITION_SCALE,
      y: at.y / POSITION_SCALE,
      isSelf: true,
      fields: this.#withHeldControls(record),
    };
  }

  /** The own record with every field named like an input field set to what the player holds. */
  #withHeldControls(record: EntityRecord): Readonly<Record<string, number | string>> {
    let fields: Record<string, number | string> | null = null;
    for (const name in this.#controls) {
      const held = this.#controls[name];
      if (held === undefined || !(name in record) || record[name] === held) continue;
      fields ??= { ...record };
      fields[name] = held;
    }
    return fields ?? record;
  }

  #presentAt(nowMs: number): Present {
    const tick = this.#presentTick(nowMs);
    const view = this.#latest;
    const maxX = (this.#welcome?.worldWidth ?? 0) * POSITION_SCALE;
    const maxY = (this.#welcome?.worldHeight ?? 0) * POSITION_SCALE;
    return {
      nowMs,
      tick,
      view,
      inputAck: view ? this.#latestInputAck : 0,
      selfAt: (at) => this.#own?.motionAt(at, tick) ?? null,
      extrapolate: (record, at) => {
        const ticks = at - (view?.tick ?? at);
        return {
          x: clamp(numberField(record, 'x') + numberField(record, 'vx') * ticks, 0, maxX),
          y: clamp(numberField(record, 'y') + numberField(record, 'vy') * ticks, 0, maxY),
        };
      },
    };
  }

  /**
   * The tick (fractional) the own entity is predicted at: the tick an Input sent now reaches the
   * server in. Server time now plus half the round trip.
   */
  #presentTick(nowMs: number): number {
    const tickHz = this.#welcome?.tickHz ?? 30;
    const leadMs = this.clock.sampleCount > 0 ? this.clock.rttMs / 2 : 0;
    return ((this.serverNowMs(nowMs) + leadMs) * tickHz) / 1000;
  }
}

function toRenderEntity(e: InterpolatedEntity, isSelf: boolean): RenderEntity {
  return {
    id: e.id,
    kind: e.kind,
    x: e.x / POSITION_SCALE,
    y: e.y / POSITION_SCALE,
    isSelf,
    fields: e.fields,
  };
}
