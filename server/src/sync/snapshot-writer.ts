import {
  MsgpackWriter,
  updateValueCount,
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

  /** The frame: a view into the reused buffer, valid until the next write. */
  write(d: ViewDelta, world: World, state: EntityState): Uint8Array {
    const w = this.#w;
    const kinds = world.schema.kinds;
    const kindIds = world.kindIds;
    w.reset();
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
      const kind = kinds[kindIds[id] as number] as CompiledKind;
      const mask = d.updatedMasks[i] as number;
      w.arrayHeader(2 + updateValueCount(kind, mask));
      w.int(id);
      w.int(mask);
      const o = id * width;
      for (let m = mask; m !== 0; m &= m - 1) {
        const fields = kind.groupFields[31 - Math.clz32(m & -m)] as readonly CompiledField[];
        for (let k = 0; k < fields.length; k++) {
          const f = fields[k] as CompiledField;
          if (f.isString) w.str(state.textsOf(id)?.[f.slot] ?? '');
          else w.int(values[o + f.slot] as number);
        }
      }
    }
    if (d.checksum !== null) w.int(d.checksum);
    return w.view();
  }
}
