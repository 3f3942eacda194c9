// The values behind messages/*.json: every message, its boundaries and the edge cases worth
// pinning. The generator encodes each value with the real codec, decodes the bytes back and
// refuses to write a file when the two disagree or when a frame differs from PROTOCOL.md.
import {
  HelloFlag,
  NO_DIRECTION,
  type Hello,
  type Input,
  type Kick,
  type Ping,
  type Pong,
  type Resync,
  type RoomSummary,
  type Watch,
  type Welcome,
} from '@tickwire/protocol';
import { arenaSchema, sketchSchema, tinySchema, type SchemaName } from './schemas.js';

export interface ValueSpec<T> {
  name: string;
  description: string;
  value: T;
  /** The schema the frame is encoded and decoded with (Inputs and Snapshots); else absent. */
  schema?: SchemaName;
}

export interface NonCanonicalSpec {
  name: string;
  description: string;
  /** Bytes written by hand (not by the reference encoder). */
  hex: string;
  schema?: SchemaName;
}

export interface MessageSpecs<T> {
  vectors: ValueSpec<T>[];
  nonCanonical: NonCanonicalSpec[];
}

export const UINT32_MAX = 0xffff_ffff;
const MAX_SAFE_MS = Number.MAX_SAFE_INTEGER;
export const UUID = '5f0c3a9e-8b1d-4c2e-9f7a-1d2b3c4d5e6f';
const TOKEN_64 = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_';
/** 16 UTF-16 code units, 32 UTF-8 bytes: the longest name, and one byte past fixstr. */
export const EIGHT_EMOJI =
  '\u{1F600}\u{1F680}\u{1F30D}\u{1F34E}\u{1F3B2}\u{1F47E}\u{1F525}\u{1F916}';
/** 2-, 3- and 4-byte UTF-8 sequences: e with diaeresis, snowman, grinning face. */
export const UNICODE_NAME = 'Zo\u00eb \u2603 \u{1F600}';

/**
 * A seat from a matchmaking answer (PROTOCOL.md 15), as the server makes them: "s" and 32
 * base64url characters (24 random bytes).
 */
const SEAT = 'sfSjVQQmFunutbdS6jspc-DXP2zfGhCW3';
/**
 * Version 3, what a client speaks when it needs nothing version 4 added: its Hello and the
 * Welcome answering it are the vectors most clients meet, byte for byte as before version 4.
 */
const V3 = 3;
/** Version 4: a Hello with flags (spectate, summary); Watch and Summary. */
const V4 = 4;
/** Version 2 (still served) has the Hello of version 1's layout: 4 elements, no seat. */
const V2 = 2;
/** Version 1's Hello has that layout too: a v1 client's first frame decodes, then gets 4002. */
const V1 = 1;

/** A version-3 Hello: `[1, 3, name, resumeToken, seat]`. */
const hello = (name: string, resumeToken: string | null, seat: string | null): Hello => ({
  protocolVersion: V3,
  name,
  resumeToken,
  seat,
});

