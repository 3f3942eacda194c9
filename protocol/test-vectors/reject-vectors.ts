// The frames behind reject/*.json: what a decoder MUST refuse, and the close code the refusal
// carries. Each frame is either msgpack built from a JS array (packFrame writes any value, valid
// for the protocol or not) or bytes written by hand where msgpack itself is broken. The
// generator checks that the real decoder throws ProtocolError with exactly the stated code.
import { CloseCode, MessageId, packFrame, type WireSchema } from '@tickwire/protocol';
import { toHex } from './vector-files.js';
import { UUID } from './message-vectors.js';
import { arenaSchema, fingerprintOf, sketchSchema, type SchemaName } from './schemas.js';

export interface RejectSpec {
  name: string;
  description: string;
  target: string;
  closeCode: number;
  /** The schema in force (see RejectVector.schema). */
  schema: SchemaName | null;
  /** Either the frame as a JS array for packFrame, or its bytes as hex. */
  frame: readonly unknown[] | { hex: string };
}

export function rejectHex(spec: RejectSpec): string {
  const frame = spec.frame;
  return 'hex' in frame ? frame.hex : toHex(packFrame(frame));
}

const MALFORMED = CloseCode.MalformedFrame;
const UNKNOWN = CloseCode.UnknownMessage;
const HANDSHAKE = CloseCode.HandshakeViolation;
const { Hello, Input, Ping, Resync, Watch, Welcome, Snapshot, Pong, Kick, Summary } = MessageId;

/** Frame-level failures: the same for both decoders. */
function frameRejects(direction: 'client' | 'server'): RejectSpec[] {
  const validId = direction === 'client' ? Ping : Pong;
  const valid = direction === 'client' ? [Ping, 0] : [Pong, 0, 0, 0];
  const idHex = validId.toString(16).padStart(2, '0');
  const m = (name: string, description: string, frame: RejectSpec['frame']): RejectSpec => ({
    name,
    description,
    target: 'frame',
    closeCode: MALFORMED,
    schema: 'arena',
    frame,
  });
  return [
    m('empty-frame', 'A frame of zero bytes.', { hex: '' }),
    m('never-used-byte', '0xc1 is never valid msgpack.', { hex: 'c1' }),
    m('truncated', 'An array header announcing more elements than the frame holds.', {
      hex: toHex(packFrame(valid)).slice(0, -2),
    }),
    m('trailing-byte', 'A valid frame followed by one more byte.', {
      hex: `${toHex(packFrame(valid))}00`,
    }),
    m('not-an-array-int', 'A bare integer (the message id alone, not in an array).', {
      hex: idHex,
    }),
    m('not-an-array-map', 'A msgpack map {id: 0}: maps are not part of the protocol.', {
      hex: `81${idHex}00`,
    }),
    m('not-an-array-string', 'A msgpack string.', { hex: 'a568656c6c6f' }),
    m('not-an-array-bin', 'A msgpack bin: bin is not part of the protocol.', { hex: 'c4020300' }),
    m('empty-array', 'An array of 0 elements: no message id.', []),
    m('seventeen-elements', 'An array of 17 elements (the limit is 16).', [
      validId,
      ...Array.from({ length: 16 }, () => 0),
    ]),
    m('id-string', 'The message id as a string.', [String(validId), 0]),
    m('id-float', 'The message id as a non-integer float (1.5).', [1.5, 0]),
    m('id-nil', 'The message id as nil.', [null, 0]),
    m('id-boolean', 'The message id as a boolean (true, c3): a boolean is not the integer 1.', [
      true,
      0,
    ]),
    m('unterminated-string', 'A str8 whose length runs past the end of the frame.', {
      hex: '9203d90a6162',
    }),
  ];
}

type FieldRejectRow = readonly [string, string, readonly unknown[], (SchemaName | null)?];

/**
 * A frame with one bad field: the target message is the name's first word ("hello-..."); the
 * schema is the arena's unless the row names another.
 */
function fieldReject([name, description, frame, schema]: FieldRejectRow): RejectSpec {
  const word = name.slice(0, name.indexOf('-'));
  return {
    name,
    description,
    target: word.charAt(0).toUpperCase() + word.slice(1),
    closeCode: MALFORMED,
    schema: schema === undefined ? 'arena' : schema,
    frame,
  };
}

function unknownIds(ids: number[], description: (id: number) => string): RejectSpec[] {
  return ids.map((id) => ({
    name: `unknown-id-${id}`,
    description: description(id),
    target: 'frame',
    closeCode: UNKNOWN,
    schema: 'arena',
    frame: [id, 0],
  }));
}

const name17 = 'abcdefghijklmnopq';
const nineEmoji = '\u{1F600}'.repeat(9);

