import { POSITION_SCALE, Predictor, extrapolateX, extrapolateY } from '@tickwire/protocol';
import type { Controls, Motion } from '@tickwire/protocol';
import type { Point } from './geometry.js';
import { CorrectionSmoother } from '../netcode/correction-smoother.js';
import { WindowedSeries } from '../netcode/net-stats.js';

export interface OwnPredictionOptions {
  /** The game's input rule (GameSession.applyInput). */
  applyInput: (m: Motion, controls: Readonly<Controls>) => void;
  /** Largest wire coordinate on each axis. */
  maxX: number;
  maxY: number;
  /** A correction longer than this (wire units) is a teleport: shown at once, not slid. */
  snapDistanceWire: number;
}

/** Prediction errors, world units. */
export interface PredictionErrorFigures {
  predictionErrorLast: number;
  predictionErrorMax: number;
  predictionErrorMean: number;
  predictionErrorMaxEver: number;
  predictionSamples: number;
}

/**
 * The own entity, predicted: the protocol's Predictor running the game's input rule, its
 * corrections slid in by a CorrectionSmoother, and its errors measured. Ticks are the server's;
 * positions wire units. No clock of its own: the caller passes the present tick.
 */
export class OwnPrediction {
  readonly #predictor: Predictor;
  readonly #smoother: CorrectionSmoother;
  readonly #maxX: number;
  readonly #maxY: number;
  readonly #errors = new WindowedSeries(1000);
  #maxErrorEver = 0;
  #errorSamples = 0;

  constructor(options: OwnPredictionOptions) {
    this.#predictor = new Predictor({
      applyInput: options.applyInput,
      maxX: options.maxX,
      maxY: options.maxY,
    });
    this.#smoother = new CorrectionSmoother({ snapDistance: options.snapDistanceWire });
    this.#maxX = options.maxX;
    this.#maxY = options.maxY;
  }

  /** Whether a server state has been seen (nothing is drawn before it). */
  get hasState(): boolean {
    return this.#predictor.hasState;
  }

  /** Records an Input the client sent for the step of `tick`; returns the tick it was given. */
  addInput(seq: number, controls: Readonly<Controls>, tick: number): number {
    this.#predictor.addInput(seq, controls, tick);
    return this.#predictor.pendingInputs.at(-1)?.tick ?? tick;
  }

  /** Takes the server's state at `tick` (a snapshot with `inputAck`) and replays what it lacks. */
  reconcile(
    tick: number,
    inputAck: number,
    server: Motion,
    presentTick: number,
    receivedAtMs: number,
  ): void {
    this.#predictor.advanceTo(Math.floor(presentTick));
    const reconciliation = this.#predictor.reconcile(tick, inputAck, server);
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
   * Where to draw the own entity at fractional tick `presentTick`, in wire units: between ticks
   * with the controls held now (so it moves on the frame a key goes down), corrections smoothed.
   */
  drawnAt(presentTick: number, controls: Readonly<Controls>, nowMs: number): Point {
    const whole = Math.floor(presentTick);
    this.#predictor.advanceTo(whole);
    const at = this.#predictor.positionAt(presentTick - whole, controls);
    const offset = this.#smoother.offsetAt(nowMs);
    return { x: at.x + offset.x, y: at.y + offset.y };
  }

  /**
   * The predicted motion at the end of integer `tick`: stepped up to the present tick at most,
   * then extrapolated with the velocity of the next step (later inputs are not known yet); a
   * tick already behind the prediction is extrapolated back from it.
   */
  motionAt(tick: number, presentTick: number): Motion | null {
    const predictor = this.#predictor;
    if (!predictor.hasState) return null;
    predictor.advanceTo(Math.min(tick, Math.floor(presentTick)));
    const state = predictor.state;
    const ahead = tick - state.tick;
    if (ahead === 0) return { x: state.x, y: state.y, vx: state.vx, vy: state.vy };
    const velocity = ahead > 0 ? predictor.nextVelocity() : state;
    const m = { x: state.x, y: state.y, vx: velocity.vx, vy: velocity.vy };
    return {
      x: extrapolateX(m, ahead, this.#maxX),
      y: extrapolateY(m, ahead, this.#maxY),
      vx: m.vx,
      vy: m.vy,
    };
  }

  figures(nowMs: number): PredictionErrorFigures {
    return {
      predictionErrorLast: this.#errors.last ?? 0,
      predictionErrorMax: this.#errors.max(nowMs),
      predictionErrorMean: this.#errors.mean(nowMs),
      predictionErrorMaxEver: this.#maxErrorEver,
      predictionSamples: this.#errorSamples,
    };
  }
}

/** Figures before any prediction. */
export function noPredictionErrors(): PredictionErrorFigures {
  return {
    predictionErrorLast: 0,
    predictionErrorMax: 0,
    predictionErrorMean: 0,
    predictionErrorMaxEver: 0,
    predictionSamples: 0,
  };
}