export const helloSpecs: MessageSpecs<Hello> = {
  vectors: [
    {
      name: 'hello-basic',
      description:
        'PROTOCOL.md 5.1 and 11.1: version 3, name "bot", resumeToken nil, seat nil (a direct ' +
        "join of the server's default room).",
      value: hello('bot', null, null),
    },
    {
      name: 'hello-seat',
      description:
        'PROTOCOL.md 5.1 and 15: the seat of a matchmaking answer (33 characters: str8, one past ' +
        'fixstr), resumeToken nil.',
      value: hello('bot', null, SEAT),
    },
    {
      name: 'hello-resume-token-string',
      description:
        'PROTOCOL.md 5.1 and 11.7: resumeToken as a string (the UUID of an earlier Welcome): str8, ' +
        'not nil; seat nil.',
      value: hello('bot', UUID, null),
    },
    {
      name: 'hello-resume-token-and-seat',
      description:
        'Both a resumeToken and a seat: the server resumes the player the token names when it ' +
        'holds one, and only otherwise takes the seat (PROTOCOL.md section 2).',
      value: hello('bot', UUID, SEAT),
    },
    {
      name: 'hello-resume-token-empty',
      description: 'An empty resumeToken string decodes as "", not as null: fixstr(0) is not nil.',
      value: hello('ann', '', null),
    },
    {
      name: 'hello-seat-empty',
      description:
        'An empty seat decodes as "", not as null: fixstr(0) is not nil. It names no seat, so the ' +
        'server answers it with 4015, not with a direct join.',
      value: hello('ann', null, ''),
    },
    {
      name: 'hello-longest-ascii',
      description:
        'A 16-character name, a 64-character token and a 64-character seat: all at their limits.',
      value: hello('abcdefghijklmnop', TOKEN_64, TOKEN_64),
    },
    {
      name: 'hello-unicode-name',
      description:
        'A name with 2-, 3- and 4-byte UTF-8 characters (U+00EB, U+2603, U+1F600): 8 UTF-16 code ' +
        'units, 13 bytes.',
      value: hello(UNICODE_NAME, null, null),
    },
    {
      name: 'hello-emoji-name-16-units',
      description:
        'Eight emoji: 16 UTF-16 code units (the limit, counted in code units, not characters) and ' +
        '32 UTF-8 bytes, so the name is a str8, not a fixstr.',
      value: hello(EIGHT_EMOJI, null, null),
    },
    {
      name: 'hello-untrimmed-name',
      description:
        'Leading and trailing spaces decode as sent; the server trims them after decoding. Only a ' +
        'name that is all whitespace is rejected.',
      value: hello('  bot  ', null, null),
    },
    {
      name: 'hello-v4-spectate',
      description:
        'PROTOCOL.md 5.1: version 4, 6 elements, flags 1 (spectate): join as a spectator, no ' +
        'player. The Welcome names player 0.',
      value: { protocolVersion: V4, name: 'eye', resumeToken: null, seat: null, flags: 1 },
    },
    {
      name: 'hello-v4-spectate-summary',
      description:
        'Version 4, flags 3 (spectate and summary): what the inspector sends with --spectate.',
      value: {
        protocolVersion: V4,
        name: 'inspector',
        resumeToken: null,
        seat: null,
        flags: HelloFlag.Spectate | HelloFlag.Summary,
      },
    },
    {
      name: 'hello-v4-summary-seat',
      description:
        'Version 4, flags 2 (summary): a player with a seat from matchmaking who wants the ' +
        "room's Summary once a second.",
      value: { protocolVersion: V4, name: 'bot', resumeToken: null, seat: SEAT, flags: 2 },
    },
    {
      name: 'hello-v4-no-flags',
      description:
        'Version 4, flags 0: a player like a version-3 one, resuming; flags is never absent.',
      value: { protocolVersion: V4, name: 'bot', resumeToken: UUID, seat: null, flags: 0 },
    },
    {
      name: 'hello-v2',
      description:
        "PROTOCOL.md 1.4 and 5.1: a version-2 client's Hello, 4 elements (no seat), which the " +
        'server still serves in full. Decoded, its seat is null.',
      value: { protocolVersion: V2, name: 'bot', resumeToken: null, seat: null },
    },
    {
      name: 'hello-v2-resume-token',
      description: 'A version-2 Hello resuming with a token: 4 elements.',
      value: { protocolVersion: V2, name: 'bot', resumeToken: UUID, seat: null },
    },
    {
      name: 'hello-version-1',
      description:
        "PROTOCOL.md 1.4: a version-1 client's Hello (version 2's layout). It decodes; the server " +
        'answers it with Kick 4002 naming the versions it speaks (kick-unsupported-version).',
      value: { protocolVersion: V1, name: 'bot', resumeToken: null, seat: null },
    },
    {
      name: 'hello-unsupported-version',
      description:
        "Version 7 decodes (with 4 to 6 elements): refusing it is the session layer's job (Kick " +
        "4002), not the decoder's. The reference encoder writes a version above 4 with 5.",
      value: { protocolVersion: 7, name: 'bot', resumeToken: null, seat: null },
    },
    {
      name: 'hello-largest-version',
      description: 'protocolVersion 65535, the largest the decoder accepts (uint16).',
      value: { protocolVersion: 0xffff, name: 'bot', resumeToken: null, seat: null },
    },
  ],
  nonCanonical: [
    {
      name: 'hello-unsupported-version-4-elements',
      description:
        'Version 7 with 4 elements: a version other than 2, 3 and 4 is read with 4 to 6, so ' +
        'that the server can answer any client with 4002; the reference encoder writes 5 (seat ' +
        'nil).',
      hex: '940107a3626f74c0',
    },
  ],
};

