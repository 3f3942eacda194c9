// Hides prediction corrections: when reconciliation moves the own player's predicted position,
// the drawn position does not jump; it slides onto the new prediction over a short time.

export interface CorrectionSmootherOptions {
  /** Time for half of a correction to be worked off, in ms. Default 40 (90 % within ~130 ms). */
  halfLifeMs?: number;
  /**
   * A correction longer than this (in the caller's units) is applied at once: sliding across
   * half the map would look worse than a jump (a teleport, a respawn). Default Infinity.
   */
  snapDistance?: number;
}

/**
 * An offset added to the predicted position, decaying exponentially to zero. A correction that
 * moves the prediction by (dx, dy) adds (-dx, -dy), so the drawn position stays put at that
 * instant and converges on the prediction afterwards.
 */
export class CorrectionSmoother {
  readonly #halfLifeMs: number;
  readonly #snapDistance: number;
  #x = 0;
  #y = 0;
  #atMs = 0;

  constructor(options: CorrectionSmootherOptions = {}) {
    this.#halfLifeMs = options.halfLifeMs ?? 40;
    this.#snapDistance = options.snapDistance ?? Infinity;
  }

  /** The prediction moved by (dx, dy) at `nowMs`. */
  correct(dx: number, dy: number, nowMs: number): void {
    this.#decayTo(nowMs);
    this.#x -= dx;
    this.#y -= dy;
    if (Math.hypot(this.#x, this.#y) > this.#snapDistance) this.reset();
  }

  /** The offset to add to the predicted position at `nowMs`. */
  offsetAt(nowMs: number): { x: number; y: number } {
    this.#decayTo(nowMs);
    return { x: this.#x, y: this.#y };
  }

  reset(): void {
    this.#x = 0;
    this.#y = 0;
  }

  #decayTo(nowMs: number): void {
    const elapsedMs = nowMs - this.#atMs;
    this.#atMs = Math.max(this.#atMs, nowMs);
    if (elapsedMs <= 0) return;
    const keep = 2 ** (-elapsedMs / this.#halfLifeMs);
    this.#x *= keep;
    this.#y *= keep;
    // Below a thousandth of a unit nothing shows: stop the tail.
    if (Math.abs(this.#x) < 1e-3) this.#x = 0;
    if (Math.abs(this.#y) < 1e-3) this.#y = 0;
  }
}