export const clientRejects: RejectSpec[] = [
  ...frameRejects('client'),
  ...unknownIds([0, 6, 63, Welcome, Snapshot, 127, 128, -1], (id) =>
    id >= 64 && id <= 127
      ? `Id ${id} is a server message: the server's decoder does not know it.`
      : `Id ${id} is an integer no client message has.`,
  ),
  ...(
    [
      [
        'hello-3-elements',
        'Hello without its resumeToken and seat (a Hello has 4 or 5 elements).',
        [Hello, 3, 'bot'],
      ],
      [
        'hello-v3-4-elements',
        'A version-3 Hello without its seat (nil is required): version 3 has exactly 5 elements.',
        [Hello, 3, 'bot', null],
      ],
      [
        'hello-v2-5-elements',
        'A version-2 Hello with a 5th element (a nil seat): version 2 has exactly 4; a client ' +
          'that sends a seat speaks version 3.',
        [Hello, 2, 'bot', null, null],
      ],
      ['hello-6-elements', 'Hello with an extra element.', [Hello, 3, 'bot', null, null, 0]],
      ['hello-version-negative', 'protocolVersion -1.', [Hello, -1, 'bot', null]],
      [
        'hello-version-65536',
        'protocolVersion 65536 (the decoder reads 0..65535).',
        [Hello, 0x10000, 'bot', null],
      ],
      ['hello-version-float', 'protocolVersion 1.5.', [Hello, 1.5, 'bot', null]],
      ['hello-name-empty', 'An empty name.', [Hello, 3, '', null, null]],
      ['hello-name-blank', 'A name of whitespace only.', [Hello, 3, ' \t ', null, null]],
      [
        'hello-name-newline',
        'A name with a C0 control character (LF).',
        [Hello, 3, 'bo\nt', null, null],
      ],
      ['hello-name-del', 'A name with DEL (U+007F).', [Hello, 3, 'bot\u007f', null, null]],
      [
        'hello-name-c1',
        'A name with a C1 control character (U+0085).',
        [Hello, 3, 'bot\u0085', null, null],
      ],
      ['hello-name-17', 'A 17-character name (the limit is 16).', [Hello, 3, name17, null, null]],
      [
        'hello-name-18-units',
        'Nine emoji: 9 characters but 18 UTF-16 code units.',
        [Hello, 3, nineEmoji, null, null],
      ],
      ['hello-name-int', 'A name that is not a string.', [Hello, 3, 42, null, null]],
      ['hello-name-nil', 'A nil name.', [Hello, 3, null, null, null]],
      [
        'hello-token-65',
        'A 65-character resumeToken (the limit is 64).',
        [Hello, 3, 'bot', 't'.repeat(65), null],
      ],
      [
        'hello-token-int',
        'A resumeToken that is neither nil nor a string.',
        [Hello, 3, 'bot', 7, null],
      ],
      [
        'hello-v2-token-65',
        'A version-2 Hello with a 65-character resumeToken: the same limit in both versions.',
        [Hello, 2, 'bot', 't'.repeat(65)],
      ],
      [
        'hello-seat-65',
        'A 65-character seat (the limit is 64, MAX_SEAT_LENGTH).',
        [Hello, 3, 'bot', null, 's'.repeat(65)],
      ],
      ['hello-seat-int', 'A seat that is neither nil nor a string.', [Hello, 3, 'bot', null, 7]],
      [
        'hello-v4-5-elements',
        'A version-4 Hello without its flags: version 4 has exactly 6 elements.',
        [Hello, 4, 'bot', null, null],
      ],
      [
        'hello-v4-7-elements',
        'A version-4 Hello with an element after its flags.',
        [Hello, 4, 'bot', null, null, 0, 0],
      ],
      [
        'hello-v4-flags-4',
        'flags 4: a bit version 4 does not name (only spectate 1 and summary 2 exist).',
        [Hello, 4, 'bot', null, null, 4],
      ],
      ['hello-v4-flags-negative', 'flags -1.', [Hello, 4, 'bot', null, null, -1]],
      ['hello-v4-flags-nil', 'flags nil: never optional.', [Hello, 4, 'bot', null, null, null]],
      ['hello-v4-flags-boolean', 'flags true (c3), not 1.', [Hello, 4, 'bot', null, null, true]],
      ['watch-4-elements', 'Watch without y.', [Watch, 0, 0, 0]],
      ['watch-6-elements', 'Watch with an extra element.', [Watch, 0, 0, 0, 0, 0]],
      ['watch-ack-negative', 'ackTick -1.', [Watch, -1, 0, 0, 0]],
      ['watch-follow-65536', 'followId 65536 (ids are 0..65535).', [Watch, 0, 0x10000, 0, 0]],
      ['watch-follow-negative', 'followId -1.', [Watch, 0, -1, 0, 0]],
      ['watch-x-2-pow-24', 'x 2^24 (wire positions are 0..2^24-1).', [Watch, 0, 0, 2 ** 24, 0]],
      ['watch-y-negative', 'y -1.', [Watch, 0, 0, 0, -1]],
      ['watch-x-float', 'x 0.5.', [Watch, 0, 0, 0.5, 0]],
      [
        'input-arena-5-elements',
        'Arena schema: an Input without buttons (3 input fields: 6 elements).',
        [Input, 1, 0, 0, 0],
      ],
      ['input-arena-7-elements', 'Arena schema: an extra element.', [Input, 1, 0, 0, 0, 0, 0]],
      ['input-arena-seq-0', 'seq 0 (seq starts at 1).', [Input, 0, 0, 0, 0, 0]],
      [
        'input-arena-seq-2-pow-32',
        'seq 2^32 (the limit is UINT32_MAX; written as float64).',
        [Input, 2 ** 32, 0, 0, 0, 0],
      ],
      ['input-arena-seq-float', 'seq 1.5.', [Input, 1.5, 0, 0, 0, 0]],
      ['input-arena-buttons-boolean', 'buttons true (c3), not 1.', [Input, 1, 0, 0, 0, true]],
      ['input-arena-ack-negative', 'ackTick -1.', [Input, 1, -1, 0, 0, 0]],
      ['input-arena-movedir-minus-2', 'moveDir -2: its range is -1..255.', [Input, 1, 0, -2, 0, 0]],
      ['input-arena-movedir-256', 'moveDir 256.', [Input, 1, 0, 256, 0, 0]],
      [
        'input-arena-movedir-nil',
        'moveDir nil (an unset control is sent as its default, -1, never as nil).',
        [Input, 1, 0, null, 0, 0],
      ],
      ['input-arena-aim-minus-1', 'aim -1 (angle8: 0..255).', [Input, 1, 0, 0, -1, 0]],
      ['input-arena-aim-256', 'aim 256.', [Input, 1, 0, 0, 256, 0]],
      [
        'input-arena-buttons-2',
        'buttons bit 1 set: buttons has one flag (fire, bit 0), so its range is 0..1.',
        [Input, 1, 0, 0, 0, 2],
      ],
      ['input-arena-buttons-128', 'buttons bit 7 set.', [Input, 1, 0, 0, 0, 128]],
      ['input-arena-buttons-float', 'buttons 0.5.', [Input, 1, 0, 0, 0, 0.5]],
      [
        'input-sketch-arena-layout',
        "Sketch schema: an arena-shaped Input (3 fields) where the sketch's has 4.",
        [Input, 1, 0, 0, 0, 0],
        'sketch',
      ],
      [
        'input-sketch-tool-0',
        'Sketch schema: tool 0, below its minimum 1 (and not its default: 0 is never sent).',
        [Input, 1, 0, 0, 0, 0, 0],
        'sketch',
      ],
      ['input-sketch-tool-6', 'Sketch schema: tool 6.', [Input, 1, 0, 0, 0, 6, 0], 'sketch'],
      [
        'input-sketch-pointer-16001',
        'Sketch schema: pointerX 16001 (quarter 0..16000).',
        [Input, 1, 0, 16001, 0, 1, 0],
        'sketch',
      ],
      [
        'input-sketch-pointer-negative',
        'Sketch schema: pointerY -1.',
        [Input, 1, 0, 0, -1, 1, 0],
        'sketch',
      ],
      [
        'input-sketch-keys-8',
        'Sketch schema: keys bit 3 set; keys names three flags (0..7).',
        [Input, 1, 0, 0, 0, 1, 8],
        'sketch',
      ],
      [
        'input-tiny-extra',
        'Tiny schema (no input fields): an Input must be exactly [2, seq, ackTick].',
        [Input, 1, 0, 0],
        'tiny',
      ],
      ['ping-1-element', 'Ping without clientTimeMs.', [Ping]],
      ['ping-3-elements', 'Ping with an extra element.', [Ping, 0, 0]],
      ['ping-negative', 'clientTimeMs -1.', [Ping, -1]],
      ['ping-negative-float', 'clientTimeMs -0.5.', [Ping, -0.5]],
      ['ping-nan', 'clientTimeMs NaN (float64).', [Ping, NaN]],
      ['ping-infinity', 'clientTimeMs +Infinity (float64).', [Ping, Infinity]],
      ['ping-2-pow-53', 'clientTimeMs 2^53 (the limit is 2^53-1).', [Ping, 2 ** 53]],
      ['ping-string', 'clientTimeMs as a string.', [Ping, '5000']],
      ['ping-nil', 'clientTimeMs nil.', [Ping, null]],
      ['resync-1-element', 'Resync without its tick.', [Resync]],
      ['resync-tick-0', 'tick 0 (snapshot ticks start at 1).', [Resync, 0]],
      ['resync-tick-negative', 'tick -1.', [Resync, -1]],
      ['resync-tick-2-pow-32', 'tick 2^32.', [Resync, 2 ** 32]],
    ] as const satisfies readonly FieldRejectRow[]
  ).map(fieldReject),
];