const arenaInput = (
  seq: number,
  ackTick: number,
  moveDir: number,
  aim: number,
  buttons: number,
): Input => ({ seq, ackTick, controls: { moveDir, aim, buttons } });

export const inputSpecs: MessageSpecs<Input> = {
  vectors: [
    {
      name: 'input-arena-stand-still-fire',
      description:
        'PROTOCOL.md 5.2, arena schema: seq 7, ackTick 240, moveDir -1 (stand still, a negative ' +
        'fixint ff), aim 200 (uint8), buttons 1 (fire).',
      schema: 'arena',
      value: arenaInput(7, 240, NO_DIRECTION, 200, 1),
    },
    {
      name: 'input-arena-first',
      description:
        'PROTOCOL.md 11.4, arena schema: seq 1 acknowledging tick 100, moving and aiming down ' +
        '(64), no button.',
      schema: 'arena',
      value: arenaInput(1, 100, 64, 64, 0),
    },
    {
      name: 'input-arena-before-any-snapshot',
      description: 'ackTick 0: no snapshot applied yet. moveDir 0 (right) is not NO_DIRECTION.',
      schema: 'arena',
      value: arenaInput(1, 0, 0, 0, 0),
    },
    {
      name: 'input-arena-uint8-boundaries',
      description:
        'moveDir 127 (last positive fixint) and aim 128 (first uint8), seq 255, ack 256.',
      schema: 'arena',
      value: arenaInput(255, 256, 127, 128, 0),
    },
    {
      name: 'input-arena-uint32-boundaries',
      description: 'seq 65536 and ackTick 65535: the first uint32 and the last uint16.',
      schema: 'arena',
      value: arenaInput(0x10000, 0xffff, 192, 32, 0),
    },
    {
      name: 'input-arena-largest',
      description:
        'Every field at its largest: seq and ackTick UINT32_MAX, moveDir and aim 255, buttons 1 ' +
        '(the only flag, fire).',
      schema: 'arena',
      value: arenaInput(UINT32_MAX, UINT32_MAX, 255, 255, 1),
    },
    {
      name: 'input-sketch-defaults',
      description:
        'Sketch schema: [2, seq, ackTick, pointerX, pointerY, tool, keys], every field at its ' +
        'default (tool 1: its range is 1..5, so its default is its minimum).',
      schema: 'sketch',
      value: { seq: 1, ackTick: 0, controls: { pointerX: 0, pointerY: 0, tool: 1, keys: 0 } },
    },
    {
      name: 'input-sketch-largest',
      description:
        'Sketch schema: pointer at 16000 (the quarter-unit maximum, uint16), tool 5, all three ' +
        'key flags (7).',
      schema: 'sketch',
      value: {
        seq: 9,
        ackTick: 70_000,
        controls: { pointerX: 16000, pointerY: 16000, tool: 5, keys: 7 },
      },
    },
    {
      name: 'input-tiny-no-fields',
      description:
        'A schema without input fields: the Input is [2, seq, ackTick], an acknowledgement only.',
      schema: 'tiny',
      value: { seq: 3, ackTick: 12, controls: {} },
    },
  ],
  nonCanonical: [
    {
      name: 'input-arena-wide-integers',
      description:
        'Integers in wider forms than needed (seq as uint64, ackTick as uint32, moveDir -1 as ' +
        'int16, aim as uint16, buttons as int8): any width is accepted.',
      schema: 'arena',
      hex: '9602cf0000000000000002ce00000065d1ffffcd00c8d000',
    },
  ],
};

