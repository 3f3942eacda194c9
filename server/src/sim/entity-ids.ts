import { MAX_ENTITY_ID } from '@tickwire/protocol';

/**
 * Hands out small entity ids (they cost 1-3 bytes on the wire) and takes them back. A released
 * id is held in quarantine for `quarantineTicks` before reuse. The quarantine MUST be longer
 * than the oldest baseline a delta may use: then an id in any usable baseline names either the
 * same entity or one that is gone, never a newcomer that happens to share it.
 */
export class EntityIdAllocator {
  readonly #quarantineTicks: number;
  readonly #released: { id: number; tick: number }[] = [];
  #nextFresh = 1;

  constructor(quarantineTicks: number) {
    this.#quarantineTicks = quarantineTicks;
  }

  /** A free id, or -1 when every id is in use or in quarantine. */
  allocate(tick: number): number {
    const oldest = this.#released[0];
    if (oldest && tick - oldest.tick >= this.#quarantineTicks) {
      this.#released.shift();
      return oldest.id;
    }
    if (this.#nextFresh <= MAX_ENTITY_ID) return this.#nextFresh++;
    return -1;
  }

  release(id: number, tick: number): void {
    this.#released.push({ id, tick });
  }
}
