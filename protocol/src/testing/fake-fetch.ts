// A fetch stand-in that plays the matchmaking server: it records each request and answers from
// a queue the test fills (or from a handler). Not part of the package build.

import type { FetchLike, FetchRequestInit, FetchResponseLike } from '../client/matchmaking.js';

export interface RecordedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  /** The parsed JSON body, or undefined for none. */
  body: unknown;
}

/** What the fake answers: a status with a JSON body (or raw text), or a network failure. */
export type FakeAnswer =
  | { status: number; json: unknown; headers?: Record<string, string> }
  | { status: number; text: string; headers?: Record<string, string> }
  | { networkError: Error }
  /** Never answers (a hung server). */
  | { hang: true };

export class FakeFetch {
  readonly requests: RecordedRequest[] = [];
  readonly #answers: FakeAnswer[] = [];
  /** Answers when the queue is empty; default: a test failure naming the request. */
  fallback: ((request: RecordedRequest) => FakeAnswer) | null = null;

  /** Queues answers, given in the order the requests will come. */
  answer(...answers: FakeAnswer[]): this {
    this.#answers.push(...answers);
    return this;
  }

  readonly fetch: FetchLike = (url: string, init: FetchRequestInit) => {
    const request: RecordedRequest = {
      url,
      method: init.method,
      headers: { ...init.headers },
      body: init.body === undefined ? undefined : (JSON.parse(init.body) as unknown),
    };
    this.requests.push(request);
    const answer = this.#answers.shift() ?? this.fallback?.(request);
    if (answer === undefined) {
      return Promise.reject(new Error(`FakeFetch: no answer queued for ${init.method} ${url}`));
    }
    if ('networkError' in answer) return Promise.reject(answer.networkError);
    if ('hang' in answer) {
      // Settles when the caller aborts, as fetch does.
      return new Promise((_resolve, reject) => {
        const signal = init.signal as { addEventListener?: (t: string, f: () => void) => void };
        signal?.addEventListener?.('abort', () => reject(new Error('This operation was aborted')));
      });
    }
    const text = 'json' in answer ? JSON.stringify(answer.json) : answer.text;
    const headers = new Map(
      Object.entries(answer.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
    );
    const response: FetchResponseLike = {
      status: answer.status,
      headers: { get: (name) => headers.get(name.toLowerCase()) ?? null },
      text: () => Promise.resolve(text),
    };
    return Promise.resolve(response);
  };
}

/** A MatchAnswer body as the server sends it. */
export function matchAnswerJson(
  overrides: {
    roomId?: string;
    game?: string;
    code?: string | null;
    url?: string;
    seat?: string;
    players?: number;
  } = {},
): unknown {
  const code = overrides.code ?? null;
  return {
    room: {
      id: overrides.roomId ?? 'r0000000001',
      game: overrides.game ?? 'arena',
      isPrivate: code !== null,
      code,
      players: overrides.players ?? 0,
      capacity: 100,
    },
    url: overrides.url ?? 'ws://game-1.test:9001/ws',
    seat: overrides.seat ?? 's-seat-1',
    expiresInMs: 10_000,
  };
}

/** An error body as the server sends it. */
export function errorAnswer(
  status: number,
  error: string,
  message: string,
  headers?: Record<string, string>,
): FakeAnswer {
  return { status, json: { error, message }, ...(headers ? { headers } : {}) };
}
