import { describe, expect, it } from 'vitest';
import {
  CloseCode,
  HelloFlag,
  MAX_LEADERS,
  MessageId,
  decodeClientMessage,
  decodeHandshakeMessage,
  decodeHello,
  decodeServerMessage,
  decodeSummary,
  decodeWatch,
  encodeHello,
  encodeSummary,
  encodeWatch,
  helloRole,
  packFrame,
  type RoomSummary,
} from '../index.js';
import { testArenaSchema } from '../testing/test-schemas.js';
import { rejects } from '../testing/rejects.js';

// Version 4's additions (PROTOCOL.md 1.4, 5.1, 5.9, 5.10): Hello flags, Watch and Summary.

const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const M = CloseCode.MalformedFrame;
const U = CloseCode.UnknownMessage;
const client = (b: Uint8Array): unknown => decodeClientMessage(testArenaSchema, b);
const server = (b: Uint8Array): unknown => decodeServerMessage(b, testArenaSchema);

describe('Hello, version 4: [1, 4, name, resumeToken, seat, flags]', () => {
  it('has exactly 6 elements, flags last, and golden bytes', () => {
    const bytes = encodeHello({
      protocolVersion: 4,
      name: 'ann',
      resumeToken: null,
      seat: null,
      flags: HelloFlag.Spectate | HelloFlag.Summary,
    });
    expect(hex(bytes)).toBe('960104a3616e6ec0c003');
    expect(decodeHello(bytes)).toEqual({
      protocolVersion: 4,
      name: 'ann',
      resumeToken: null,
      seat: null,
      flags: 3,
    });
    // flags absent from the value: 0 on the wire, never a missing element.
    expect(hex(encodeHello({ protocolVersion: 4, name: 'ann', resumeToken: null }))).toBe(
      '960104a3616e6ec0c000',
    );
  });

  it('refuses 5 elements, 7 elements, unnamed bits, negative or non-integer flags (4000)', () => {
    rejects(
      client,
      packFrame([1, 4, 'ann', null, null]),
      M,
      /expected 6 elements in version 4, got 5/,
    );
    rejects(client, packFrame([1, 4, 'ann', null, null, 0, 0]), M, /Hello/);
    rejects(client, packFrame([1, 4, 'ann', null, null, 4]), M, /Hello.flags: 4 sets bits/);
    rejects(client, packFrame([1, 4, 'ann', null, null, 0xffff_ffff]), M, /Hello.flags/);
    rejects(client, packFrame([1, 4, 'ann', null, null, -1]), M, /Hello.flags/);
    rejects(client, packFrame([1, 4, 'ann', null, null, true]), M, /Hello.flags/);
    rejects(client, packFrame([1, 4, 'ann', null, null, null]), M, /Hello.flags/);
    rejects(client, packFrame([1, 4, 'ann', null, null, 1.5]), M, /Hello.flags/);
    // Before Hello the server reads it the same way.
    rejects(decodeHandshakeMessage, packFrame([1, 4, 'ann', null, null, 8]), M, /Hello.flags/);
  });

  it('cannot be written with flags in an earlier version', () => {
    expect(() =>
      encodeHello({ protocolVersion: 3, name: 'ann', resumeToken: null, flags: 1 }),
    ).toThrow(/version 3 Hello carries no flags/);
  });
});

