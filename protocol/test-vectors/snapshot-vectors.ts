// The values behind messages/snapshot.json (see message-vectors.ts for how they are used). Every
// checksum is computed from the view the real Replica builds, and the generator applies each
// vector again with its checksum, so a vector's checksum is the one a client must get.
import {
  Replica,
  type CompiledSchema,
  type EntityRecord,
  type EntityUpdate,
  type Snapshot,
} from '@tickwire/protocol';
import { pelletRecord, playerRecord, projectileRecord } from '../src/testing/records.js';
import { EIGHT_EMOJI, UINT32_MAX, UNICODE_NAME, type MessageSpecs } from './message-vectors.js';
import { arenaSchema, sketchSchema, type SchemaName } from './schemas.js';
import { viewChecksumOf } from './vector-codec.js';

type Fields = Readonly<Record<string, number | string>>;

const record = (kind: string, id: number, fields: Fields): EntityRecord => ({
  id,
  kind,
  ...fields,
});

// The arena's records: protocol/src/testing's test arena lays them out as the arena does.
export const player = (id: number, fields: Parameters<typeof playerRecord>[1] = {}): EntityRecord =>
  playerRecord(id, { x: 8000, y: 8000, ...fields });

export const pellet = pelletRecord;

export const projectile = (
  id: number,
  fields: Parameters<typeof projectileRecord>[1],
): EntityRecord => projectileRecord(id, { x: 8000, y: 8000, vx: 0, vy: 0, ...fields });

/**
 * An update from named group values: `groups` maps group names to their fields' values in the
 * schema's group order; the mask and the values come out in bit order.
 */
export function update(
  schema: CompiledSchema,
  id: number,
  groups: Readonly<Record<string, readonly (number | string)[]>>,
): EntityUpdate {
  let mask = 0;
  const values: (number | string)[] = [];
  for (const g of schema.groups) {
    const v = groups[g.name];
    if (!v) continue;
    if (v.length !== g.fields.length)
      throw new Error(`group ${g.name} has ${g.fields.length} fields`);
    mask |= 1 << g.bit;
    values.push(...v);
  }
  for (const name of Object.keys(groups)) {
    if (!schema.groups.some((g) => g.name === name)) throw new Error(`no group ${name}`);
  }
  return { id, mask, values };
}

const arenaUpdate = (id: number, groups: Readonly<Record<string, readonly (number | string)[]>>) =>
  update(arenaSchema, id, groups);
const sketchUpdate = (id: number, groups: Readonly<Record<string, readonly (number | string)[]>>) =>
  update(sketchSchema, id, groups);

/** World of the default room, in world units (positions clamp to 4 times these). */
export const WORLD = { worldWidth: 4000, worldHeight: 4000 };

/**
 * Fills in the checksums of a chain of snapshots (a full one, then deltas each against a view
 * before it) by applying them with the real Replica, cross-checked against the checksum written
 * from the wire schema alone; then applies them again, checksums included, from scratch.
 */
export function withChecksums(schema: CompiledSchema, chain: Snapshot[]): Snapshot[] {
  const replica = new Replica({ schema, ...WORLD });
  const out = chain.map((s) => {
    const view = replica.apply({ ...s, checksum: null });
    const checksum = viewChecksumOf(schema, view.tick, view.entities.values());
    return { ...s, checksum };
  });
  const check = new Replica({ schema, ...WORLD });
  for (const s of out) check.apply(s);
  return out;
}

// ---- the worked example of PROTOCOL.md section 11 (arena) ----

const bot = player(1002, { x: 8000, y: 6000, name: 'bot' });
const ann = player(1001, { x: 8400, y: 6100, vx: -27, aim: 128, score: 5, name: 'ann' });

/**
 * Tick 100, full: the bot, ann walking left, two pellets, and a projectile ann fired up at tick
 * 70 (6 ticks left: it expires at tick 106).
 */
const exampleFull: Snapshot = {
  tick: 100,
  baselineTick: 0,
  inputAck: 0,
  removed: [],
  entered: [
    bot,
    ann,
    pellet(12, 8300, 6100),
    pellet(300, 7000, 5600),
    projectile(1200, { x: 8500, y: 4800, vx: 0, vy: -80, owner: 1001, ticksLeft: 6 }),
  ],
  updated: [],
  checksum: null,
};

