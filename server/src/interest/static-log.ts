/** A static entity appearing or disappearing: sync replays these for views that contain the spot. */
export interface StaticEvent {
  tick: number;
  id: number;
  x: number;
  y: number;
  isRemoval: boolean;
  /** The entity's spawn tick (for a removal: was it alive at a client's baseline?). */
  spawnTick: number;
}

/**
 * Spawns and removals of static entities over the last `keepTicks` ticks, oldest first. Static
 * entities never move, so a view gains or loses one only where its rectangle changed, or where
 * one of these happened since its baseline.
 */
export class StaticLog {
  readonly events: StaticEvent[] = [];
  readonly #keepTicks: number;

  constructor(keepTicks: number) {
    this.#keepTicks = keepTicks;
  }

  add(event: StaticEvent): void {
    this.events.push(event);
  }

  /** Drops events older than any usable baseline. */
  trim(tick: number): void {
    const oldest = tick - this.#keepTicks;
    let expired = 0;
    while (expired < this.events.length && (this.events[expired] as StaticEvent).tick <= oldest) {
      expired++;
    }
    if (expired > 0) this.events.splice(0, expired);
  }
}
