import { extrapolateX, extrapolateY, stepMotion } from './movement.js';
import type { Motion, Velocity } from './movement.js';
import type { Controls } from '../messages/client.js';

// Client-side prediction of the own player, with reconciliation against the server
// (README.md, "Netcode").
//
// The server applies, before each tick's step, the newest Input it has received, and echoes its
// seq in every Snapshot as `inputAck`. The predictor runs the same rule on the same integers
// (the game's `applyInput` rule, then the engine's linear `stepMotion`, as the server does): each input the
// client sends is tagged with the tick it should reach the server by, and stepping tick k applies
// the newest input tagged at or before k. When a snapshot arrives, the server's state at its tick
// replaces the prediction there and the inputs the server had not applied yet are replayed on top.
// When every input reached the server in the tick it was tagged with, the replay lands exactly
// where the prediction was: error and correction are 0.
//
// Pure: no clock, no socket. Ticks are the server's tick numbers; positions are wire units.

export interface PredictorOptions<C extends Controls = Controls> {
  /**
   * The game's shared rule for an input: sets the own entity's velocity from the controls (the
   * server's game runs the same function when it applies the Input).
   */
  applyInput: (m: Motion, controls: Readonly<C>) => void;
  /** Largest wire coordinate on each axis (world size × POSITION_SCALE). */
  maxX: number;
  maxY: number;
  /** Predicted positions kept, one per tick, to measure errors against. Default 128. */
  historyTicks?: number;
  /** Unacknowledged inputs kept at most; older ones are forgotten. Default 256. */
  maxPendingInputs?: number;
}

/** An input the client sent and the server has not acknowledged yet. */
export interface PredictedInput<C extends Controls = Controls> {
  readonly seq: number;
  readonly controls: Readonly<C>;
  /** The tick whose step the input should take effect in. */
  readonly tick: number;
}

/** What one snapshot changed in the prediction. */
export interface Reconciliation {
  /** The snapshot's tick. */
  readonly tick: number;
  /**
   * Distance in wire units between where the prediction had the player at `tick` and where the
   * server had it; null when that tick was never predicted (e.g. the first snapshot).
   */
  readonly errorWire: number | null;
  /** How far the present predicted position moved, in wire units (new minus old). */
  readonly correctionX: number;
  readonly correctionY: number;
}

/** The predicted own player: position and velocity in wire units at `tick`. */
export interface PredictedState extends Motion {
  readonly tick: number;
}

export class Predictor<C extends Controls = Controls> {
  readonly #applyInput: (m: Motion, controls: Readonly<C>) => void;
  readonly #maxX: number;
  readonly #maxY: number;
  readonly #maxPending: number;
  readonly #historyTick: Int32Array;
  readonly #historyX: Int32Array;
  readonly #historyY: Int32Array;

  #hasState = false;
  readonly #motion: Motion = { x: 0, y: 0, vx: 0, vy: 0 };
  #tick = 0;
  /** Seq of the newest input the present state has applied. */
  #appliedSeq = 0;
  /** Ascending by seq, and by tick (tags never decrease). */
  #pending: PredictedInput<C>[] = [];
  /** Tick of the newest snapshot reconciled against. */
  #reconciledTick = -1;

  constructor(options: PredictorOptions<C>) {
    this.#applyInput = options.applyInput;
    this.#maxX = options.maxX;
    this.#maxY = options.maxY;
    this.#maxPending = options.maxPendingInputs ?? 256;
    const historyTicks = options.historyTicks ?? 128;
    this.#historyTick = new Int32Array(historyTicks).fill(-1);
    this.#historyX = new Int32Array(historyTicks);
    this.#historyY = new Int32Array(historyTicks);
  }

  /** Whether a server state has been seen (nothing is predicted before it). */
  get hasState(): boolean {
    return this.#hasState;
  }