/**
 * Tick 101 against 100: the bot applied Input 1 (down, aim down); ann ate pellet 12 (pellet 1003
 * spawned) and fired left: projectile 1201 left her edge at x 8320 and moved one tick.
 */
const exampleDelta101: Snapshot = {
  tick: 101,
  baselineTick: 100,
  inputAck: 1,
  removed: [12],
  entered: [
    pellet(1003, 9100, 5200),
    projectile(1201, { x: 8240, y: 6100, vx: -80, vy: 0, owner: 1001, ticksLeft: 36 }),
  ],
  updated: [
    arenaUpdate(1002, { motion: [8000, 6027, 0, 27], aim: [64] }),
    arenaUpdate(1001, { score: [6] }),
  ],
  checksum: null,
};

/**
 * Tick 106 against 101 (the bot's later acknowledgements had not arrived): projectile 1201 hit
 * the bot at tick 103 (removed; bot hp 75; ann +1 score) and projectile 1200 expired at tick 106
 * (not listed: both sides drop it).
 */
const exampleDelta106: Snapshot = {
  tick: 106,
  baselineTick: 101,
  inputAck: 1,
  removed: [1201],
  entered: [],
  updated: [arenaUpdate(1002, { hp: [75] }), arenaUpdate(1001, { score: [7] })],
  checksum: null,
};

export const [documentedFull, documentedDelta101, documentedDelta106] = withChecksums(arenaSchema, [
  exampleFull,
  exampleDelta101,
  exampleDelta106,
]) as [Snapshot, Snapshot, Snapshot];

// ---- a crowded arena view and a delta with every player mask ----

/**
 * A full view of tick 200 (16 players, 3 pellets, 4 projectiles: 23 records, so `entered` is an
 * array16), and a delta of tick 203 against it that updates players 101..115 with masks 1..15,
 * changes projectile 301's motion, removes player 116, pellet 201 and projectile 303 (a hit),
 * adds player 117, pellet 204 and projectile 305, while projectiles 302 and 304 expire silently.
 */
function arenaPair(): { full: Snapshot; delta: Snapshot } {
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
      pellet(201, 4000, 4000),
      pellet(202, 12000, 500),
      pellet(203, 0, 16000),
      projectile(301, { x: 5000, y: 5000, vx: 80, vy: 0, owner: 101, ticksLeft: 36 }),
      projectile(302, { x: 6000, y: 5000, vx: 0, vy: 80, owner: 102, ticksLeft: 2 }),
      projectile(303, { x: 7000, y: 5000, vx: -56, vy: 56, owner: 103, ticksLeft: 10 }),
      projectile(304, { x: 40, y: 15970, vx: -80, vy: 80, owner: 104, ticksLeft: 1 }),
    ],
    updated: [],
    checksum: null,
  };
  const updated = Array.from({ length: 15 }, (_, i) => {
    const mask = i + 1;
    return arenaUpdate(101 + i, {
      ...(mask & 1 ? { motion: [2100 + 600 * i, 3100 + 400 * i, 19, -19] } : {}),
      ...(mask & 2 ? { aim: [(i * 37 + 64) % 256] } : {}),
      ...(mask & 4 ? { hp: [100 - i] } : {}),
      ...(mask & 8 ? { score: [i * 3 + 1] } : {}),
    });
  });
  const delta: Snapshot = {
    tick: 203,
    baselineTick: 200,
    inputAck: 43,
    removed: [116, 201, 303],
    entered: [
      player(117, { x: 7000, y: 7000, vx: -27, name: 'new' }),
      pellet(204, 1, 2),
      projectile(305, { x: 7400, y: 7000, vx: 80, vy: 0, owner: 117, ticksLeft: 36 }),
    ],
    updated: [...updated, arenaUpdate(301, { motion: [5300, 5000, 0, -80] })],
    checksum: null,
  };
  const [withFull, withDelta] = withChecksums(arenaSchema, [full, delta]) as [Snapshot, Snapshot];
  return { full: withFull, delta: withDelta };
}

// ---- the sketch schema: position and static kinds, two lifetimes, multi-group masks ----

function cursor(id: number, fields: Fields = {}): EntityRecord {
  return record('cursor', id, {
    x: 400 * id,
    y: 300 * id,
    label: `c${id}`,
    color: 0x3366ff,
    pressed: 0,
    energy: 50,
    ...fields,
  });
}

