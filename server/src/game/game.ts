import type {
  AnyEntityOf,
  ConstantsOf,
  EntityOf,
  GameSpec,
  InputOf,
  KindName,
} from '@tickwire/protocol';
import type { ServerConfig } from '../config.js';
import type { World } from '../sim/world.js';

/**
 * The interface between the engine and a game. A game declares its state once (`spec`, with
 * protocol's defineGame) and writes only game logic here: the engine does sessions, joins,
 * leaves and resumes, input queues, the tick, linear motion and lifetimes, interest, deltas,
 * checksums and kicks.
 *
 * Engine code never imports a game; games import this file and the protocol package.
 */

/** What a game may read of the server's configuration. */
export interface GameSettings {
  readonly tickHz: number;
  /** World size in world units. */
  readonly worldWidth: number;
  readonly worldHeight: number;
  readonly seed: number;
  /** The whole server configuration (game options such as --pellets live there for now). */
  readonly config: Readonly<ServerConfig>;
}

export interface GameContext<G extends GameSpec> {
  /** The room's entities: spawn, remove, find by kind and by area. Write fields directly. */
  readonly world: World<G>;
  readonly settings: GameSettings;
  /** The constants' values this server sends in the schema. */
  readonly constants: ConstantsOf<G>;
}

/**
 * One room's game. Every method runs inside the tick, in this order each tick: join and leave
 * for the sessions that came and went, applyInput for each player with a new Input, then the
 * engine moves linear entities and expires lifetimes, then step. Change tracking is automatic:
 * assign fields and the engine works out what each client must be sent.
 */
export interface GameLogic<G extends GameSpec> {
  /**
   * A player joins with the name from its Hello: spawn and return the entity its client controls
   * (its view follows it), or null to refuse (the client is closed with RoomFull).
   */
  join(name: string, tick: number): AnyEntityOf<G> | null;
  /** The player left for good (or its resume grace ran out): usually remove its entity. */
  leave(entity: AnyEntityOf<G>, tick: number): void;
  /** Applies the newest Input of a player (values already range-checked against the schema). */
  applyInput(entity: AnyEntityOf<G>, controls: Readonly<InputOf<G>>, tick: number): void;
  /** The game's rules for one tick. */
  step(tick: number): void;
}

/** The fields of kind K whose values are of type T (besides id and kind). */
type FieldOfType<G extends GameSpec, K extends KindName<G>, T> = Exclude<
  { [F in keyof EntityOf<G, K>]-?: EntityOf<G, K>[F] extends T ? F : never }[keyof EntityOf<G, K>],
  'id' | 'kind'
> &
  string;

/**
 * What a room's leaderboard ranks (PROTOCOL.md, Summary): the entities of one kind, by one of its
 * numeric fields, highest first (ties: lower id first), each shown with one of its string fields.
 * The engine knows no game: this declaration is all it knows of scores.
 */
export type GameRanking<G extends GameSpec> = {
  [K in KindName<G>]: {
    /** The kind whose entities rank (the arena: its players). */
    readonly kind: K;
    /** The numeric field they rank by. */
    readonly score: FieldOfType<G, K, number>;
    /** The string field each is shown with; none: names go out empty. */
    readonly label?: FieldOfType<G, K, string>;
  };
}[KindName<G>];

export interface Game<G extends GameSpec = GameSpec> {
  readonly spec: G;
  /**
   * The room summary's leaderboard (version 4 clients that ask for it). None: leaders are sent
   * empty; players online and spectators are still counted.
   */
  readonly ranking?: GameRanking<G>;
  /** The constants' values for these settings (sent to clients in the schema). */
  constants(settings: GameSettings): ConstantsOf<G>;
  create(context: GameContext<G>): GameLogic<G>;
}

/** Declares a server game (only for the type inference). */
export function defineServerGame<const G extends GameSpec>(game: Game<G>): Game<G> {
  return game;
}
