import { Matchmaker, isHttpUrl, type MatchmakingError } from '@tickwire/protocol';
import { quickPlayWithRetry } from '../scenario/quick-play.js';
import type { JoinTarget } from './node-socket.js';

/** Where a player goes, and the room it was given (null: a process's default room). */
export interface Seat extends JoinTarget {
  roomId: string | null;
}

/** Where players' seats come from: matchmaking, or straight to one process's default room. */
export interface SeatSource {
  /** A seat for one more player; rejects when none can be had (after quick play's retries). */
  next(onRetry?: (error: MatchmakingError) => void): Promise<Seat>;
}

/**
 * `http(s)://host:port`: quick play of `game` at that process's matchmaking (any process of a
 * cluster answers for all), asked again while it answers 503 or 429 (scenario/quick-play.ts).
 * `ws(s)://host:port/ws`: that process's default room, no seat.
 */
export function seatSource(url: string, game: string, token: string | null = null): SeatSource {
  if (!isHttpUrl(url)) {
    const direct: Seat = { url, seat: null, roomId: null };
    return { next: () => Promise.resolve(direct) };
  }
  const matchmaker = new Matchmaker(url, { token });
  return {
    next: async (onRetry) => {
      const answer = await quickPlayWithRetry(matchmaker, game, {
        nowMs: () => performance.now(),
        ...(onRetry === undefined ? {} : { onRetry }),
      });
      return { url: answer.url, seat: answer.seat, roomId: answer.room.id };
    },
  };
}
