import { describe, expect, it } from 'vitest';
import { resolveServerUrl } from './server-url.js';

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
