import http from 'k6/http';
import type { FetchLike, FetchResponseLike } from '@tickwire/protocol';

/**
 * `fetch` for the protocol's Matchmaker, over k6's http.asyncRequest: a VU never blocks on a
 * matchmaking request, so its other players keep playing while one joins.
 */

/** k6 gives up on a request after this (the Matchmaker's own timeout cannot abort one: no AbortController in k6). */
const REQUEST_TIMEOUT = '10s';

export const k6Fetch: FetchLike = async (url, init) => {
  const response = await http.asyncRequest(init.method, url, init.body ?? null, {
    headers: init.headers,
    timeout: REQUEST_TIMEOUT,
    responseType: 'text',
    tags: { name: 'matchmaking' },
  });
  // Status 0: no HTTP answer at all (refused, DNS, timeout); k6 resolves rather than rejects.
  if (response.status === 0) throw new Error(response.error || 'no answer');
  const body = typeof response.body === 'string' ? response.body : '';
  const headers = response.headers;
  const answer: FetchResponseLike = {
    status: response.status,
    headers: {
      // k6 canonicalizes header names (Retry-After); fetch's get() ignores case.
      get(name) {
        const wanted = name.toLowerCase();
        for (const key of Object.keys(headers)) {
          if (key.toLowerCase() === wanted) return headers[key] ?? null;
        }
        return null;
      },
    },
    text: () => Promise.resolve(body),
  };
  return answer;
};
