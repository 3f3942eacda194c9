// The games this server build can run, by the name `--game` takes. Adding a game: its folder,
// and one line here.
import type { Game } from '../server/src/game/game.js';
import { arena } from './arena/server.js';
import { stars } from './stars/server.js';

export const serverGames: ReadonlyMap<string, Game> = new Map<string, Game>([
  [arena.spec.name, arena as unknown as Game],
  [stars.spec.name, stars as unknown as Game],
]);