describe('Watch (5): [5, ackTick, followId, x, y]', () => {
  it('encodes to its golden bytes and decodes back', () => {
    const free = { ackTick: 240, followId: 0, x: 8000, y: 6000 };
    expect(hex(encodeWatch(free))).toBe('9505ccf000cd1f40cd1770');
    expect(decodeWatch(encodeWatch(free))).toEqual(free);
    const follow = { ackTick: 100, followId: 1002, x: 0, y: 0 };
    expect(hex(encodeWatch(follow))).toBe('950564cd03ea0000');
    expect(client(encodeWatch(follow))).toEqual({ id: MessageId.Watch, message: follow });
  });

  it('takes the extremes of every range', () => {
    const most = { ackTick: 0xffff_ffff, followId: 0xffff, x: 0xff_ffff, y: 0xff_ffff };
    expect(decodeWatch(encodeWatch(most))).toEqual(most);
    expect(encodeWatch(most).byteLength).toBe(1 + 1 + 5 + 3 + 5 + 5);
  });

  it('refuses a wrong length and every field out of range (4000)', () => {
    rejects(client, packFrame([5, 1, 0, 0]), M, /Watch: expected 5 elements, got 4/);
    rejects(client, packFrame([5, 1, 0, 0, 0, 0]), M, /Watch: expected 5 elements, got 6/);
    rejects(client, packFrame([5, -1, 0, 0, 0]), M, /Watch.ackTick/);
    rejects(client, packFrame([5, 1, 0x10000, 0, 0]), M, /Watch.followId/);
    rejects(client, packFrame([5, 1, -1, 0, 0]), M, /Watch.followId/);
    rejects(client, packFrame([5, 1, 0, 0x100_0000, 0]), M, /Watch.x/);
    rejects(client, packFrame([5, 1, 0, 0, -1]), M, /Watch.y/);
    rejects(client, packFrame([5, 1, 0, 0.5, 0]), M, /Watch.x/);
    rejects(client, packFrame([5, 1, false, 0, 0]), M, /Watch.followId/);
  });

  it('is unknown (4001) below version 4, whatever it holds: never 4000 for its body', () => {
    for (const version of [2, 3]) {
      const inVersion = (b: Uint8Array): unknown =>
        decodeClientMessage(testArenaSchema, b, version);
      const unknown = new RegExp(`unknown client message id 5 in version ${version}`);
      rejects(inVersion, encodeWatch({ ackTick: 1, followId: 0, x: 0, y: 0 }), U, unknown);
      rejects(inVersion, packFrame([5, 1]), U, unknown);
    }
    expect(decodeClientMessage(testArenaSchema, packFrame([5, 1, 0, 0, 0]), 4).id).toBe(5);
  });

  it('helloRole reads the flags: a Hello before version 4 is a player without summaries', () => {
    expect(helloRole({ protocolVersion: 3, name: 'a', resumeToken: null })).toEqual({
      isSpectator: false,
      wantsSummary: false,
    });
    const flags = HelloFlag.Spectate | HelloFlag.Summary;
    expect(helloRole({ protocolVersion: 4, name: 'a', resumeToken: null, flags })).toEqual({
      isSpectator: true,
      wantsSummary: true,
    });
    expect(
      helloRole({ protocolVersion: 4, name: 'a', resumeToken: null, flags: HelloFlag.Summary }),
    ).toEqual({ isSpectator: false, wantsSummary: true });
  });

  it('is known before Hello by its id only (the server answers it with 4003)', () => {
    expect(decodeHandshakeMessage(packFrame([5, 'anything']))).toEqual({ id: 5, message: null });
  });
});

describe('Summary (68): [68, tick, playersOnline, spectators, leaders]', () => {
  const summary: RoomSummary = {
    tick: 120,
    playersOnline: 2,
    spectators: 1,
    leaders: [
      { id: 1001, name: 'ann', score: 7, x: 8373, y: 6000 },
      { id: 1002, name: 'bot', score: 3, x: 8000, y: 6027 },
    ],
  };

  it('encodes to its golden bytes and decodes back', () => {
    const bytes = encodeSummary(summary);
    expect(hex(bytes)).toBe(
      '95447802019295cd03e9a3616e6e07cd20b5cd177095cd03eaa3626f7403cd1f40cd178b',
    );
    expect(decodeSummary(bytes)).toEqual(summary);
    expect(server(bytes)).toEqual({ id: MessageId.Summary, message: summary });
    const empty = { tick: 30, playersOnline: 0, spectators: 0, leaders: [] };
    expect(hex(encodeSummary(empty))).toBe('95441e000090');
    expect(decodeSummary(encodeSummary(empty))).toEqual(empty);
  });

  it('takes ten leaders, ties ordered by id, and scores of any schema integer', () => {
    const leaders = Array.from({ length: MAX_LEADERS }, (_, i) => ({
      id: i + 1,
      name: '',
      score: i < 5 ? 0xffff_ffff : -0x8000_0000,
      x: 0,
      y: 0xff_ffff,
    }));
    const most = { tick: 0xffff_ffff, playersOnline: 65535, spectators: 100, leaders };
    expect(decodeSummary(encodeSummary(most))).toEqual(most);
  });

  it('refuses eleven leaders, a wrong order, a repeated id and fields out of range (4000)', () => {
    const leader = (id: number, score: number): unknown[] => [id, 'x', score, 0, 0];
    const of = (leaders: unknown[]): Uint8Array => packFrame([68, 1, 0, 0, leaders]);
    const eleven = Array.from({ length: 11 }, (_, i) => leader(i + 1, 0));
    rejects(server, of(eleven), M, /Summary.leaders: expected 0..10 elements, got 11/);
    rejects(server, of([leader(1, 1), leader(2, 2)]), M, /leaders\[1\]: out of order/);
    rejects(server, of([leader(2, 1), leader(1, 1)]), M, /leaders\[1\]: out of order/);
    rejects(server, of([leader(1, 1), leader(1, 1)]), M, /leaders\[1\]: out of order/);
    rejects(server, of([leader(0, 1)]), M, /leaders\[0\].id/);
    rejects(server, of([[1, 'x', 1, 0]]), M, /leaders\[0\]: expected 5 elements/);
    rejects(server, of([[1, 7, 1, 0, 0]]), M, /leaders\[0\].name/);
    rejects(server, of([[1, 'x', 2 ** 32, 0, 0]]), M, /leaders\[0\].score/);
    rejects(server, of([[1, 'x', 1, -1, 0]]), M, /leaders\[0\].x/);
    rejects(server, packFrame([68, 1, 0, 0]), M, /Summary: expected 5 elements/);
    rejects(server, packFrame([68, 1, -1, 0, []]), M, /Summary.playersOnline/);
    rejects(server, packFrame([68, 1, 0, 0, {}]), M, /Summary.leaders: expected an array/);
  });
});
