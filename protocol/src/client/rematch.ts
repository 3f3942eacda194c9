import { MatchmakingError } from './matchmaking.js';
import type { JoinRoomRequest, MatchAnswer, Matchmaker } from './matchmaking.js';

/**
 * Refusals after which the room asked for is no use (gone with its process, full, or closed to
 * this player) and quick play is the way back into a game.
 */
const ROOM_GONE_STATUSES: ReadonlySet<number> = new Set([403, 404, 409]);

export interface RematchOptions {
  /** The room the player chose by id or code: asked for again first. Null: quick play. */
  room: JoinRoomRequest | null;
  /** The game quick play asks for (the game of the room the player was in). */
  game: string;
  /** Every answer that gave a seat, so a page can show where the player is now. */
  onAnswer?: (answer: MatchAnswer) => void;
}

/**
 * The `rematch` of a ReconnectingConnection that came through matchmaking: after 4016
 * ServerRestarting or 4015 SeatRequired, a new seat in the room the player chose (a private
 * room's code, a listed room's id) when it still takes players, else quick play of the same game.
 * Errors worth retrying (no answer, 503) are thrown for the connection to retry with backoff.
 */
export function createRematch(
  matchmaker: Matchmaker,
  options: RematchOptions,
): () => Promise<MatchAnswer> {
  let room = options.room;
  return async () => {
    let answer: MatchAnswer | null = null;
    if (room !== null) {
      try {
        answer = await matchmaker.join(room);
      } catch (error) {
        if (!(error instanceof MatchmakingError) || !ROOM_GONE_STATUSES.has(error.status)) {
          throw error;
        }
        // The player is moved to a public room; later rematches keep to quick play.
        room = null;
      }
    }
    answer ??= await matchmaker.quickPlay(options.game);
    options.onAnswer?.(answer);
    return answer;
  };
}