  /** The prediction at its present tick. Meaningless before `hasState`. */
  get state(): PredictedState {
    const m = this.#motion;
    return { tick: this.#tick, x: m.x, y: m.y, vx: m.vx, vy: m.vy };
  }

  /** Inputs sent and not yet acknowledged by the server. */
  get pendingInputs(): readonly PredictedInput<C>[] {
    return this.#pending;
  }

  /** Forgets everything (a new connection, a new player). */
  reset(): void {
    this.#hasState = false;
    this.#tick = 0;
    this.#appliedSeq = 0;
    this.#pending = [];
    this.#reconciledTick = -1;
    this.#historyTick.fill(-1);
  }

  /**
   * Records an input the client just sent, to take effect in the step of `tick`. A tag at or
   * before the present tick (the clock estimate moved back) is moved to the next tick: the
   * present is already drawn.
   */
  addInput(seq: number, controls: Readonly<C>, tick: number): void {
    const last = this.#pending.at(-1);
    if (last && seq <= last.seq) throw new RangeError(`input seq ${seq} after ${last.seq}`);
    let at = Math.max(tick, last?.tick ?? tick);
    if (this.#hasState) at = Math.max(at, this.#tick + 1);
    this.#pending.push({ seq, controls: { ...controls }, tick: at });
    if (this.#pending.length > this.#maxPending) this.#pending.shift();
  }

  /** Steps the prediction forward to `tick`; never backwards. */
  advanceTo(tick: number): void {
    if (!this.#hasState) return;
    while (this.#tick < tick) this.#step();
  }

  /** The velocity the step into the next tick will use (for drawing between ticks). */
  nextVelocity(): Velocity {
    const input = this.#inputFor(this.#tick + 1);
    return input ? this.#velocityWith(input.controls) : this.#motion;
  }

  /** The velocity the rule gives the present state for `controls`. */
  #velocityWith(controls: Readonly<C>): Velocity {
    const m = { ...this.#motion };
    this.#applyInput(m, controls);
    return { vx: m.vx, vy: m.vy };
  }

  /**
   * Position `fraction` (0..1) of the way into the next tick's step, in wire units, fractional.
   * Clamped to the world like the step itself. `controls`, when given, are what the player
   * holds right now: drawing with them moves the player on the frame a key goes down, even
   * before the Input carrying them has been sent.
   */
  positionAt(fraction: number, controls?: Readonly<C>): { x: number; y: number } {
    const m = this.#motion;
    const { vx, vy } = controls === undefined ? this.nextVelocity() : this.#velocityWith(controls);
    const ahead = { x: m.x, y: m.y, vx, vy };
    return {
      x: extrapolateX(ahead, fraction, this.#maxX),
      y: extrapolateY(ahead, fraction, this.#maxY),
    };
  }

  /**
   * Takes the server's state of the own player at `tick` (from a snapshot whose inputAck is
   * `inputAck`) and replays the inputs it had not applied up to the present tick. Returns null
   * for a snapshot older than one already reconciled.
   */
  reconcile(tick: number, inputAck: number, server: Motion): Reconciliation | null {
    if (tick <= this.#reconciledTick) return null;
    this.#reconciledTick = tick;
    while (this.#pending.length > 0 && (this.#pending[0] as PredictedInput<C>).seq <= inputAck) {
      this.#pending.shift();
    }
    if (!this.#hasState) {
      this.#setState(tick, inputAck, server);
      return { tick, errorWire: null, correctionX: 0, correctionY: 0 };
    }
    // A prediction running behind the server (its clock estimate was late) catches up first, so
    // the error is measured at the same tick on both sides.
    const presentTick = Math.max(this.#tick, tick);
    this.advanceTo(presentTick);
    const errorWire = this.#errorAt(tick, server);
    const oldX = this.#motion.x;
    const oldY = this.#motion.y;
    this.#setState(tick, inputAck, server);
    this.advanceTo(presentTick);
    return {
      tick,
      errorWire,
      correctionX: this.#motion.x - oldX,
      correctionY: this.#motion.y - oldY,
    };
  }

  #setState(tick: number, inputAck: number, server: Motion): void {
    const m = this.#motion;
    m.x = server.x;
    m.y = server.y;
    m.vx = server.vx;
    m.vy = server.vy;
    this.#tick = tick;
    this.#appliedSeq = inputAck;
    this.#hasState = true;
    this.#remember();
  }

  #step(): void {
    const tick = this.#tick + 1;
    const input = this.#inputFor(tick);
    if (input) {
      this.#applyInput(this.#motion, input.controls);
      this.#appliedSeq = input.seq;
    }
    stepMotion(this.#motion, this.#maxX, this.#maxY);
    this.#tick = tick;
    this.#remember();
  }

  /** The newest input not yet applied whose tag is at or before `tick`, as the server picks. */
  #inputFor(tick: number): PredictedInput<C> | null {
    const pending = this.#pending;
    for (let i = pending.length - 1; i >= 0; i--) {
      const input = pending[i] as PredictedInput<C>;
      if (input.seq <= this.#appliedSeq) return null;
      if (input.tick <= tick) return input;
    }
    return null;
  }

  #remember(): void {
    const slot = this.#tick % this.#historyTick.length;
    this.#historyTick[slot] = this.#tick;
    this.#historyX[slot] = this.#motion.x;
    this.#historyY[slot] = this.#motion.y;
  }

  #errorAt(tick: number, server: Motion): number | null {
    const slot = tick % this.#historyTick.length;
    if (this.#historyTick[slot] !== tick) return null;
    return Math.hypot(
      (this.#historyX[slot] as number) - server.x,
      (this.#historyY[slot] as number) - server.y,
    );
  }
}
