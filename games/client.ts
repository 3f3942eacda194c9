// The games this client build can play, by the name their schema declares (Welcome.schema.game).
// Adding a game: its folder with a client module (games/NAME/client.ts exporting a ClientGame),
// and one line here. client/src/main.ts is the only importer: engine code names no game.
import type { ClientGame } from '../client/src/game/game-module.js';
import { arenaClient } from './arena/client.js';
import { starsClient } from './stars/client.js';

export const clientGames: ReadonlyMap<string, ClientGame> = new Map<string, ClientGame>([
  [arenaClient.name, arenaClient],
  [starsClient.name, starsClient],
]);
