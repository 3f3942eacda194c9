import { describe, expect, it } from 'vitest';
import { resolveJoinMode, resolveServerUrl, shareLinkFor } from './server-url.js';

describe('resolveServerUrl', () => {
  it('uses /ws on the page host, ws: for http: pages', () => {
    expect(resolveServerUrl({ protocol: 'http:', host: '127.0.0.1:8080', search: '' })).toEqual({
      ok: true,
      url: 'ws://127.0.0.1:8080/ws',
    });
  });

  it('uses wss: for https: pages', () => {
    expect(resolveServerUrl({ protocol: 'https:', host: 'game.example', search: '' })).toEqual({
      ok: true,
      url: 'wss://game.example/ws',
    });
  });

  it('takes a ?server= override', () => {
    const search = `?server=${encodeURIComponent('ws://127.0.0.1:1/ws')}`;
    expect(resolveServerUrl({ protocol: 'http:', host: 'a:1', search })).toEqual({
      ok: true,
      url: 'ws://127.0.0.1:1/ws',
    });
  });

  it('accepts an unencoded override', () => {
    const result = resolveServerUrl({
      protocol: 'http:',
      host: 'a',
      search: '?server=wss://b:9/ws',
    });
    expect(result).toEqual({ ok: true, url: 'wss://b:9/ws' });
  });

  it('ignores an empty override', () => {
    const result = resolveServerUrl({ protocol: 'http:', host: 'a:1', search: '?server=' });
    expect(result).toEqual({ ok: true, url: 'ws://a:1/ws' });
  });

  it('refuses an override that is not a WebSocket URL', () => {
    expect(
      resolveServerUrl({ protocol: 'http:', host: 'a', search: '?server=http://b/ws' }),
    ).toMatchObject({ ok: false, error: expect.stringContaining('ws://') as unknown });
    expect(
      resolveServerUrl({ protocol: 'http:', host: 'a', search: '?server=nonsense' }),
    ).toMatchObject({
      ok: false,
    });
  });
});

describe('resolveJoinMode', () => {
  const page = { protocol: 'http:', host: '127.0.0.1:8080' };

  it('uses the lobby, through the matchmaking of the page origin, by default', () => {
    expect(resolveJoinMode({ ...page, search: '' })).toEqual({
      ok: true,
      mode: { kind: 'lobby', matchmakingUrl: 'http://127.0.0.1:8080', roomCode: null },
    });
    expect(resolveJoinMode({ protocol: 'https:', host: 'game.example', search: '' })).toEqual({
      ok: true,
      mode: { kind: 'lobby', matchmakingUrl: 'https://game.example', roomCode: null },
    });
  });

  it('reads the room code of a share link', () => {
    expect(resolveJoinMode({ ...page, search: '?room=ABC234&netgraph=1' })).toEqual({
      ok: true,
      mode: { kind: 'lobby', matchmakingUrl: 'http://127.0.0.1:8080', roomCode: 'ABC234' },
    });
    expect(resolveJoinMode({ ...page, search: '?room=' })).toMatchObject({
      mode: { roomCode: null },
    });
    expect(resolveJoinMode({ ...page, search: '?room=%3Cscript%3E' })).toEqual({
      ok: false,
      error: 'The ?room= parameter "<script>" is not a room code (letters and digits).',
    });
  });

  it('connects directly, without the lobby, with ?server=', () => {
    expect(resolveJoinMode({ ...page, search: '?server=ws://127.0.0.1:1/ws' })).toEqual({
      ok: true,
      mode: { kind: 'direct', url: 'ws://127.0.0.1:1/ws' },
    });
    expect(resolveJoinMode({ ...page, search: '?server=http://x/ws' })).toMatchObject({
      ok: false,
    });
  });

  it('makes the share link of a room on the page origin', () => {
    expect(shareLinkFor(page, 'ABC234')).toBe('http://127.0.0.1:8080/?room=ABC234');
  });
});
