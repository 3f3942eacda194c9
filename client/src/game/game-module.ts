// The client game-module interface: what a game gives the browser client so the engine can
// draw it and play it. The engine (everything in client/src) knows no game: the Welcome's
// `schema.game` names the module, taken from the registry that games/client.ts exports and
// client/src/main.ts passes in. Everything the wire can say about a game (kinds, fields, which
// kinds move linearly, which are static, lifetimes) comes from the schema, not from the module:
// the engine interpolates, extrapolates and expires entities by it on its own. A game with no
// module is still drawn (every kind as a dot) and cannot be played.
//
// A game module, games/NAME/client.ts, exports one `ClientGame`:
//
//   export const myGameClient: ClientGame = {
//     name: myGameSpec.name,                      // its declaration (games/NAME/shared.ts)
//     createDrawing: (context) => new MyDrawing(context),  // GameDrawing: PixiJS views per kind
//     start: (context) => new MySession(context), // GameSession: controls, prediction, HUD
//   };
//
// and registers it with one line in games/client.ts:
//
//   [myGameClient.name, myGameClient],
//
// Per frame the engine: reads the controls (GameSession.controls) and sends them; draws every
// entity of the view interpolated (the own one predicted with `applyInput` when the game gives
// it), except those the game claims with `isPredicted`; adds what `predict` returns; writes
// `hudText`. Only games/*/client.ts and client/src/render/ import pixi.js.
import type {
  CompiledSchema,
  Controls,
  EntityRecord,
  Input,
  Motion,
  ViewState,
} from '@tickwire/protocol';
import type { GameDrawing } from '../render/entity-drawing.js';
import type { Point } from './geometry.js';

/** What the client knows of the game once a Welcome arrived. */
export interface GameContext {
  /** The game's declaration as the server sent it (kinds, input, constants by name). */
  readonly schema: CompiledSchema;
  /** Entity id of the own entity (Welcome.playerId). */
  readonly playerId: number;
  readonly tickHz: number;
  /** World size in world units. */
  readonly worldWidth: number;
  readonly worldHeight: number;
}

/** A game's client module. Registered in games/client.ts under its schema's game name. */
export interface ClientGame {
  /** The game's name, as its declaration gives it (Welcome.schema.game). */
  readonly name: string;
  /**
   * Creates the display objects of the game's kinds. Called when a Welcome brings a schema the
   * renderer has no drawing for (the first Welcome, or a server running another build); a
   * reconnect to the same game keeps the drawing and its pooled views.
   */
  createDrawing(context: GameContext): GameDrawing;
  /** Starts the game for one Welcome (each connection and reconnection gets a fresh session). */
  start(context: GameContext): GameSession;
}

/**
 * One entity as a frame draws it. Positions are world units at the time it is drawn: the render
 * time (a little in the past) for interpolated entities, the present for predicted ones.
 */
export interface RenderEntity {
  /** Entity id; below 0 for a game's local prediction (a shot the server has not confirmed). */
  readonly id: number;
  /** Kind name, as the schema declares it. */
  readonly kind: string;
  readonly x: number;
  readonly y: number;
  /** Whether this is the own entity (Welcome.playerId). */
  readonly isSelf: boolean;
  /**
   * The entity's record fields by name, as drawn: `angle8` and `quarter` fields that change are
   * interpolated (fractional), every other field is its value at the drawn time. Linear kinds
   * carry vx, vy (wire units per tick). The record's own x, y are wire units at its snapshot:
   * draw at `x`, `y` above. For the own entity, a field named like an input field (the arena's
   * `aim`) holds the value the player holds right now.
   */
  readonly fields: Readonly<Record<string, number | string>>;
}

/** The present, as the own entity is predicted: what a game needs to predict things itself. */
export interface Present {
  /** Client clock of this frame, in ms. */
  readonly nowMs: number;
  /**
   * The server tick (fractional) the own entity is drawn at: an Input sent now takes effect in
   * the step of tick `Math.floor(tick) + 1`.
   */
  readonly tick: number;
  /** The newest applied view (server state, positions as of `view.tick`); null before one. */
  readonly view: ViewState | null;
  /**
   * Seq of the newest Input the server had applied by `view.tick` (the snapshot's inputAck); 0
   * before one. Whatever an Input of seq <= inputAck made happen is in `view`: this, not a tick
   * estimate, tells a game that the server has ruled on something it predicted.
   */
  readonly inputAck: number;
  /**
   * The own entity's predicted motion at the end of integer tick `tick`, in wire units; null
   * when the own entity is not predicted (no `applyInput`) or has no server state yet.
   */
  selfAt(tick: number): Motion | null;
  /**
   * Where an entity of a linear kind in `view` is at (fractional) `tick`: its position plus its
   * velocity times the ticks since `view.tick`, clamped to the world, in wire units.
   */
  extrapolate(record: EntityRecord, tick: number): Point;
}

/**
 * The input devices' state, as a game maps it to its controls. Positions are world units (the
 * camera of the last frame turns the mouse into world units).
 */
