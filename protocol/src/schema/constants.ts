import type { ConstantsOf, GameSpec } from './define.js';
import type { CompiledSchema } from './schema.js';

/**
 * The constants a game declares, read from the schema a server sent, typed by the declaration.
 * Throws naming the first one missing: a server running another version of the game.
 */
export function constantsOf<G extends GameSpec>(spec: G, schema: CompiledSchema): ConstantsOf<G> {
  const values: Record<string, number> = {};
  for (const name of spec.constants ?? []) {
    const value = schema.constants[name];
    if (value === undefined) {
      throw new Error(`the ${schema.game} schema the server sent has no constant ${name}`);
    }
    values[name] = value;
  }
  return values as ConstantsOf<G>;
}
