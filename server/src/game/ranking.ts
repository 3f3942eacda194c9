import type { CompiledSchema, GameSpec } from '@tickwire/protocol';
import type { GameRanking } from './game.js';

/** A game's ranking, checked against its schema: field names the engine reads entities by. */
export interface CompiledRanking {
  readonly kind: string;
  readonly score: string;
  readonly label: string | null;
}

/**
 * Checks a game's `ranking` against its compiled schema, at startup: a kind it has, a numeric
 * field of that kind to rank by and a string field to label with. Throws on anything else.
 */
export function compileRanking<G extends GameSpec>(
  ranking: GameRanking<G> | undefined,
  schema: CompiledSchema,
): CompiledRanking | null {
  if (ranking === undefined) return null;
  const kind = schema.kindByName.get(ranking.kind);
  const what = `game ${schema.game}: ranking`;
  if (!kind) throw new Error(`${what}: no entity kind ${ranking.kind}`);
  const score = kind.fields.find((f) => f.name === ranking.score);
  if (!score || score.isString) {
    throw new Error(`${what}: ${ranking.kind} has no numeric field ${ranking.score}`);
  }
  const label = ranking.label ?? null;
  if (label !== null && !kind.stringFields.some((f) => f.name === label)) {
    throw new Error(`${what}: ${ranking.kind} has no string field ${label}`);
  }
  return { kind: kind.name, score: score.name, label };
}