// ---- server -> client ----

/** A deep copy of a schema's wire value to break one thing in. */
function wireOf(schema: 'arena' | 'sketch'): WireSchema {
  return structuredClone(schema === 'arena' ? arenaSchema.wire : sketchSchema.wire);
}

/** The Welcome of PROTOCOL.md 11.2 with another schema value, and that value's own fingerprint. */
function welcomeWithSchema(schema: unknown, fingerprint = fingerprintOf(schema)): unknown[] {
  return [Welcome, 2, 1002, 30, 100, 3333.5, 4000, 4000, 1600, 1000, UUID, fingerprint, schema];
}

const welcomeRow = welcomeWithSchema(arenaSchema.wire);

function welcomeWith(index: number, value: unknown): unknown[] {
  const row: unknown[] = [...welcomeRow];
  row[index] = value;
  return row;
}

function field(wire: WireSchema, kind: string, name: string): Record<string, unknown> {
  const f = wire.kinds.find((k) => k.name === kind)?.fields.find((x) => x.name === name);
  if (!f) throw new Error(`no field ${kind}.${name}`);
  return f as unknown as Record<string, unknown>;
}

function kindOf(wire: WireSchema, kind: string): Record<string, unknown> {
  const k = wire.kinds.find((x) => x.name === kind);
  if (!k) throw new Error(`no kind ${kind}`);
  return k as unknown as Record<string, unknown>;
}

/**
 * A Welcome whose schema has exactly one thing wrong, made by `breakIt` on a copy of the arena's
 * (or the sketch's) wire value. Its fingerprint is the broken schema's own, so the fingerprint
 * is never the reason.
 */
function badSchema(
  name: string,
  description: string,
  base: 'arena' | 'sketch',
  breakIt: (wire: WireSchema) => unknown,
): RejectSpec {
  const wire = wireOf(base);
  const broken = breakIt(wire);
  const value = broken === undefined ? wire : broken;
  return {
    name: `welcome-schema-${name}`,
    description: `${base === 'arena' ? 'Arena' : 'Sketch'} schema: ${description}`,
    target: 'Welcome',
    closeCode: MALFORMED,
    schema: null,
    frame: welcomeWithSchema(value),
  };
}