export const pingSpecs: MessageSpecs<Ping> = {
  vectors: [
    {
      name: 'ping-int',
      description: 'PROTOCOL.md 5.3: clientTimeMs 5000, an integer: uint16.',
      value: { clientTimeMs: 5000 },
    },
    {
      name: 'ping-zero',
      description: 'clientTimeMs 0.',
      value: { clientTimeMs: 0 },
    },
    {
      name: 'ping-float',
      description: 'A fractional clock reading (performance.now()): float64 (cb).',
      value: { clientTimeMs: 1234.5678 },
    },
    {
      name: 'ping-uint32-max',
      description: 'clientTimeMs 4294967295: the largest integer written as an integer (uint32).',
      value: { clientTimeMs: UINT32_MAX },
    },
    {
      name: 'ping-2-pow-32',
      description:
        'clientTimeMs 4294967296 = 2^32: integers from 2^32 up are written as float64, not uint64.',
      value: { clientTimeMs: 2 ** 32 },
    },
    {
      name: 'ping-epoch-ms',
      description: 'An epoch-milliseconds reading (Date.now()), 1700000000000: float64.',
      value: { clientTimeMs: 1_700_000_000_000 },
    },
    {
      name: 'ping-largest',
      description: 'clientTimeMs 2^53-1, the largest accepted: float64.',
      value: { clientTimeMs: MAX_SAFE_MS },
    },
  ],
  nonCanonical: [
    {
      name: 'ping-uint64',
      description:
        'clientTimeMs 1700000000000 as uint64 (how most msgpack libraries write an int64): ' +
        'accepted; the reference writes the same value as float64.',
      hex: '9203cf0000018bcfe56800',
    },
    {
      name: 'ping-float64-integral',
      description:
        'clientTimeMs 5000.0 as float64: decodes to the number 5000, which the reference writes ' +
        'as uint16.',
      hex: '9203cb40b3880000000000',
    },
    {
      name: 'ping-float32',
      description: 'clientTimeMs 0.5 as float32 (ca): accepted; the reference writes float64.',
      hex: '9203ca3f000000',
    },
    {
      name: 'ping-array16',
      description:
        'The frame as an array16 (dc 00 02) instead of a fixarray: any array header is accepted.',
      hex: 'dc000203cd1388',
    },
  ],
};

export const resyncSpecs: MessageSpecs<Resync> = {
  vectors: [
    {
      name: 'resync-basic',
      description: 'PROTOCOL.md 5.4: Resync of tick 137 (uint8).',
      value: { tick: 137 },
    },
    {
      name: 'resync-smallest',
      description: 'tick 1, the smallest (tick 0 is never a snapshot).',
      value: { tick: 1 },
    },
    {
      name: 'resync-largest',
      description: 'tick UINT32_MAX.',
      value: { tick: UINT32_MAX },
    },
  ],
  nonCanonical: [],
};

const DEFAULT_ROOM = {
  protocolVersion: V3,
  tickHz: 30,
  worldWidth: 4000,
  worldHeight: 4000,
  viewWidth: 1600,
  viewHeight: 1000,
};

