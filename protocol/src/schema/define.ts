import type { FieldType, NumericFieldType, StringFieldType } from './field-types.js';

/**
 * A game's declaration: its entity kinds, their fields and how each is synced, its input and
 * its constants. Written once per game (`defineGame`), it is all the engine needs: decoders,
 * the snapshot writer, the replica's tables, change tracking and the checksum derive from it,
 * and its wire form (schema.ts) lets any client decode the game's snapshots.
 */

/**
 * How an entity of a kind moves, which decides its built-in x, y (and vx, vy) fields:
 * - `static`: placed at spawn and never changed (pellets). Every field is constant; interest
 *   management finds them by area, and a view pays for one only when it enters or leaves.
 * - `linear`: x, y, vx, vy (quarter units, and per tick). Both sides extrapolate
 *   `x + vx * ticks` (clamped to the world), so an entity moving as extrapolated costs 0 bytes;
 *   any other change of the four is sent as the `motion` group.
 * - `position`: x, y only, sent as the `position` group whenever they change.
 */
export type Motion = 'static' | 'linear' | 'position';

/**
 * A field's sync mode:
 * - `constant`: set at spawn and never changed (a name, an owner): sent only when the entity
 *   enters a view.
 * - `changes`: sent in an update whenever it changed since the client's baseline. Fields that
 *   share a `group` are sent together under one bit of the update mask (default: a group of
 *   their own, named after the field).
 */
export type FieldSpec<T extends FieldType = FieldType> =
  | { readonly type: T; readonly sync: 'constant' }
  | { readonly type: T; readonly sync: 'changes'; readonly group?: string };

export interface KindSpec {
  readonly motion: Motion;
  /** Declared fields, in record order after the built-in ones. */
  readonly fields?: { readonly [name: string]: FieldSpec };
  /**
   * The entity leaves every view this many ticks after it spawned, with no message: both sides
   * drop it on their own. The server may still remove it earlier (then it is listed as removed).
   */
  readonly lifetimeTicks?: number;
}

export interface GameSpec {
  /** The game's name, as `--game` takes it: lower-case letters, digits and '-'. */
  readonly name: string;
  /** Entity kinds; kind ids on the wire are their order here (0, 1, ...). */
  readonly kinds: { readonly [name: string]: KindSpec };
  /** The Input message's game fields, in wire order after seq and ackTick. */
  readonly input: { readonly [name: string]: NumericFieldType };
  /** Names of integer constants the server sends in the schema (speeds, sizes): shared rules. */
  readonly constants?: readonly string[];
}

/** A declared game: the spec, typed. Compile it with compileGame for the runtime tables. */
export type GameDeclaration<G extends GameSpec = GameSpec> = G;

/** Declares a game. `const` keeps the literal types, so entity and input types are inferred. */
export function defineGame<const G extends GameSpec>(spec: G): G {
  return spec;
}

// ---- types inferred from a declaration: no hand-written interface repeats one ----

type ValueOf<T> = T extends StringFieldType ? string : number;

type MotionFieldsOf<M> = M extends 'linear'
  ? { x: number; y: number; vx: number; vy: number }
  : { x: number; y: number };

type DeclaredFieldsOf<K extends KindSpec> = K['fields'] extends infer F
  ? F extends { readonly [name: string]: FieldSpec }
    ? { -readonly [N in keyof F]: ValueOf<F[N]['type']> }
    : unknown
  : unknown;

type LifetimeOf<K extends KindSpec> = K['lifetimeTicks'] extends number
  ? {
      /** Ticks before the entity leaves on its own, as of the snapshot's tick (1..lifetime). */ ticksLeft: number;
    }
  : unknown;

/** The kind names of a game. */
export type KindName<G extends GameSpec> = keyof G['kinds'] & string;

/** An entity of kind `K` as a record: id, kind name, built-in and declared fields. */
export type EntityOf<G extends GameSpec, K extends KindName<G>> = {
  id: number;
  kind: K;
} & MotionFieldsOf<G['kinds'][K]['motion']> &
  DeclaredFieldsOf<G['kinds'][K]> &
  LifetimeOf<G['kinds'][K]>;

/** Any entity of the game: a union discriminated by `kind`. */
export type AnyEntityOf<G extends GameSpec> = { [K in KindName<G>]: EntityOf<G, K> }[KindName<G>];

/** The game's input fields. */
export type InputOf<G extends GameSpec> = { -readonly [N in keyof G['input']]: number };

/** The game's constants, by name. */
export type ConstantsOf<G extends GameSpec> = G['constants'] extends readonly string[]
  ? { [N in G['constants'][number]]: number }
  : Record<string, never>;
