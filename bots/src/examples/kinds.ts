import type { Bot } from '@tickwire/protocol';
import { chase } from './chase.js';
import { pellets } from './pellets.js';
import { wander } from './wander.js';

/** Every example bot by name: each makes a connected bot behave, and returns its stop function. */
export const EXAMPLE_BOTS = { wander, chase, pellets } as const satisfies Record<
  string,
  (bot: Bot, random?: () => number) => () => void
>;

export type ExampleKind = keyof typeof EXAMPLE_BOTS;

export const EXAMPLE_KINDS = Object.keys(EXAMPLE_BOTS) as ExampleKind[];
