/** Entity ids are small integers, reused only long after the entity left every client's view. */
export const MAX_ENTITY_ID = 0xffff;
/** Bounds of a wire position (1/POSITION_SCALE units), whatever the world size. */
export const MAX_WIRE_POSITION = 0xff_ffff;
/** Bounds of a velocity component (wire units per tick). */
export const MAX_WIRE_VELOCITY = 0x7fff;
/** Oldest baseline a delta may name, in ticks before the snapshot's own tick. */
export const MAX_BASELINE_AGE = 0xff;