export const welcomeSpecs: MessageSpecs<Welcome> = {
  vectors: [
    {
      name: 'welcome-arena',
      description:
        'PROTOCOL.md 4.10 and 11.2: player 1002 at tick 100 of a default arena room, answering a ' +
        "version-3 Hello, with the arena's schema. serverTimeMs = 100 * 1000 / 30 = 3333.333..., " +
        'a float64.',
      value: {
        ...DEFAULT_ROOM,
        playerId: 1002,
        serverTick: 100,
        serverTimeMs: (100 * 1000) / 30,
        resumeToken: UUID,
        schema: arenaSchema,
      },
    },
    {
      name: 'welcome-arena-v2',
      description:
        'PROTOCOL.md 1.4 and 5.5: the same Welcome answering a version-2 Hello: protocolVersion is ' +
        'the version the Hello spoke (2), and nothing else differs.',
      value: {
        ...DEFAULT_ROOM,
        protocolVersion: 2,
        playerId: 1002,
        serverTick: 100,
        serverTimeMs: (100 * 1000) / 30,
        resumeToken: UUID,
        schema: arenaSchema,
      },
    },
    {
      name: 'welcome-arena-v4-spectator',
      description:
        'PROTOCOL.md 2 ("Spectators") and 5.5: the Welcome answering a version-4 Hello with the ' +
        'spectate flag: playerId 0 (never an entity id) and an empty resumeToken (no player to ' +
        'resume); otherwise the same message.',
      value: {
        ...DEFAULT_ROOM,
        protocolVersion: V4,
        playerId: 0,
        serverTick: 100,
        serverTimeMs: (100 * 1000) / 30,
        resumeToken: '',
        schema: arenaSchema,
      },
    },
    {
      name: 'welcome-arena-int-server-time',
      description:
        'Tick 300 at 30 Hz: serverTimeMs = 10000 is an integer, so it is written as uint16, not ' +
        'as a float. Readers MUST accept both.',
      value: {
        ...DEFAULT_ROOM,
        playerId: 7,
        serverTick: 300,
        serverTimeMs: 10_000,
        resumeToken: UUID,
        schema: arenaSchema,
      },
    },
    {
      name: 'welcome-sketch',
      description:
        'The sketch test schema: position kinds, a static kind with declared fields, two ' +
        'lifetimes, a group of two fields, a group shared by two kinds, a negative constant.',
      value: {
        ...DEFAULT_ROOM,
        playerId: 1,
        serverTick: 1,
        serverTimeMs: 1000 / 30,
        resumeToken: UUID,
        schema: sketchSchema,
      },
    },
    {
      name: 'welcome-smallest',
      description:
        'The smallest values: tick 0, serverTimeMs 0, tickHz 1, 1x1 world and view, player 0, ' +
        'an empty token, and the smallest schema (one static kind, nothing else).',
      value: {
        protocolVersion: 0,
        playerId: 0,
        tickHz: 1,
        serverTick: 0,
        serverTimeMs: 0,
        worldWidth: 1,
        worldHeight: 1,
        viewWidth: 1,
        viewHeight: 1,
        resumeToken: '',
        schema: tinySchema,
      },
    },
    {
      name: 'welcome-largest',
      description:
        'The largest values: version and playerId 65535, tickHz 1000, serverTick UINT32_MAX, ' +
        'serverTimeMs 2^53-1 (float64), sizes 1000000, a 64-character token.',
      value: {
        protocolVersion: 0xffff,
        playerId: 0xffff,
        tickHz: 1000,
        serverTick: UINT32_MAX,
        serverTimeMs: MAX_SAFE_MS,
        worldWidth: 1_000_000,
        worldHeight: 1_000_000,
        viewWidth: 1_000_000,
        viewHeight: 1_000_000,
        resumeToken: TOKEN_64,
        schema: tinySchema,
      },
    },
  ],
  nonCanonical: [],
};

export const pongSpecs: MessageSpecs<Pong> = {
  vectors: [
    {
      name: 'pong-basic',
      description: 'PROTOCOL.md 5.7: clientTimeMs 5000 echoed, serverTimeMs 3341.5, tick 100.',
      value: { clientTimeMs: 5000, serverTimeMs: 3341.5, serverTick: 100 },
    },
    {
      name: 'pong-before-first-tick',
      description: 'A Ping read before the first tick: serverTick 0, a small fractional clock.',
      value: { clientTimeMs: 12.5, serverTimeMs: 0.25, serverTick: 0 },
    },
    {
      name: 'pong-int-server-time',
      description: 'serverTimeMs 1000 happens to be an integer: uint16, not float64.',
      value: { clientTimeMs: 0, serverTimeMs: 1000, serverTick: 30 },
    },
    {
      name: 'pong-epoch-echo',
      description:
        'An epoch-milliseconds clientTimeMs (1700000000000, above 2^32) comes back as float64 ' +
        'whatever width the Ping used.',
      value: { clientTimeMs: 1_700_000_000_000, serverTimeMs: 98765.4321, serverTick: 2963 },
    },
    {
      name: 'pong-largest',
      description: 'Both clocks 2^53-1 (float64) and serverTick UINT32_MAX.',
      value: { clientTimeMs: MAX_SAFE_MS, serverTimeMs: MAX_SAFE_MS, serverTick: UINT32_MAX },
    },
  ],
  nonCanonical: [],
};

const REASON_200 = 'x'.repeat(200);