const beacon = (id: number, x: number, y: number, radius: number, title: string): EntityRecord =>
  record('beacon', id, { x, y, radius, title });

const spark = (id: number, fields: Fields): EntityRecord =>
  record('spark', id, { x: 1000, y: 1000, vx: 0, vy: 0, heat: 100, ...fields });

const marker = (id: number, fields: Fields): EntityRecord =>
  record('marker', id, { x: 500, y: 500, label: 'note', ...fields });

/**
 * Tick 50, full: cursors 1..8, beacons 10 and 11, sparks 20..23 (10-tick lifetime) and markers
 * 30..33 (300 ticks). Then tick 53 against it: cursors 1..7 updated with masks 1..7 (position,
 * label, state: every combination, strings included), cursor 8 removed; sparks 20 (motion), 22
 * (heat) and 23 (both: mask 24) updated, spark 21 expired silently, spark 24 entered; markers 30
 * (label), 32 (position), 33 (both) updated, marker 31 expired silently, marker 34 entered;
 * beacon 11 removed and beacon 12 entered.
 */
function sketchPair(): { full: Snapshot; delta: Snapshot } {
  const full: Snapshot = {
    tick: 50,
    baselineTick: 0,
    inputAck: 9,
    removed: [],
    entered: [
      ...Array.from({ length: 8 }, (_, i) => cursor(i + 1)),
      beacon(10, 4000, 4000, 300, 'home'),
      beacon(11, 0, 16000, 0, ''),
      spark(20, { vx: 5, vy: -5, heat: 255, ticksLeft: 10 }),
      spark(21, { x: 15999, vx: 3, ticksLeft: 1 }),
      spark(22, { x: 2000, vy: 7, ticksLeft: 4 }),
      spark(23, { x: 3000, vx: -7, ticksLeft: 9 }),
      marker(30, { ticksLeft: 300 }),
      marker(31, { x: 700, label: '', ticksLeft: 2 }),
      marker(32, { x: 900, ticksLeft: 150 }),
      marker(33, { x: 1100, label: UNICODE_NAME.slice(0, 12), ticksLeft: 4 }),
    ],
    updated: [],
    checksum: null,
  };
  const cursorUpdates = Array.from({ length: 7 }, (_, i) => {
    const mask = i + 1;
    return sketchUpdate(i + 1, {
      ...(mask & 1 ? { position: [400 * (i + 1) + 10, 300 * (i + 1) - 10] } : {}),
      ...(mask & 2 ? { label: [i === 1 ? '\u00e9crit' : `c${i + 1}!`] } : {}),
      ...(mask & 4 ? { state: [(i % 3) + 1, -i * 10] } : {}),
    });
  });
  const delta: Snapshot = {
    tick: 53,
    baselineTick: 50,
    inputAck: 11,
    removed: [8, 11],
    entered: [
      beacon(12, 8000, 100, 65535, 'far away'),
      spark(24, { x: 100, y: 15000, vx: -2, vy: 2, heat: 0, ticksLeft: 10 }),
      marker(34, { x: 16000, y: 0, label: '', ticksLeft: 300 }),
    ],
    updated: [
      ...cursorUpdates,
      sketchUpdate(20, { motion: [1030, 970, 0, 0] }),
      sketchUpdate(22, { heat: [1] }),
      sketchUpdate(23, { motion: [2950, 1000, -9, 1], heat: [254] }),
      sketchUpdate(30, { label: ['moved note'] }),
      sketchUpdate(32, { position: [950, 450] }),
      sketchUpdate(33, { position: [0, 16000], label: ['abcdefghijkl'] }),
    ],
    checksum: null,
  };
  const [withFull, withDelta] = withChecksums(sketchSchema, [full, delta]) as [Snapshot, Snapshot];
  return { full: withFull, delta: withDelta };
}

const arena = arenaPair();
const sketch = sketchPair();
const ARENA: SchemaName = 'arena';
const SKETCH: SchemaName = 'sketch';

const empty = (tick: number, checksum: number | null): Snapshot => ({
  tick,
  baselineTick: 0,
  inputAck: 0,
  removed: [],
  entered: [],
  updated: [],
  checksum,
});

