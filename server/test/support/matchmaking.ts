import type { MatchAnswer, RoomListing } from '@tickwire/protocol';

// Matchmaking from the integration tests: plain fetch against a real server's HTTP port, as any
// client in any language would call it (the SDK's Matchmaker is tested on its own).

export interface HttpResult<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** POSTs `body` as JSON (or sends `raw` as it is) to `baseUrl + path` and reads the JSON answer. */
export async function post<T = MatchAnswer>(
  baseUrl: string,
  path: string,
  body: unknown = {},
  options: { token?: string; raw?: string; headers?: Record<string, string> } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...options.headers,
  };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers,
    body: options.raw ?? JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

export async function listRooms(baseUrl: string, game = 'arena'): Promise<RoomListing> {
  const response = await fetch(`${baseUrl}/match/rooms?game=${game}`);
  if (response.status !== 200) throw new Error(`GET /match/rooms answered ${response.status}`);
  return (await response.json()) as RoomListing;
}

/** Quick play that must succeed: the answer's body. */
export async function quickPlay(
  baseUrl: string,
  game?: string,
  token?: string,
): Promise<MatchAnswer> {
  const result = await post(baseUrl, '/match/quickplay', game === undefined ? {} : { game }, {
    token,
  });
  if (result.status !== 200) {
    throw new Error(`quick play answered ${result.status}: ${JSON.stringify(result.body)}`);
  }
  return result.body;
}
