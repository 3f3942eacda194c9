import {
  MsgpackWriter,
  writeSnapshotHead,
  type CompiledField,
  type CompiledKind,
} from '@tickwire/protocol';
import type { Entity, World } from '../sim/world.js';
import type { ViewDelta } from './client-sync.js';
import type { EntityState } from './entity-state.js';

function entityOf(world: World, id: number): Entity {
  const e = world.byId[id];
  if (!e) throw new Error(`snapshot names entity ${id}, which is not in the world`);
  return e;
}

/**
 * Writes a composed ViewDelta as Snapshot frame bytes into one reused buffer. Entity records
 * are spliced from the per-tick cache, so a record is encoded once per tick however many
 * clients see it enter. Same bytes as encodeSnapshot(toSnapshot(delta)) (tested).
 */
export class SnapshotWriter {
  readonly #w = new MsgpackWriter(64 * 1024);
  /** Per kind id, per update mask: the update's fields in wire order (see #layoutOf). */
  readonly #layouts: Map<number, Int32Array>[] = [];

  /**
   * Starts a tick's frames: they are written one after another into one buffer, so that the
   * sender can compose every client's frame first and send them all after (room.ts), and stay
   * valid until the next call.
   */
  beginTick(): void {
    this.#w.reset();
  }

  /** The frame: a view into the reused buffer, valid until the next write. */
  write(d: ViewDelta, world: World, state: EntityState): Uint8Array {
    const w = this.#w;
    const kinds = world.schema.kinds;
    const kindIds = world.kindIds;
    const start = w.length;
    writeSnapshotHead(w, d.tick, d.baselineTick, d.inputAck, d.checksum !== null);
    w.arrayHeader(d.removedCount);
    for (let i = 0; i < d.removedCount; i++) w.int(d.removed[i] as number);
    w.arrayHeader(d.enteredCount);
    for (let i = 0; i < d.enteredCount; i++) {
      const id = d.entered[i] as number;
      w.raw(
        state.recordBytesOf(
          entityOf(world, id),
          kinds[kindIds[id] as number] as CompiledKind,
          d.tick,
        ),
      );
    }
    w.arrayHeader(d.updatedCount);
    // Update values come from the sync state's flat arrays (the values as of this tick's commit),
    // not from the entities by field name: this runs per client per update.
    const values = state.values;
    const width = state.valueWidth;
    for (let i = 0; i < d.updatedCount; i++) {
      const id = d.updated[i] as number;
      const kindId = kindIds[id] as number;
      const mask = d.updatedMasks[i] as number;
      const layout = this.#layoutOf(kindId, kinds[kindId] as CompiledKind, mask);
      w.arrayHeader(2 + layout.length);
      w.int(id);
      w.int(mask);
      const o = id * width;
      for (let k = 0; k < layout.length; k++) {
        const slot = layout[k] as number;
        if (slot >= 0) w.int(values[o + slot] as number);
        else w.str(state.textsOf(id)?.[-1 - slot] ?? '');
      }
    }
    if (d.checksum !== null) w.int(d.checksum);
    return w.viewFrom(start);
  }

  /**
   * The fields an update of `kind` with `mask` carries, in wire order (groups by bit, fields in
   * group order), each as its numeric slot, or -1 - slot for a string field. Computed once per
   * kind and mask: updates are written per client per tick.
   */
  #layoutOf(kindId: number, kind: CompiledKind, mask: number): Int32Array {
    const byMask = (this.#layouts[kindId] ??= new Map());
    let layout = byMask.get(mask);
    if (layout === undefined) {
      const slots: number[] = [];
      for (let m = mask; m !== 0; m &= m - 1) {
        const fields = kind.groupFields[31 - Math.clz32(m & -m)] as readonly CompiledField[];
        for (const f of fields) slots.push(f.isString ? -1 - f.slot : f.slot);
      }
      layout = Int32Array.from(slots);
      byMask.set(mask, layout);
    }
    return layout;
  }
}