export interface InputState {
  /** Keys held, by KeyboardEvent.code (the physical key: WASD stays put on AZERTY). */
  readonly keysDown: ReadonlySet<string>;
  /** Mouse buttons held over the game, as PointerEvent.buttons (1 primary, 2 secondary, 4 middle). */
  readonly mouseButtons: number;
  /**
   * Presses so far of a key (by code, e.g. 'Space'), a mouse button ('Mouse0' primary,
   * 'Mouse1' middle, 'Mouse2' secondary) or a finger on the game ('Touch'; not on the touch
   * controls): it grows by one per press, so a game sees a tap that went down and up between two
   * frames.
   */
  pressCount(source: string): number;
  /** The mouse pointer in world units; null until it moves over the game. */
  readonly pointer: Point | null;
  /** Fingers on the screen, in world units, oldest first. */
  readonly touches: readonly Point[];
  /** The own entity as last drawn, in world units; null before it is drawn. */
  readonly self: Point | null;
  /**
   * The on-screen stick and button of a touch device (client/src/ui/touch-pad.ts). Absent where
   * the page has none; `isShown` false on a desktop. Fingers on them are not in `touches`.
   */
  readonly touchPad?: TouchPadState | undefined;
}

/** The on-screen touch controls: a stick under the left thumb and a button under the right. */
export interface TouchPadState {
  /** Whether they are on screen: a touch device (coarse pointer, or a touch seen). */
  readonly isShown: boolean;
  readonly stick: TouchStickState;
  /** The button: held to act; dragged, it points too (e.g. to aim apart from the stick). */
  readonly button: TouchStickState;
}

/**
 * A stick, or a button that can be dragged, as a game reads it. Directions are screen
 * directions, which are world directions too (the camera neither turns nor mirrors).
 */
export interface TouchStickState {
  /** Whether a finger holds it. */
  readonly isHeld: boolean;
  /** Presses so far: it grows by one per touch, so a tap between two frames is seen. */
  readonly presses: number;
  /** How far it is pushed past the dead zone: 0 (inside it, or not held) to 1 (at the rim). */
  readonly push: number;
  /** Wire angle (0..255, 0 = +x, 64 = +y down) pushed towards; NO_DIRECTION within the dead zone. */
  readonly angle: number;
  /**
   * `angle` held to one of a few directions (client/src/ui/touch-stick.ts), with hysteresis: for
   * movement, so a trembling thumb does not send an urgent Input every frame.
   */
  readonly direction: number;
}

/**
 * A game in play, for one Welcome. Only `helpText`, `controls` and `hudText` are required; the
 * rest adds prediction.
 */
export interface GameSession {
  /** One line of help for the status line once connected, e.g. 'WASD moves, the mouse aims.' */
  readonly helpText: string;
  /**
   * The help on a touch device (InputState.touchPad shown). A game that gives it plays with the
   * touch pad; without it the pad is not shown and `helpText` is the help everywhere.
   */
  readonly touchHelpText?: string;
  /**
   * The own entity's prediction rule: the game's input rule, the very function its server runs
   * when it applies an Input (it sets the entity's velocity from the controls). Only for an own
   * entity of a 'linear' kind. Without it the own entity is interpolated like the others.
   */
  readonly applyInput?: (m: Motion, controls: Readonly<Controls>) => void;
  /**
   * The controls the player holds now (the game's input fields by name; fields left out are sent
   * as their schema default). Called every frame and on every key, button and touch event; the
   * result is sent, and drawn at once on the own entity.
   */
  controls(input: InputState, present: Present): Controls;
  /** Whether a change of controls goes out at once rather than with the next regular Input. Default: any change. */
  isUrgentChange?(sent: Readonly<Controls>, now: Readonly<Controls>): boolean;
  /**
   * An Input went out (its seq and the controls it carries); the server should apply it in the
   * step of `tick`, if the clock estimate is right.
   */
  onInputSent?(input: Readonly<Input>, tick: number, present: Present): void;
  /**
   * Entities of the view that the game draws itself in the present, in `predict` (the arena: its
   * own shots), instead of the engine drawing them interpolated in the past.
   */
  isPredicted?(record: EntityRecord): boolean;
  /**
   * What the game predicts, drawn this frame at the present: the view's entities it claimed with
   * `isPredicted`, and local ones the server has not confirmed yet (ids below 0).
   */
  predict?(present: Present): readonly RenderEntity[];
  /** The HUD line from the own entity's newest server state (null before it is known). */
  hudText(self: EntityRecord | null): string;
}

/** A numeric field of a record or render entity; `fallback` when it is absent or a string. */
export function numberField(
  fields: Readonly<Record<string, number | string>>,
  name: string,
  fallback = 0,
): number {
  const value = fields[name];
  return typeof value === 'number' ? value : fallback;
}

/** A string field of a record or render entity; '' when it is absent or a number. */
export function stringField(
  fields: Readonly<Record<string, number | string>>,
  name: string,
): string {
  const value = fields[name];
  return typeof value === 'string' ? value : '';
}
