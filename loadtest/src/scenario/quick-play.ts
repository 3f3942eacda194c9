import { MatchmakingError, type MatchAnswer, type Matchmaker } from '@tickwire/protocol';

/** A player's quick play and its retries take at most this long. */
const DEADLINE_MS = 15_000;
/** First wait after a retryable refusal; doubled per retry up to MAX_BACKOFF_MS. */
const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 1000;

export interface QuickPlayRetry {
  /** A clock in ms (k6 has only Date.now()). */
  nowMs: () => number;
  /** Called before each retry. */
  onRetry?: (error: MatchmakingError) => void;
}

/**
 * A quick play for `game`, asked again after a short backoff while matchmaking answers 503 (the
 * registry is busy, or a racing quick play took the new room), 429 or nothing at all, until 15 s
 * have passed. Any other refusal fails at once: asking again would get the same answer.
 *
 * Plain module (the global setTimeout only): the bench, the swarm and the k6 scripts share it.
 */
export async function quickPlayWithRetry(
  matchmaker: Matchmaker,
  game: string,
  retry: QuickPlayRetry,
): Promise<MatchAnswer> {
  const deadlineMs = retry.nowMs() + DEADLINE_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await matchmaker.quickPlay(game);
    } catch (error) {
      if (
        !(error instanceof MatchmakingError) ||
        !error.isRetryable ||
        retry.nowMs() > deadlineMs
      ) {
        const why = error instanceof Error ? error.message : String(error);
        throw new Error(`no seat after ${attempt} retries: ${why}`, { cause: error });
      }
      retry.onRetry?.(error);
      const backoffMs = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** attempt);
      // Retry-After comes in whole seconds: for a load test, a shorter backoff capped by it.
      await sleep(
        error.retryAfterMs === null ? backoffMs : Math.min(backoffMs, error.retryAfterMs),
      );
    }
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