export const kickSpecs: MessageSpecs<Kick> = {
  vectors: [
    {
      name: 'kick-rate-limited',
      description: 'PROTOCOL.md 5.8: 4005 with a 32-byte reason (str8: one past fixstr).',
      value: { closeCode: 4005, reason: 'more than 60 messages per second' },
    },
    {
      name: 'kick-unsupported-version',
      description:
        'PROTOCOL.md 1.4: the answer to a version-1 Hello. The 4002 reason names the versions the ' +
        'server speaks.',
      value: {
        closeCode: 4002,
        reason: 'protocol version 1 is not supported; this server speaks 2, 3',
      },
    },
    {
      name: 'kick-empty-reason',
      description: 'Code 4008 with an empty reason (fixstr of length 0).',
      value: { closeCode: 4008, reason: '' },
    },
    {
      name: 'kick-smallest-code',
      description: 'closeCode 1000, the smallest accepted.',
      value: { closeCode: 1000, reason: 'bye' },
    },
    {
      name: 'kick-longest-ascii-reason',
      description: 'closeCode 4999 (the largest) and a 200-character reason (the limit; str8).',
      value: { closeCode: 4999, reason: REASON_200 },
    },
    {
      name: 'kick-longest-unicode-reason',
      description:
        'A 200-code-unit reason of U+00E9: 400 UTF-8 bytes, so a str16. The limit counts code ' +
        'units, not bytes.',
      value: { closeCode: 4000, reason: '\u00e9'.repeat(200) },
    },
  ],
  nonCanonical: [],
};

export const watchSpecs: MessageSpecs<Watch> = {
  vectors: [
    {
      name: 'watch-free',
      description:
        'PROTOCOL.md 5.9: a free camera (followId 0) centred at x 8000, y 6000 (wire units: the ' +
        'middle of a 4000 x 3000 world), acknowledging tick 240.',
      value: { ackTick: 240, followId: 0, x: 8000, y: 6000 },
    },
    {
      name: 'watch-follow',
      description:
        'PROTOCOL.md 5.9: follow entity 1002 (the view centred on it every tick while it exists); ' +
        'x and y are ignored, and the reference client sends 0.',
      value: { ackTick: 100, followId: 1002, x: 0, y: 0 },
    },
    {
      name: 'watch-first',
      description: 'The first Watch, before any snapshot: ackTick 0, the camera at 0, 0.',
      value: { ackTick: 0, followId: 0, x: 0, y: 0 },
    },
    {
      name: 'watch-largest',
      description:
        'The largest values: ackTick UINT32_MAX, followId 65535, x and y 2^24-1 (the server ' +
        'clamps a point to the world).',
      value: { ackTick: UINT32_MAX, followId: 0xffff, x: 0xff_ffff, y: 0xff_ffff },
    },
  ],
  nonCanonical: [],
};

export const summarySpecs: MessageSpecs<RoomSummary> = {
  vectors: [
    {
      name: 'summary-arena',
      description:
        'PROTOCOL.md 5.10: tick 120, 2 players online and 1 spectator; leaders by score ' +
        'descending: ann (1001, score 7) then bot (1002, score 3), with their positions.',
      value: {
        tick: 120,
        playersOnline: 2,
        spectators: 1,
        leaders: [
          { id: 1001, name: 'ann', score: 7, x: 8373, y: 6000 },
          { id: 1002, name: 'bot', score: 3, x: 8000, y: 6027 },
        ],
      },
    },
    {
      name: 'summary-empty',
      description:
        'No one ranked: a game without a ranking, or a room with no players (leaders is an ' +
        'empty array, never nil).',
      value: { tick: 30, playersOnline: 0, spectators: 2, leaders: [] },
    },
    {
      name: 'summary-ties',
      description:
        'Equal scores rank by id ascending; a name may be empty (a game ranking without a label).',
      value: {
        tick: 60,
        playersOnline: 3,
        spectators: 0,
        leaders: [
          { id: 4, name: '', score: 5, x: 0, y: 0 },
          { id: 9, name: '', score: 5, x: 1, y: 1 },
          { id: 2, name: '', score: 0, x: 2, y: 2 },
        ],
      },
    },
    {
      name: 'summary-ten-leaders',
      description:
        'Ten leaders, the most a Summary holds, with the extreme scores a schema integer allows ' +
        '(UINT32_MAX and -2^31).',
      value: {
        tick: UINT32_MAX,
        playersOnline: 4000,
        spectators: 100,
        leaders: Array.from({ length: 10 }, (_, i) => ({
          id: i + 1,
          name: `p${i + 1}`,
          score: i < 5 ? UINT32_MAX : -0x8000_0000,
          x: 0xff_ffff,
          y: 0,
        })),
      },
    },
  ],
  nonCanonical: [],
};
