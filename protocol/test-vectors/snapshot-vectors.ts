// The values behind messages/snapshot.json (see message-vectors.ts for how they are used).
import { Replica, viewChecksum, type PlayerRecord, type Snapshot } from '@tickwire/protocol';
import { EIGHT_EMOJI, UINT32_MAX, UNICODE_NAME, type MessageSpecs } from './message-vectors.js';

function player(id: number, fields: Partial<Omit<PlayerRecord, 'kind' | 'id'>> = {}): PlayerRecord {
  return {
    kind: 0,
    id,
    x: 8000,
    y: 8000,
    vx: 0,
    vy: 0,
    aim: 0,
    hp: 100,
    score: 0,
    name: `p${id}`,
    ...fields,
  };
}

/**
 * A full view of a default room at tick 200 (16 players, 3 pellets: 19 records, so `entered` is
 * an array16), and a delta of tick 203 against it (baselineAge 3) that updates players 101..115
 * with masks 1..15, removes player 116 and pellet 201, and adds player 117 and pellet 204. Both
 * checksums are computed by applying the pair with the real Replica.
 */
function snapshotPair(): { full: Snapshot; delta: Snapshot } {
  const players = Array.from({ length: 16 }, (_, i) =>
    player(101 + i, {
      x: 2000 + 600 * i,
      y: 3000 + 400 * i,
      vx: [0, 27, -19, 0, 19, -27][i % 6] ?? 0,
      vy: [0, 0, 19, 27, -19, 0][i % 6] ?? 0,
      aim: (i * 37) % 256,
      score: i * 3,
    }),
  );
  // Against the right wall: extrapolating 3 ticks clamps x to 16000.
  players[6] = player(107, { x: 15990, y: 9000, vx: 27, vy: 0, aim: 0, score: 12 });
  const full: Snapshot = {
    tick: 200,
    baselineTick: 0,
    inputAck: 41,
    removed: [],
    entered: [
      ...players,
      { kind: 1, id: 201, x: 4000, y: 4000 },
      { kind: 1, id: 202, x: 12000, y: 500 },
      { kind: 1, id: 203, x: 0, y: 16000 },
    ],
    updated: [],
    checksum: 0,
  };
  const updated = Array.from({ length: 15 }, (_, i) => {
    const mask = i + 1;
    return {
      id: 101 + i,
      ...(mask & 1 ? { motion: { x: 2100 + 600 * i, y: 3100 + 400 * i, vx: 19, vy: -19 } } : {}),
      ...(mask & 2 ? { aim: (i * 37 + 64) % 256 } : {}),
      ...(mask & 4 ? { hp: 100 - i } : {}),
      ...(mask & 8 ? { score: i * 3 + 1 } : {}),
    };
  });
  const delta: Snapshot = {
    tick: 203,
    baselineTick: 200,
    inputAck: 43,
    removed: [116, 201],
    entered: [
      player(117, { x: 7000, y: 7000, vx: -27, name: 'new' }),
      { kind: 1, id: 204, x: 1, y: 2 },
    ],
    updated,
    checksum: 0,
  };
  const replica = new Replica({ worldWidth: 4000, worldHeight: 4000 });
  full.checksum = viewChecksum(replica.apply({ ...full, checksum: null }).entities.values());
  delta.checksum = viewChecksum(replica.apply({ ...delta, checksum: null }).entities.values());
  // Both must also pass the replica's own check, from scratch.
  const check = new Replica({ worldWidth: 4000, worldHeight: 4000 });
  check.apply(full);
  check.apply(delta);
  return { full, delta };
}

const pair = snapshotPair();