const schemaRejects: RejectSpec[] = [
  {
    name: 'welcome-schema-fingerprint-mismatch',
    description:
      "The arena's schema with schemaFingerprint one more than its fingerprint: a client MUST " +
      'refuse a schema whose fingerprint does not match.',
    target: 'Welcome',
    closeCode: MALFORMED,
    schema: null,
    frame: welcomeWithSchema(arenaSchema.wire, (arenaSchema.fingerprint + 1) >>> 0),
  },
  {
    name: 'welcome-schema-fingerprint-other-schema',
    description: "The arena's schema with the sketch schema's fingerprint.",
    target: 'Welcome',
    closeCode: MALFORMED,
    schema: null,
    frame: welcomeWithSchema(arenaSchema.wire, sketchSchema.fingerprint),
  },
  badSchema('not-a-map', 'the schema is an array, not a map.', 'arena', () => []),
  badSchema('nil', 'the schema is nil.', 'arena', () => null),
  badSchema('missing-groups', 'no "groups" key.', 'arena', (w) => {
    const rest: Partial<WireSchema> = { ...w };
    delete rest.groups;
    return rest;
  }),
  badSchema('no-kinds', 'an empty kinds list (a game has at least one kind).', 'arena', (w) => {
    w.kinds = [];
  }),
  badSchema('unknown-field-type', 'player.aim has the type "angle16".', 'arena', (w) => {
    field(w, 'player', 'aim').type = 'angle16';
  }),
  badSchema('field-type-nil', 'player.hp has no type (nil).', 'arena', (w) => {
    field(w, 'player', 'hp').type = null;
  }),
  badSchema('unknown-motion', 'projectile has the motion "ballistic".', 'arena', (w) => {
    kindOf(w, 'projectile').motion = 'ballistic';
  }),
  badSchema(
    'group-mismatched-types',
    'group label holds a string in cursor and an int in marker (marker.label: int 0..12).',
    'sketch',
    (w) => {
      Object.assign(field(w, 'marker', 'label'), { type: 'int', min: 0, max: 12 });
    },
  ),
  badSchema(
    'group-mismatched-range',
    'group label holds a string of at most 12 in cursor and of at most 20 in marker.',
    'sketch',
    (w) => {
      field(w, 'marker', 'label').max = 20;
    },
  ),
  badSchema(
    'static-with-changes',
    "beacon (static) declares radius with sync 'changes' in a group radius of its own: a static " +
      "kind's fields are all constant.",
    'sketch',
    (w) => {
      Object.assign(field(w, 'beacon', 'radius'), { sync: 'changes', group: 'radius' });
      w.groups.push({ name: 'radius', bit: w.groups.length, fields: ['radius'] });
    },
  ),
  badSchema('static-lifetime', 'pellet (static) has lifetimeTicks 5.', 'arena', (w) => {
    kindOf(w, 'pellet').lifetimeTicks = 5;
  }),
  badSchema('lifetime-65536', 'projectile has lifetimeTicks 65536 (0..65535).', 'arena', (w) => {
    kindOf(w, 'projectile').lifetimeTicks = 0x10000;
  }),
  badSchema(
    'builtins-missing',
    'projectile (linear) lists x, y, owner: a linear kind starts with x, y, vx, vy.',
    'arena',
    (w) => {
      const k = w.kinds.find((x) => x.name === 'projectile');
      if (k) k.fields = k.fields.filter((f) => f.name !== 'vx' && f.name !== 'vy');
    },
  ),
  badSchema('builtin-order', 'player lists y before x.', 'arena', (w) => {
    const k = w.kinds.find((x) => x.name === 'player');
    if (k) k.fields = [k.fields[1], k.fields[0], ...k.fields.slice(2)].flatMap((f) => f ?? []);
  }),
  badSchema(
    'builtin-range',
    'player.x runs 0..1000 instead of the built-in 0..16777215.',
    'arena',
    (w) => {
      field(w, 'player', 'x').max = 1000;
    },
  ),
  badSchema(
    'builtin-sync',
    "cursor (position) declares x constant: a position kind's x, y change in group position.",
    'sketch',
    (w) => {
      Object.assign(field(w, 'cursor', 'x'), { sync: 'constant', group: null });
    },
  ),
  badSchema('group-bit-order', 'groups aim and hp swap their bits (1 <-> 2).', 'arena', (w) => {
    const [, aim, hp] = w.groups;
    if (aim && hp) [aim.bit, hp.bit] = [hp.bit, aim.bit];
  }),
  badSchema('group-unused', 'a group spare (bit 4) that no kind has.', 'arena', (w) => {
    w.groups.push({ name: 'spare', bit: 4, fields: ['spare'] });
  }),
  badSchema('group-duplicate', 'two groups named score (bits 3 and 4).', 'arena', (w) => {
    w.groups.push({ name: 'score', bit: 4, fields: ['score'] });
  }),
  badSchema(
    'field-group-unlisted',
    'player.hp says group health, which the groups list does not have.',
    'arena',
    (w) => {
      field(w, 'player', 'hp').group = 'health';
    },
  ),
  badSchema(
    'partial-group',
    'marker declares pressed in group state but not energy: a kind has all of a group or none.',
    'sketch',
    (w) => {
      const k = w.kinds.find((x) => x.name === 'marker');
      k?.fields.push({
        name: 'pressed',
        type: 'flags',
        min: 0,
        max: 3,
        sync: 'changes',
        group: 'state',
        flags: ['down', 'shift'],
      });
    },
  ),
  badSchema(
    'constant-with-group',
    'player.name is constant but names group name.',
    'arena',
    (w) => {
      field(w, 'player', 'name').group = 'name';
    },
  ),
  badSchema('changes-without-group', "player.hp syncs 'changes' with group nil.", 'arena', (w) => {
    field(w, 'player', 'hp').group = null;
  }),
  badSchema('unknown-sync', "player.hp syncs 'often'.", 'arena', (w) => {
    field(w, 'player', 'hp').sync = 'often';
  }),
  badSchema(
    'flags-max',
    'cursor.pressed names two flags but its max is 7 (it must be 2^2 - 1 = 3).',
    'sketch',
    (w) => {
      field(w, 'cursor', 'pressed').max = 7;
    },
  ),
  badSchema('flags-none', 'cursor.pressed is a flags field without flag names.', 'sketch', (w) => {
    delete field(w, 'cursor', 'pressed').flags;
  }),
  badSchema('flags-9-names', 'cursor.pressed names 9 flags (at most 8).', 'sketch', (w) => {
    Object.assign(field(w, 'cursor', 'pressed'), {
      max: 511,
      flags: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'],
    });
  }),
  badSchema('flags-repeat', 'cursor.pressed names the flag down twice.', 'sketch', (w) => {
    field(w, 'cursor', 'pressed').flags = ['down', 'down'];
  }),
  badSchema(
    'input-flags-max',
    'input buttons names one flag (fire) but its max is 3.',
    'arena',
    (w) => {
      const f = w.input[2];
      if (f) f.max = 3;
    },
  ),
  badSchema(
    'angle8-range',
    'player.aim is an angle8 running 0..127 (angle8 is 0..255).',
    'arena',
    (w) => {
      field(w, 'player', 'aim').max = 127;
    },
  ),
  badSchema(
    'builtin-group-joined',
    "player.aim names group motion: the built-in groups motion and position hold the engine's " +
      'x, y (vx, vy) only.',
    'arena',
    (w) => {
      field(w, 'player', 'aim').group = 'motion';
    },
  ),
  badSchema('string-min', "player.name's min is 1 (a string's min is 0).", 'arena', (w) => {
    field(w, 'player', 'name').min = 1;
  }),
  badSchema('string-1025', 'player.name is up to 1025 long (at most 1024).', 'arena', (w) => {
    field(w, 'player', 'name').max = 1025;
  }),
  badSchema('range-reversed', 'player.hp runs 10..5.', 'arena', (w) => {
    Object.assign(field(w, 'player', 'hp'), { min: 10, max: 5 });
  }),
  badSchema(
    'range-33-bits',
    'player.score runs -1..4294967295: wider than 32 bits.',
    'arena',
    (w) => {
      field(w, 'player', 'score').min = -1;
    },
  ),
  badSchema('range-float', 'player.hp runs 0..100.5.', 'arena', (w) => {
    field(w, 'player', 'hp').max = 100.5;
  }),
  badSchema(
    'game-name',
    'the game is named "9lives" (names start with a letter).',
    'arena',
    (w) => {
      w.game = '9lives';
    },
  ),
  badSchema('kind-name', 'a kind named "big rock" (a space).', 'arena', (w) => {
    kindOf(w, 'pellet').name = 'big rock';
  }),
  badSchema('name-33', 'a field name of 33 characters (at most 32).', 'arena', (w) => {
    field(w, 'projectile', 'owner').name = `o${'w'.repeat(32)}`;
  }),
  badSchema('duplicate-kind', 'two kinds named pellet.', 'arena', (w) => {
    kindOf(w, 'projectile').name = 'pellet';
  }),
  badSchema('duplicate-field', 'player lists score twice.', 'arena', (w) => {
    const k = w.kinds.find((x) => x.name === 'player');
    const score = k?.fields.find((f) => f.name === 'score');
    if (k && score) k.fields.push({ ...score });
  }),
  badSchema(
    'reserved-field',
    'projectile names its owner field ticksLeft (reserved, like id and kind).',
    'arena',
    (w) => {
      field(w, 'projectile', 'owner').name = 'ticksLeft';
    },
  ),
  badSchema('field-not-a-map', 'a field of player is an array.', 'arena', (w) => {
    const k = w.kinds.find((x) => x.name === 'player');
    if (k) (k.fields as unknown[])[4] = ['aim', 'angle8', 0, 255, 'changes', 'aim'];
  }),
  badSchema('min-as-string', 'player.hp has min "0" (a string).', 'arena', (w) => {
    field(w, 'player', 'hp').min = '0';
  }),
  badSchema('input-string', 'an input field of type string.', 'arena', (w) => {
    (w.input as unknown[]).push({ name: 'chat', type: 'string', min: 0, max: 8, default: 0 });
  }),
  badSchema(
    'input-default-out-of-range',
    'input moveDir has default -2 (its range is -1..255).',
    'arena',
    (w) => {
      const f = w.input[0];
      if (f) f.default = -2;
    },
  ),
  badSchema('input-no-default', 'input aim has no default.', 'arena', (w) => {
    const f = w.input[1] as unknown as Record<string, unknown>;
    delete f.default;
  }),
  badSchema('input-reserved-name', 'an input field named seq.', 'arena', (w) => {
    const f = w.input[1];
    if (f) f.name = 'seq';
  }),
  badSchema('constant-float', 'constant playerSpeed is 27.5.', 'arena', (w) => {
    w.constants.playerSpeed = 27.5;
  }),
  badSchema('constant-string', 'constant maxHp is the string "100".', 'arena', (w) => {
    (w.constants as Record<string, unknown>).maxHp = '100';
  }),
  badSchema('constants-not-a-map', 'constants is an array.', 'arena', (w) => ({
    ...w,
    constants: [27],
  })),
];