export const snapshotSpecs: MessageSpecs<Snapshot> = {
  vectors: [
    {
      name: 'snapshot-arena-full-documented',
      description:
        'PROTOCOL.md 11.3: the full snapshot of tick 100 (two players, two pellets, a projectile ' +
        'with 6 ticks left) with its checksum.',
      schema: ARENA,
      value: documentedFull,
    },
    {
      name: 'snapshot-arena-delta-documented',
      description:
        'PROTOCOL.md 11.5: the delta of tick 101 against tick 100 (baselineAge 1): pellet 12 ' +
        'removed, pellet 1003 and projectile 1201 (36 ticks left) entered, player 1002 motion and ' +
        'aim, player 1001 score.',
      schema: ARENA,
      value: documentedDelta101,
    },
    {
      name: 'snapshot-arena-delta-expiry-documented',
      description:
        'PROTOCOL.md 11.6: the delta of tick 106 against tick 101 (baselineAge 5): projectile ' +
        '1201 removed (a hit), projectile 1200 gone without a word (its lifetime ended at tick ' +
        '106), player 1002 hp, player 1001 score.',
      schema: ARENA,
      value: documentedDelta106,
    },
    {
      name: 'snapshot-arena-full-with-checksum',
      description:
        'A full view of tick 200: 16 players, 3 pellets and 4 projectiles (23 records: an array16 ' +
        'header), one player at x 15990 moving right.',
      schema: ARENA,
      value: arena.full,
    },
    {
      name: 'snapshot-arena-full-without-checksum',
      description: 'The same full view without a checksum: 7 elements, the checksum is absent.',
      schema: ARENA,
      value: { ...arena.full, checksum: null },
    },
    {
      name: 'snapshot-arena-delta-every-mask',
      description:
        'A delta of tick 203 against snapshot-arena-full-with-checksum (baselineAge 3): removes ' +
        'player 116, pellet 201 and projectile 303, adds player 117, pellet 204 and projectile ' +
        '305 (36 ticks left), updates players 101..115 with masks 1..15 in turn (every ' +
        'combination of motion, aim, hp, score) and projectile 301 with mask 1 (motion). ' +
        'Projectiles 302 and 304 are not listed: their lifetimes ended at ticks 202 and 201. ' +
        'Applying it to that view (extrapolating 3 ticks; player 107 clamps at x 16000) gives ' +
        'the checksum.',
      schema: ARENA,
      value: arena.delta,
    },
    {
      name: 'snapshot-arena-delta-without-checksum',
      description: 'The same delta without a checksum.',
      schema: ARENA,
      value: { ...arena.delta, checksum: null },
    },
    {
      name: 'snapshot-sketch-full',
      description:
        'Sketch schema, full view of tick 50: every motion kind (cursors and markers are ' +
        'position kinds, beacons static with declared fields, sparks linear) and two lifetimes ' +
        '(sparks 10 ticks, markers 300), strings in records.',
      schema: SKETCH,
      value: sketch.full,
    },
    {
      name: 'snapshot-sketch-delta-every-mask',
      description:
        'Sketch schema, delta of tick 53 against snapshot-sketch-full: cursors 1..7 with masks ' +
        '1..7 (position 1, label 2, state 4: a string group and a two-field group), sparks with ' +
        'masks 8, 16 and 24, markers with masks 2, 1 and 3 (position kinds are not extrapolated; ' +
        'sparks are), spark 21 and marker 31 expired silently, a spark, a marker and a beacon ' +
        'entered, cursor 8 and beacon 11 removed.',
      schema: SKETCH,
      value: sketch.delta,
    },
    {
      name: 'snapshot-empty-first-tick',
      description:
        'The smallest snapshot: tick 1, full, nothing in view, no checksum: [65, 1, 0, 0, [], [], ' +
        '[]].',
      schema: ARENA,
      value: empty(1, null),
    },
    {
      name: 'snapshot-empty-with-checksum',
      description: 'An empty view with checksums on: the checksum of an empty view is 0.',
      schema: ARENA,
      value: empty(5, 0),
    },
    {
      name: 'snapshot-arena-oldest-baseline-early',
      description:
        'baselineAge may be at most tick - 1: tick 10 against tick 1 (baselineAge 9), an update ' +
        'with only hp.',
      schema: ARENA,
      value: {
        tick: 10,
        baselineTick: 1,
        inputAck: 3,
        removed: [],
        entered: [],
        updated: [arenaUpdate(5, { hp: [90] })],
        checksum: null,
      },
    },
    {
      name: 'snapshot-arena-integer-widths',
      description:
        'Players whose fields cross every msgpack integer width: positions 127/128, 255/256, ' +
        '65535/65536; velocities -1, -32 (negative fixint), -33, -128 (int8), -129, -32767 ' +
        '(int16), 31, 127, 128, 32767; projectiles with ticksLeft 1 and 36.',
      schema: ARENA,
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
          projectile(6, { x: 128, y: 65536, vx: -128, vy: 127, owner: 65535, ticksLeft: 1 }),
          projectile(7, { x: 0, y: 0, vx: -129, vy: 128, owner: 0, ticksLeft: 36 }),
        ],
        updated: [],
        checksum: null,
      },
    },
    {
      name: 'snapshot-arena-unicode-name',
      description: 'Players whose names have 2-, 3- and 4-byte UTF-8 characters.',
      schema: ARENA,
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
      name: 'snapshot-arena-largest',
      description:
        'Every field at its largest: tick, inputAck, score and checksum UINT32_MAX; baselineAge ' +
        '255; ids 65535 and 0; positions 16777215; velocities +-32767; aim 255; hp 65535; a ' +
        '16-character name; ticksLeft 36; an update with all four groups at their largest.',
      schema: ARENA,
      value: {
        tick: UINT32_MAX,
        baselineTick: UINT32_MAX - 255,
        inputAck: UINT32_MAX,
        removed: [0xffff, 0],
        entered: [
          player(0xfffe, {
            x: 0xff_ffff,
            y: 0xff_ffff,
            vx: 0x7fff,
            vy: -0x7fff,
            aim: 255,
            hp: 0xffff,
            score: UINT32_MAX,
            name: 'abcdefghijklmnop',
          }),
          pellet(0xfffd, 0xff_ffff, 0),
          projectile(0xfffb, {
            x: 0xff_ffff,
            y: 0xff_ffff,
            vx: -0x7fff,
            vy: 0x7fff,
            owner: 0xffff,
            ticksLeft: 36,
          }),
        ],
        updated: [
          arenaUpdate(0xfffc, {
            motion: [0xff_ffff, 0xff_ffff, -0x7fff, 0x7fff],
            aim: [255],
            hp: [0xffff],
            score: [UINT32_MAX],
          }),
        ],
        checksum: UINT32_MAX,
      },
    },
    {
      name: 'snapshot-sketch-largest',
      description:
        'Sketch schema, fields at their limits: a 12-code-unit label, color 0xffffff, pressed 3, ' +
        'energy -100 and 100, a 65535 beacon radius with an 8-character title, marker ticksLeft ' +
        '300, and an update with mask 31 (every group of the schema). It decodes (the decoder ' +
        'reads values by the mask alone); no kind has all five groups, so a replica refuses to ' +
        'apply it (reject/replica.json).',
      schema: SKETCH,
      value: {
        tick: 2,
        baselineTick: 1,
        inputAck: 0,
        removed: [],
        entered: [
          cursor(1, {
            label: EIGHT_EMOJI.slice(0, 12),
            color: 0xff_ffff,
            pressed: 3,
            energy: -100,
          }),
          cursor(2, { label: 'abcdefghijkl', energy: 100 }),
          beacon(3, 0xff_ffff, 0xff_ffff, 0xffff, 'abcdefgh'),
          marker(4, { ticksLeft: 300 }),
        ],
        updated: [
          sketchUpdate(5, {
            position: [0xff_ffff, 0],
            label: ['abcdefghijkl'],
            state: [3, -100],
            motion: [0, 0xff_ffff, -0x7fff, 0x7fff],
            heat: [255],
          }),
        ],
        checksum: null,
      },
    },
  ],
  nonCanonical: [
    {
      name: 'snapshot-arena-wide-integers',
      description:
        'A delta written with wider integer and array headers than needed (tick as uint32, ' +
        'baselineAge as uint16, removed as array16, an id as uint64, checksum as uint64): ' +
        'accepted, and read as the same values.',
      schema: ARENA,
      hex: '9841ce00000065cd000101dc0001cf000000000000000c9091930d0806cf0000000030cbdb75',
    },
  ],
};