export const snapshotSpecs: MessageSpecs<Snapshot> = {
  vectors: [
    {
      name: 'snapshot-full-documented',
      description:
        'PROTOCOL.md 10.3: the full snapshot of tick 100 (two players, two pellets) with its ' +
        'checksum 1032056780.',
      value: {
        tick: 100,
        baselineTick: 0,
        inputAck: 0,
        removed: [],
        entered: [
          player(1002, { x: 8000, y: 6000, name: 'bot' }),
          player(1001, { x: 8400, y: 6100, vx: -27, aim: 128, score: 5, name: 'ann' }),
          { kind: 1, id: 12, x: 8380, y: 6100 },
          { kind: 1, id: 300, x: 7000, y: 5600 },
        ],
        updated: [],
        checksum: 1032056780,
      },
      documentedHex:
        '984164000090949acd03ea00cd1f40cd17700000006400a3626f749acd03e900cd20d0cd17d4e500cc806405' +
        'a3616e6e940c01cd20bccd17d494cd012c01cd1b58cd15e090ce3d83efcc',
    },
    {
      name: 'snapshot-delta-documented',
      description:
        'PROTOCOL.md 10.5: the delta of tick 101 against tick 100 (baselineAge 1): pellet 12 ' +
        'removed, pellet 1003 entered, player 1002 Motion|Aim, player 1001 Score, checksum.',
      value: {
        tick: 101,
        baselineTick: 100,
        inputAck: 1,
        removed: [12],
        entered: [{ kind: 1, id: 1003, x: 9100, y: 5200 }],
        updated: [
          { id: 1002, motion: { x: 8000, y: 6027, vx: 0, vy: 27 }, aim: 64 },
          { id: 1001, score: 6 },
        ],
        checksum: 818666357,
      },
      documentedHex:
        '9841650101910c9194cd03eb01cd238ccd14509297cd03ea03cd1f40cd178b001b4093cd03e90806ce30cbdb75',
    },
    {
      name: 'snapshot-full-with-checksum',
      description:
        'A full view of tick 200: 16 players and 3 pellets (19 records: an array16 header), one ' +
        'player at x 15990 moving right. The checksum is the real viewChecksum of the view.',
      value: pair.full,
    },
    {
      name: 'snapshot-full-without-checksum',
      description: 'The same full view without a checksum: 7 elements, the checksum is absent.',
      value: { ...pair.full, checksum: null },
    },
    {
      name: 'snapshot-delta-every-mask',
      description:
        'A delta of tick 203 against snapshot-full-with-checksum (baselineAge 3): removes player ' +
        '116 and pellet 201, adds player 117 and pellet 204, and updates players 101..115 with ' +
        'field masks 1..15 in turn (every combination of Motion, Aim, Hp, Score). Applying it to ' +
        'that view (extrapolating 3 ticks; player 107 clamps at x 16000) gives the checksum.',
      value: pair.delta,
    },
    {
      name: 'snapshot-delta-without-checksum',
      description: 'The same delta without a checksum.',
      value: { ...pair.delta, checksum: null },
    },
    {
      name: 'snapshot-empty-first-tick',
      description:
        'The smallest snapshot: tick 1, full, nothing in view, no checksum: [65, 1, 0, 0, [], [], []].',
      value: {
        tick: 1,
        baselineTick: 0,
        inputAck: 0,
        removed: [],
        entered: [],
        updated: [],
        checksum: null,
      },
    },
    {
      name: 'snapshot-empty-with-checksum',
      description: 'An empty view with checksums on: the checksum of an empty view is 0.',
      value: {
        tick: 5,
        baselineTick: 0,
        inputAck: 0,
        removed: [],
        entered: [],
        updated: [],
        checksum: 0,
      },
    },
    {
      name: 'snapshot-oldest-baseline-early',
      description:
        'baselineAge may be at most tick - 1: tick 10 against tick 1 (baselineAge 9), an update ' +
        'with only Hp.',
      value: {
        tick: 10,
        baselineTick: 1,
        inputAck: 3,
        removed: [],
        entered: [],
        updated: [{ id: 5, hp: 90 }],
        checksum: null,
      },
    },
    {
      name: 'snapshot-integer-widths',
      description:
        'Players whose fields cross every msgpack integer width: positions 127/128, 255/256, ' +
        '65535/65536; velocities -1, -32 (negative fixint), -33, -128 (int8), -129, -32767 ' +
        '(int16), 31, 127, 128, 32767.',
      value: {
        tick: 1000,
        baselineTick: 0,
        inputAck: 128,
        removed: [],
        entered: [
          player(1, { x: 127, y: 128, vx: -1, vy: -32, aim: 127, hp: 127, score: 127 }),
          player(2, { x: 255, y: 256, vx: -33, vy: -128, aim: 128, hp: 128, score: 128 }),
          player(3, { x: 65535, y: 65536, vx: -129, vy: -32767, aim: 255, hp: 255, score: 256 }),
          player(4, { x: 0, y: 0, vx: 31, vy: 127, aim: 0, hp: 0, score: 65535 }),
          player(5, { x: 16000, y: 16000, vx: 128, vy: 32767, aim: 1, hp: 256, score: 65536 }),
        ],
        updated: [],
        checksum: null,
      },
    },
    {
      name: 'snapshot-unicode-name',
      description: 'A player whose name has 2-, 3- and 4-byte UTF-8 characters.',
      value: {
        tick: 7,
        baselineTick: 0,
        inputAck: 0,
        removed: [],
        entered: [player(42, { name: UNICODE_NAME }), player(43, { name: EIGHT_EMOJI })],
        updated: [],
        checksum: null,
      },
    },
    {
      name: 'snapshot-largest',
      description:
        'Every field at its largest: tick, inputAck, score and checksum UINT32_MAX; baselineAge ' +
        '255; ids 65535 and 0; positions 16777215; velocities +-32767; aim 255; hp 65535; a ' +
        '16-character name; an update with all four fields at their largest.',
      value: {
        tick: UINT32_MAX,
        baselineTick: UINT32_MAX - 255,
        inputAck: UINT32_MAX,
        removed: [0xffff, 0],
        entered: [
          {
            kind: 0,
            id: 0xfffe,
            x: 0xff_ffff,
            y: 0xff_ffff,
            vx: 0x7fff,
            vy: -0x7fff,
            aim: 255,
            hp: 0xffff,
            score: UINT32_MAX,
            name: 'abcdefghijklmnop',
          },
          { kind: 1, id: 0xfffd, x: 0xff_ffff, y: 0 },
        ],
        updated: [
          {
            id: 0xfffc,
            motion: { x: 0xff_ffff, y: 0xff_ffff, vx: -0x7fff, vy: 0x7fff },
            aim: 255,
            hp: 0xffff,
            score: UINT32_MAX,
          },
        ],
        checksum: UINT32_MAX,
      },
    },
  ],
  nonCanonical: [
    {
      name: 'snapshot-wide-integers',
      description:
        'A delta written with wider integer and array headers than needed (tick as uint32, ' +
        'baselineAge as uint16, removed as array16, an id as uint64, checksum as uint64): ' +
        'accepted, and read as the same values.',
      hex: '9841ce00000065cd000101dc0001cf000000000000000c9091930d0806cf0000000030cbdb75',
    },
  ],
};
