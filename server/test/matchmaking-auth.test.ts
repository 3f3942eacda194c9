import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from './support/server-process.js';
import { TestClient, waitFor } from './support/test-client.js';
import { post } from './support/matchmaking.js';
import type { MatchAnswer } from '@tickwire/protocol';
import { TEST_AUTH_SECRET, signTestToken } from '../src/auth/test-tokens.js';

// Player authentication on matchmaking (--auth-secret, given as AUTH_SECRET as README advises):
// a valid token gets a seat that carries its identity; a forged, expired or missing one gets 401
// and never a seat; a room limited to given players admits only them.

interface ErrorBody {
  error: string;
  message: string;
  seat?: string;
}

describe('matchmaking with player authentication', () => {
  let server: ServerProcess;
  const clients: TestClient[] = [];
  const token = (
    sub: string,
    name: string,
    claims: Record<string, unknown> = {},
  ): Promise<string> => signTestToken({ sub, name, ...claims }, { secret: TEST_AUTH_SECRET });

  beforeAll(async () => {
    server = await startServer({
      args: [
        '--direct-join',
        'false',
        '--pellets',
        '0',
        '--world',
        '1200x800',
        '--view',
        '2400x1600',
      ],
      env: { AUTH_SECRET: TEST_AUTH_SECRET },
    });
  });
  afterAll(async () => {
    for (const client of clients) client.ws.terminate();
    await server?.stop();
  });

  it('a valid token gets a seat, and the player takes the name the token gives', async () => {
    const answer = await post(
      server.url,
      '/match/quickplay',
      {},
      { token: await token('player-1', 'Alice') },
    );
    expect(answer.status).toBe(200);
    const client = new TestClient(answer.body.url);
    clients.push(client);
    // The name typed in Hello is not the one the token proves.
    const welcome = await client.join('typed-name', null, answer.body.seat);
    await waitFor(() => client.entity(welcome.playerId) !== null, 'the player sees itself');
    expect(client.entity(welcome.playerId)).toMatchObject({ name: 'Alice' });
  });

  it('a forged, expired or missing token gets 401 with a reason, never a seat', async () => {
    const forged = await signTestToken(
      { sub: 'player-1', name: 'Alice' },
      { secret: 'another-secret-of-enough-length-0123456789abcdef' },
    );
    const expired = await token('player-1', 'Alice', { exp: Math.floor(Date.now() / 1000) - 60 });
    const cases: [string, string | undefined][] = [
      ['forged', forged],
      ['expired', expired],
      ['missing', undefined],
      ['not a JWT', 'hello'],
    ];
    for (const [what, bearer] of cases) {
      const result = await post<ErrorBody>(server.url, '/match/quickplay', {}, { token: bearer });
      expect({ what, status: result.status, error: result.body.error }).toEqual({
        what,
        status: 401,
        error: 'unauthorized',
      });
      expect(result.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(result.body.seat).toBeUndefined();
    }
    const expiredAnswer = await post<ErrorBody>(
      server.url,
      '/match/quickplay',
      {},
      { token: expired },
    );
    expect(expiredAnswer.body.message).toMatch(/expired/);
  });

  it('a room limited to given players admits them and refuses others with 403', async () => {
    const created = await post(
      server.url,
      '/match/create',
      { private: true, allowedPlayerIds: ['player-bob'] },
      { token: await token('player-alice', 'Alice') },
    );
    expect(created.status).toBe(200);
    const code = created.body.room.code as string;
    const bob = await post(
      server.url,
      '/match/join',
      { code },
      { token: await token('player-bob', 'Bob') },
    );
    expect(bob.status).toBe(200);
    const carol = await post<ErrorBody>(
      server.url,
      '/match/join',
      { code },
      { token: await token('player-carol', 'Carol') },
    );
    expect([carol.status, carol.body.error]).toEqual([403, 'not-allowed']);
    // Both admitted players play in the room and see each other by their verified names.
    const alice = new TestClient(created.body.url);
    const bobClient = new TestClient((bob.body as MatchAnswer).url);
    clients.push(alice, bobClient);
    await alice.join('a', null, created.body.seat);
    const bobWelcome = await bobClient.join('b', null, (bob.body as MatchAnswer).seat);
    await waitFor(() => alice.entity(bobWelcome.playerId) !== null, 'alice sees bob');
    expect(alice.entity(bobWelcome.playerId)).toMatchObject({ name: 'Bob' });
  });
});
