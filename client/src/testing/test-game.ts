// A client game module for the client's unit tests, for the protocol's test arena schema
// (protocol/src/testing/test-schemas.ts): engine code imports no game, so its tests bring their
// own. Controls: WASD moves, the pointer aims; the own player is predicted with the engine's
// steering rule at the schema's playerSpeed.
import { steer } from '@tickwire/protocol';
import type { Input } from '@tickwire/protocol';
import { aimTowards, moveDirFromKeys } from '../game/input-mapping.js';
import type {
  ClientGame,
  GameContext,
  GameSession,
  InputState,
  Present,
} from '../game/game-module.js';

export interface TestSessionHooks {
  /** Called with every Input the engine reports sent. */
  onInputSent?: (input: Readonly<Input>, tick: number, present: Present) => void;
  /** Entities the game claims to draw itself. */
  isPredicted?: GameSession['isPredicted'];
  predict?: GameSession['predict'];
  /** Leave out the prediction rule (the own entity is then interpolated). */
  hasNoPrediction?: boolean;
}

/** The test game; `hooks` add what a test needs to watch. */
export function testGame(hooks: TestSessionHooks = {}): ClientGame {
  return {
    name: 'arena',
    createDrawing: () => {
      throw new Error('unit tests draw nothing');
    },
    start: (context: GameContext): GameSession => {
      const speed = context.schema.constants['playerSpeed'] ?? 0;
      let aim = 0;
      return {
        helpText: 'WASD moves, the pointer aims.',
        applyInput: hooks.hasNoPrediction
          ? undefined
          : (m, controls) => steer(m, controls['moveDir'] ?? -1, speed),
        controls: (input: InputState) => {
          if (input.self && input.pointer) aim = aimTowards(input.self, input.pointer, aim);
          return { moveDir: moveDirFromKeys(input.keysDown), aim };
        },
        isUrgentChange: (sent, now) => sent['moveDir'] !== now['moveDir'],
        onInputSent: hooks.onInputSent,
        isPredicted: hooks.isPredicted,
        predict: hooks.predict,
        hudText: (self) => (self ? `hp ${String(self['hp'])}` : ''),
      };
    },
  };
}

/** Input devices at rest, with what a test holds. */
export function inputState(held: Partial<InputState> = {}): InputState {
  return {
    keysDown: new Set<string>(),
    mouseButtons: 0,
    pressCount: () => 0,
    pointer: null,
    touches: [],
    self: null,
    ...held,
  };
}
