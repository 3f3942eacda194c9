import {
  compileGame,
  type CompiledSchema,
  type ConstantsOf,
  type GameSpec,
} from '@tickwire/protocol';
import type { ServerConfig } from '../config.js';
import { GRID_CELL_UNITS } from '../interest/view.js';
import { World } from '../sim/world.js';
import { SENT_VIEW_RING } from '../sync/client-sync.js';
import { EntityState, type InvalidValueHandler } from '../sync/entity-state.js';
import type { Game, GameLogic, GameSettings } from './game.js';
import { compileRanking, type CompiledRanking } from './ranking.js';

/**
 * One running game: its compiled schema, its world, its logic and the sync state derived from
 * the world. The room owns one; tests build one without a room.
 */
export interface GameInstance<G extends GameSpec = GameSpec> {
  readonly schema: CompiledSchema;
  readonly world: World<G>;
  readonly state: EntityState;
  readonly logic: GameLogic<G>;
  readonly settings: GameSettings;
  readonly constants: ConstantsOf<G>;
  /** The game's ranking, checked against its schema; null when it declares none. */
  readonly ranking: CompiledRanking | null;
  /**
   * The engine's part of a tick once joins, leaves and inputs are applied: lifetimes end, linear
   * entities move, the game steps, changes are committed for sync. Snapshots come after.
   */
  step(tick: number): void;
}

/**
 * Creates a game's world and logic for `config` and commits its initial state as tick 0 (the
 * room's first tick is 1). Invalid declarations throw here, at startup.
 */
export function createGameInstance<G extends GameSpec>(
  game: Game<G>,
  config: ServerConfig,
  /** Told when the game writes a value its schema does not allow (see EntityState). */
  onInvalidValue?: InvalidValueHandler,
): GameInstance<G> {
  const settings: GameSettings = {
    tickHz: config.tickHz,
    worldWidth: config.worldWidth,
    worldHeight: config.worldHeight,
    seed: config.seed,
    config,
  };
  const constants = game.constants(settings);
  const schema = compileGame(game.spec, constants);
  const ranking = compileRanking(game.ranking, schema);
  const world = new World<G>({
    schema,
    width: config.worldWidth,
    height: config.worldHeight,
    // Twice the sent-view ring: no usable baseline can name a reused id.
    idQuarantineTicks: SENT_VIEW_RING * 2,
    gridCellSize: GRID_CELL_UNITS,
  });
  const state = new EntityState(world as World, onInvalidValue);
  const logic = game.create({ world, settings, constants });
  state.commit(0);
  return {
    schema,
    world,
    state,
    logic,
    settings,
    constants,
    ranking,
    step(tick: number): void {
      world.expire(tick);
      world.moveAll();
      logic.step(tick);
      world.endStep(tick);
      state.commit(tick);
    },
  };
}
