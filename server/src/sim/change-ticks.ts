import { MAX_ENTITY_ID, UpdateField } from '@tickwire/protocol';

/** The fields whose changes a delta carries, in UpdateField bit order. */
const FIELDS = [UpdateField.Motion, UpdateField.Aim, UpdateField.Hp, UpdateField.Score] as const;
export type ChangeField = (typeof FIELDS)[number];

/**
 * For every entity id, the last tick each delta field changed in a way a client cannot
 * extrapolate (a new velocity, a teleport, a new aim, hp or score). Flat Int32Array: sync reads
 * it for every visible entity of every client, so it must be small and contiguous.
 * Pellets never change: their entries stay 0, so no delta ever carries an update for one.
 */
export class ChangeTicks {
  readonly #ticks = new Int32Array((MAX_ENTITY_ID + 1) * FIELDS.length);

  mark(id: number, field: ChangeField, tick: number): void {
    this.#ticks[id * FIELDS.length + FIELDS.indexOf(field)] = tick;
  }

  /** All fields at once (spawn: a newcomer's fields are as old as it is). */
  markAll(id: number, tick: number): void {
    this.#ticks.fill(tick, id * FIELDS.length, (id + 1) * FIELDS.length);
  }

  clear(id: number): void {
    this.markAll(id, 0);
  }

  /** UpdateField mask of the fields of `id` that changed after `baselineTick`. */
  changedSince(id: number, baselineTick: number): number {
    const t = this.#ticks;
    const o = id * 4;
    return (
      ((t[o] as number) > baselineTick ? UpdateField.Motion : 0) |
      ((t[o + 1] as number) > baselineTick ? UpdateField.Aim : 0) |
      ((t[o + 2] as number) > baselineTick ? UpdateField.Hp : 0) |
      ((t[o + 3] as number) > baselineTick ? UpdateField.Score : 0)
    );
  }
}
