import { MAX_LEADERS, encodeSummary, ranksBefore, type Leader } from '@tickwire/protocol';
import type { CompiledRanking } from '../game/ranking.js';
import type { Entity, World } from '../sim/world.js';

/**
 * The room's Summary (PROTOCOL.md 5.10): counts and the top MAX_LEADERS of the game's ranking,
 * encoded at most once per tick whatever the number of subscribers. The ranking is one pass over
 * the ranked kind's entities with a sorted list of at most MAX_LEADERS: O(entities of the kind).
 */
export class RoomSummaries {
  readonly #world: World;
  readonly #ranking: CompiledRanking | null;
  readonly #leaders: Leader[] = [];
  #frameTick = -1;
  #frame: Uint8Array = new Uint8Array(0);

  constructor(world: World, ranking: CompiledRanking | null) {
    this.#world = world;
    this.#ranking = ranking;
  }

  /** The Summary frame of `tick`, encoded on the first call of that tick. */
  frame(tick: number, playersOnline: number, spectators: number): Uint8Array {
    if (this.#frameTick !== tick) {
      this.#frameTick = tick;
      this.#frame = encodeSummary({
        tick,
        playersOnline,
        spectators,
        leaders: this.#rank(),
      });
    }
    return this.#frame;
  }

  #rank(): readonly Leader[] {
    const ranking = this.#ranking;
    const leaders = this.#leaders;
    leaders.length = 0;
    if (ranking === null) return leaders;
    for (const e of this.#world.all(ranking.kind) as IterableIterator<Entity>) {
      const score = e[ranking.score] as number;
      // Fast reject once the list is full: not above the last (ties go to the lower id).
      const last = leaders[MAX_LEADERS - 1];
      if (last !== undefined && !ranksBefore(score, e.id, last)) continue;
      let at = leaders.length;
      while (at > 0 && ranksBefore(score, e.id, leaders[at - 1] as Leader)) at--;
      leaders.splice(at, 0, {
        id: e.id,
        name: ranking.label === null ? '' : (e[ranking.label] as string),
        score,
        x: e.x as number,
        y: e.y as number,
      });
      if (leaders.length > MAX_LEADERS) leaders.length = MAX_LEADERS;
    }
    return leaders;
  }
}