// Valid pieces to break one field at a time (arena kinds: 0 player, 1 pellet, 2 projectile).
const playerRow = [1001, 0, 8400, 6100, -27, 0, 128, 100, 5, 'ann'];
const projectileRow = [1201, 2, 8240, 6100, -80, 0, 1001, 36];

function playerWith(index: number, value: unknown): unknown[] {
  const row: unknown[] = [...playerRow];
  row[index] = value;
  return row;
}

function projectileWith(index: number, value: unknown): unknown[] {
  const row: unknown[] = [...projectileRow];
  row[index] = value;
  return row;
}

/** A full snapshot of tick 100 with one entered record. */
const fullWith = (record: unknown): unknown[] => [Snapshot, 100, 0, 0, [], [record], []];
/** A delta of tick 101 from 100 with one update record. */
const deltaWith = (update: unknown): unknown[] => [Snapshot, 101, 1, 0, [], [], [update]];

const cursorRow = [1, 0, 400, 300, 'ann', 0x3366ff, 0, 50];

function cursorWith(index: number, value: unknown): unknown[] {
  const row: unknown[] = [...cursorRow];
  row[index] = value;
  return row;
}

export const serverRejects: RejectSpec[] = [
  ...frameRejects('server'),
  ...unknownIds([0, Hello, Input, 63, 69, 127, 200], (id) =>
    id >= 1 && id <= 63
      ? `Id ${id} is ${id <= 4 ? 'a client message' : 'in the client range'}: a client's decoder does not know it.`
      : `Id ${id} is an integer no server message has.`,
  ),
  ...(
    [
      [
        'welcome-12-elements',
        'Welcome without its schema (a version-1 Welcome had 12 elements).',
        welcomeRow.slice(0, 12),
        null,
      ],
      ['welcome-14-elements', 'Welcome with an extra element.', [...welcomeRow, 0], null],
      ['welcome-player-65536', 'playerId 65536 (ids are 0..65535).', welcomeWith(2, 0x10000), null],
      ['welcome-tickhz-0', 'tickHz 0.', welcomeWith(3, 0), null],
      ['welcome-tickhz-1001', 'tickHz 1001 (the limit is 1000).', welcomeWith(3, 1001), null],
      ['welcome-tick-negative', 'serverTick -1.', welcomeWith(4, -1), null],
      ['welcome-time-negative', 'serverTimeMs -0.5.', welcomeWith(5, -0.5), null],
      ['welcome-time-nan', 'serverTimeMs NaN.', welcomeWith(5, NaN), null],
      ['welcome-world-0', 'worldWidth 0.', welcomeWith(6, 0), null],
      ['welcome-world-too-big', 'worldHeight 1000001.', welcomeWith(7, 1_000_001), null],
      ['welcome-view-0', 'viewWidth 0.', welcomeWith(8, 0), null],
      [
        'welcome-token-nil',
        "resumeToken nil: only Hello's token may be nil.",
        welcomeWith(10, null),
        null,
      ],
      ['welcome-token-65', 'A 65-character resumeToken.', welcomeWith(10, 't'.repeat(65)), null],
      ['welcome-fingerprint-negative', 'schemaFingerprint -1.', welcomeWith(11, -1), null],
      [
        'welcome-fingerprint-2-pow-32',
        'schemaFingerprint 2^32 (a uint32).',
        welcomeWith(11, 2 ** 32),
        null,
      ],
      ['welcome-fingerprint-string', 'schemaFingerprint as a string.', welcomeWith(11, '1'), null],
    ] as const satisfies readonly FieldRejectRow[]
  ).map(fieldReject),
  ...schemaRejects,
  {
    name: 'snapshot-before-welcome',
    description:
      'A valid Snapshot before any Welcome: without a schema it cannot be read, and the order is ' +
      'wrong (4003 HandshakeViolation).',
    target: 'Snapshot',
    closeCode: HANDSHAKE,
    schema: null,
    frame: [Snapshot, 1, 0, 0, [], [], []],
  },
  ...(
    [
      ['snapshot-6-elements', 'Snapshot without its updated list.', [Snapshot, 100, 0, 0, [], []]],
      [
        'snapshot-9-elements',
        'Snapshot with an element after the checksum.',
        [Snapshot, 100, 0, 0, [], [], [], 0, 0],
      ],
      [
        'snapshot-checksum-nil',
        'checksum nil: when off it is absent, never nil.',
        [Snapshot, 100, 0, 0, [], [], [], null],
      ],
      ['snapshot-checksum-2-pow-32', 'checksum 2^32.', [Snapshot, 100, 0, 0, [], [], [], 2 ** 32]],
      [
        'snapshot-checksum-negative',
        'checksum -1 (checksums are unsigned).',
        [Snapshot, 100, 0, 0, [], [], [], -1],
      ],
      ['snapshot-tick-0', 'tick 0 (ticks start at 1).', [Snapshot, 0, 0, 0, [], [], []]],
      ['snapshot-tick-2-pow-32', 'tick 2^32.', [Snapshot, 2 ** 32, 0, 0, [], [], []]],
      [
        'snapshot-age-equals-tick',
        'baselineAge 5 at tick 5: baseline tick 0 does not exist.',
        [Snapshot, 5, 5, 0, [], [], []],
      ],
      [
        'snapshot-age-256',
        'baselineAge 256 (the limit is 255).',
        [Snapshot, 1000, 256, 0, [], [], []],
      ],
      ['snapshot-age-negative', 'baselineAge -1.', [Snapshot, 100, -1, 0, [], [], []]],
      ['snapshot-inputack-negative', 'inputAck -1.', [Snapshot, 100, 0, -1, [], [], []]],
      [
        'snapshot-removed-not-array',
        'removed as an integer instead of a list.',
        [Snapshot, 101, 1, 0, 12, [], []],
      ],
      [
        'snapshot-removed-id-65536',
        'A removed id of 65536.',
        [Snapshot, 101, 1, 0, [0x10000], [], []],
      ],
      ['snapshot-removed-id-negative', 'A removed id of -1.', [Snapshot, 101, 1, 0, [-1], [], []]],
      ['snapshot-entered-not-array', 'entered as nil.', [Snapshot, 100, 0, 0, [], null, []]],
      ['snapshot-updated-not-array', 'updated as a string.', [Snapshot, 100, 0, 0, [], [], 'x']],
      ['snapshot-record-not-array', 'An entered record that is an integer.', fullWith(300)],
      ['snapshot-record-1-element', 'An entered record of one element.', fullWith([300])],
      [
        'snapshot-arena-kind-3',
        'Arena schema: kind id 3 (the arena has kinds 0, 1 and 2).',
        fullWith([300, 3, 7000, 5600]),
      ],
      ['snapshot-arena-kind-negative', 'Kind id -1.', fullWith([300, -1, 7000, 5600])],
      ['snapshot-arena-kind-nil', 'Kind id nil.', fullWith([300, null, 7000, 5600])],
      [
        'snapshot-arena-kind-name',
        'The kind as its name ("pellet") instead of its id.',
        fullWith([300, 'pellet', 7000, 5600]),
      ],
      [
        'snapshot-arena-player-4-fields',
        "A player record with a pellet's length.",
        fullWith([1001, 0, 8400, 6100]),
      ],
      [
        'snapshot-arena-pellet-10-fields',
        "A pellet record with a player's length.",
        fullWith([300, 1, 7000, 5600, 0, 0, 0, 100, 0, 'p']),
      ],
      [
        'snapshot-arena-pellet-ticksleft',
        'A pellet record with one more element (a ticksLeft): pellets have no lifetime.',
        fullWith([300, 1, 7000, 5600, 36]),
      ],
      [
        'snapshot-arena-projectile-no-ticksleft',
        'A projectile record without its ticksLeft (it has a lifetime: 8 elements).',
        fullWith(projectileRow.slice(0, 7)),
      ],
      [
        'snapshot-arena-projectile-9-elements',
        'A projectile record with an element after ticksLeft.',
        fullWith([...projectileRow, 0]),
      ],
      [
        'snapshot-arena-projectile-ticksleft-0',
        'ticksLeft 0: an entity whose lifetime is over is never sent (1..36).',
        fullWith(projectileWith(7, 0)),
      ],
      [
        'snapshot-arena-projectile-ticksleft-37',
        "ticksLeft 37, above the kind's lifetimeTicks (36).",
        fullWith(projectileWith(7, 37)),
      ],
      [
        'snapshot-arena-projectile-owner-65536',
        'owner 65536 (uint16).',
        fullWith(projectileWith(6, 0x10000)),
      ],
      ['snapshot-arena-id-65536', 'An entity id 65536.', fullWith([0x10000, 1, 7000, 5600])],
      [
        'snapshot-arena-x-too-big',
        'x 16777216 (positions are 0..16777215).',
        fullWith(playerWith(2, 0x100_0000)),
      ],
      ['snapshot-arena-y-negative', 'y -1.', fullWith([300, 1, 7000, -1])],
      ['snapshot-arena-vx-32768', 'vx 32768.', fullWith(playerWith(4, 0x8000))],
      [
        'snapshot-arena-vy-minus-32768',
        'vy -32768 (velocities are symmetric: -32767..32767).',
        fullWith(playerWith(5, -0x8000)),
      ],
      ['snapshot-arena-aim-256', 'aim 256.', fullWith(playerWith(6, 256))],
      ['snapshot-arena-hp-65536', 'hp 65536.', fullWith(playerWith(7, 0x10000))],
      ['snapshot-arena-score-2-pow-32', 'score 2^32.', fullWith(playerWith(8, 2 ** 32))],
      ['snapshot-arena-score-negative', 'score -1.', fullWith(playerWith(8, -1))],
      ['snapshot-arena-name-17', 'A 17-character player name.', fullWith(playerWith(9, name17))],
      ['snapshot-arena-name-nil', 'A nil player name.', fullWith(playerWith(9, null))],
      ['snapshot-arena-name-int', 'A player name that is an integer.', fullWith(playerWith(9, 7))],
      [
        'snapshot-arena-update-mask-0',
        'An update with mask 0 (nothing to update).',
        deltaWith([1001, 0]),
      ],
      [
        'snapshot-arena-update-mask-16',
        'An update with mask 16: bit 4 is no group of the arena (bits 0..3).',
        deltaWith([1001, 16, 0]),
      ],
      [
        'snapshot-arena-update-mask-17',
        'Mask 17: motion (bit 0) plus the unknown bit 4.',
        deltaWith([1001, 17, 8000, 6000, 0, 0, 0]),
      ],
      [
        'snapshot-arena-update-short',
        'Mask 1 (motion) with three of its four fields.',
        deltaWith([1001, 1, 8000, 6000, 0]),
      ],
      [
        'snapshot-arena-update-long',
        'Mask 8 (score) followed by two values.',
        deltaWith([1001, 8, 6, 7]),
      ],
      ['snapshot-arena-update-1-element', 'An update of one element: no mask.', deltaWith([1001])],
      ['snapshot-arena-update-id-negative', 'An update id of -1.', deltaWith([-1, 8, 6])],
      [
        'snapshot-arena-update-vx-32768',
        'An update whose vx is 32768.',
        deltaWith([1001, 1, 8000, 6000, 0x8000, 0]),
      ],
      ['snapshot-arena-update-aim-256', 'An update whose aim is 256.', deltaWith([1001, 2, 256])],
      [
        'snapshot-sketch-update-mask-32',
        'Sketch schema: mask 32, bit 5 (groups are bits 0..4).',
        deltaWith([1, 32, 0]),
        'sketch',
      ],
      [
        'snapshot-sketch-label-13',
        'Sketch schema: a cursor label of 13 characters (string, at most 12).',
        fullWith(cursorWith(4, 'abcdefghijklm')),
        'sketch',
      ],
      [
        'snapshot-sketch-color-too-big',
        'Sketch schema: cursor color 16777216 (int 0..16777215).',
        fullWith(cursorWith(5, 0x100_0000)),
        'sketch',
      ],
      [
        'snapshot-sketch-pressed-4',
        'Sketch schema: pressed 4: bit 2 is no flag (down, shift: 0..3).',
        fullWith(cursorWith(6, 4)),
        'sketch',
      ],
      [
        'snapshot-sketch-energy-minus-101',
        'Sketch schema: energy -101 (int -100..100).',
        fullWith(cursorWith(7, -101)),
        'sketch',
      ],
      [
        'snapshot-sketch-marker-ticksleft-301',
        'Sketch schema: a marker with ticksLeft 301 (lifetime 300).',
        fullWith([30, 3, 500, 500, 'note', 301]),
        'sketch',
      ],
      [
        'snapshot-sketch-update-label-13',
        'Sketch schema: a label update (mask 2) of 13 characters.',
        deltaWith([1, 2, 'abcdefghijklm']),
        'sketch',
      ],
      [
        'snapshot-sketch-update-label-int',
        'Sketch schema: a label update whose value is an integer, not a string.',
        deltaWith([1, 2, 5]),
        'sketch',
      ],
      [
        'snapshot-sketch-update-state-short',
        'Sketch schema: mask 4 (state: pressed, energy) with one value.',
        deltaWith([1, 4, 1]),
        'sketch',
      ],
      [
        'snapshot-tiny-update',
        'Tiny schema (no groups): any update is refused, mask 1 included.',
        deltaWith([1, 1, 0, 0]),
        'tiny',
      ],
    ] as const satisfies readonly FieldRejectRow[]
  ).map(fieldReject),
  ...(
    [
      ['pong-3-elements', 'Pong without serverTick.', [Pong, 0, 0]],
      ['pong-client-time-nan', 'clientTimeMs NaN.', [Pong, NaN, 0, 0]],
      ['pong-server-time-negative', 'serverTimeMs -0.5.', [Pong, 0, -0.5, 0]],
      ['pong-tick-negative', 'serverTick -1.', [Pong, 0, 0, -1]],
      ['pong-tick-float', 'serverTick 1.5: only the clocks may be fractional.', [Pong, 0, 0, 1.5]],
      ['kick-2-elements', 'Kick without a reason.', [Kick, 4000]],
      ['kick-code-999', 'closeCode 999 (the decoder reads 1000..4999).', [Kick, 999, 'x']],
      ['kick-code-5000', 'closeCode 5000.', [Kick, 5000, 'x']],
      [
        'kick-reason-201',
        'A 201-character reason (the limit is 200).',
        [Kick, 4000, 'x'.repeat(201)],
      ],
      ['kick-reason-nil', 'A nil reason.', [Kick, 4000, null]],
      ['summary-4-elements', 'Summary without its leaders.', [Summary, 30, 0, 0]],
      ['summary-leaders-nil', 'leaders nil: an empty array, never nil.', [Summary, 30, 0, 0, null]],
      [
        'summary-11-leaders',
        'Eleven leaders (a Summary holds at most 10).',
        [Summary, 30, 11, 0, Array.from({ length: 11 }, (_, i) => [i + 1, '', 0, 0, 0])],
      ],
      [
        'summary-leaders-out-of-order',
        'A lower score before a higher one (score descending is the contract).',
        [
          Summary,
          30,
          2,
          0,
          [
            [1, 'a', 1, 0, 0],
            [2, 'b', 2, 0, 0],
          ],
        ],
      ],
      [
        'summary-tie-out-of-order',
        'Equal scores with the higher id first (ties: id ascending).',
        [
          Summary,
          30,
          2,
          0,
          [
            [2, 'b', 1, 0, 0],
            [1, 'a', 1, 0, 0],
          ],
        ],
      ],
      ['summary-leader-4-elements', 'A leader without y.', [Summary, 30, 1, 0, [[1, 'a', 1, 0]]]],
      [
        'summary-leader-id-0',
        'A leader with id 0 (never an entity).',
        [Summary, 30, 1, 0, [[0, 'a', 1, 0, 0]]],
      ],
      [
        'summary-leader-score-2-pow-32',
        'A score of 2^32 (scores are schema integers, -2^31..2^32-1).',
        [Summary, 30, 1, 0, [[1, 'a', 2 ** 32, 0, 0]]],
      ],
      ['summary-players-negative', 'playersOnline -1.', [Summary, 30, -1, 0, []]],
    ] as const satisfies readonly FieldRejectRow[]
  ).map(fieldReject),
];
