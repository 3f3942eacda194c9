import type { GameSession } from './game-module.js';

/**
 * The session for a game this client cannot play: it has no module for it, or the module refused
 * the server's schema (`problem`). Its entities are drawn (the fallback drawing), nothing is
 * predicted, and every control stays at its schema default.
 */
export function watchOnlySession(gameName: string, problem: string | null = null): GameSession {
  const why =
    problem === null
      ? `This client has no module for the game "${gameName}"`
      : `This client's module for "${gameName}" cannot play this server's version of it (${problem})`;
  return {
    helpText: `${why}: it shows the game but cannot play it.`,
    controls: () => ({}),
    hudText: () => '',
  };
}
