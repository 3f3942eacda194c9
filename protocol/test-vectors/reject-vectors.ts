// The frames behind reject/*.json: what a decoder MUST refuse, and the close code the refusal
// carries. Each frame is either msgpack built from a JS array (packFrame writes any value, valid
// for the protocol or not) or bytes written by hand where msgpack itself is broken. The
// generator checks that the real decoder throws ProtocolError with exactly the stated code.
import { CloseCode, MessageId, packFrame } from '@tickwire/protocol';
import { toHex } from './vector-files.js';

export interface RejectSpec {
  name: string;
  description: string;
  target: string;
  closeCode: number;
  /** Either the frame as a JS array for packFrame, or its bytes as hex. */
  frame: readonly unknown[] | { hex: string };
}

export function rejectHex(spec: RejectSpec): string {
  const frame = spec.frame;
  return 'hex' in frame ? frame.hex : toHex(packFrame(frame));
}

const MALFORMED = CloseCode.MalformedFrame;
const UNKNOWN = CloseCode.UnknownMessage;
const { Hello, Input, Ping, Resync, Welcome, Snapshot, Pong, Kick } = MessageId;

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
    m('unterminated-string', 'A str8 whose length runs past the end of the frame.', {
      hex: '9203d90a6162',
    }),
  ];
}

/** A frame with one bad field: the target message is the name's first word ("hello-..."). */
function fieldReject([name, description, frame]: readonly [
  string,
  string,
  readonly unknown[],
]): RejectSpec {
  const word = name.slice(0, name.indexOf('-'));
  return {
    name,
    description,
    target: word.charAt(0).toUpperCase() + word.slice(1),
    closeCode: MALFORMED,
    frame,
  };
}

function unknownIds(ids: number[], description: (id: number) => string): RejectSpec[] {
  return ids.map((id) => ({
    name: `unknown-id-${id}`,
    description: description(id),
    target: 'frame',
    closeCode: UNKNOWN,
    frame: [id, 0],
  }));
}

const name17 = 'abcdefghijklmnopq';
const nineEmoji = '\u{1F600}'.repeat(9);

export const clientRejects: RejectSpec[] = [
  ...frameRejects('client'),
  ...unknownIds([0, 5, 63, Welcome, Snapshot, 127, 128, -1], (id) =>
    id >= 64 && id <= 127
      ? `Id ${id} is a server message: the server's decoder does not know it.`
      : `Id ${id} is an integer no client message has.`,
  ),
  ...(
    [
      ['hello-3-elements', 'Hello without its resumeToken (nil is required).', [Hello, 1, 'bot']],
      ['hello-5-elements', 'Hello with an extra element.', [Hello, 1, 'bot', null, 0]],
      ['hello-version-negative', 'protocolVersion -1.', [Hello, -1, 'bot', null]],
      [
        'hello-version-65536',
        'protocolVersion 65536 (the decoder reads 0..65535).',
        [Hello, 0x10000, 'bot', null],
      ],
      ['hello-version-float', 'protocolVersion 1.5.', [Hello, 1.5, 'bot', null]],
      ['hello-name-empty', 'An empty name.', [Hello, 1, '', null]],
      ['hello-name-blank', 'A name of whitespace only.', [Hello, 1, ' \t ', null]],
      ['hello-name-newline', 'A name with a C0 control character (LF).', [Hello, 1, 'bo\nt', null]],
      ['hello-name-del', 'A name with DEL (U+007F).', [Hello, 1, 'bot\u007f', null]],
      [
        'hello-name-c1',
        'A name with a C1 control character (U+0085).',
        [Hello, 1, 'bot\u0085', null],
      ],
      ['hello-name-17', 'A 17-character name (the limit is 16).', [Hello, 1, name17, null]],
      [
        'hello-name-18-units',
        'Nine emoji: 9 characters but 18 UTF-16 code units.',
        [Hello, 1, nineEmoji, null],
      ],
      ['hello-name-int', 'A name that is not a string.', [Hello, 1, 42, null]],
      ['hello-name-nil', 'A nil name.', [Hello, 1, null, null]],
      [
        'hello-token-65',
        'A 65-character resumeToken (the limit is 64).',
        [Hello, 1, 'bot', 't'.repeat(65)],
      ],
      ['hello-token-int', 'A resumeToken that is neither nil nor a string.', [Hello, 1, 'bot', 7]],
      ['input-5-elements', 'Input without buttons.', [Input, 1, 0, 0, 0]],
      ['input-7-elements', 'Input with an extra element.', [Input, 1, 0, 0, 0, 0, 0]],
      ['input-seq-0', 'seq 0 (seq starts at 1).', [Input, 0, 0, 0, 0, 0]],
      [
        'input-seq-2-pow-32',
        'seq 2^32 (the limit is UINT32_MAX; written as float64).',
        [Input, 2 ** 32, 0, 0, 0, 0],
      ],
      ['input-seq-float', 'seq 1.5.', [Input, 1.5, 0, 0, 0, 0]],
      ['input-ack-negative', 'ackTick -1.', [Input, 1, -1, 0, 0, 0]],
      [
        'input-movedir-minus-2',
        'moveDir -2 (only -1 means no direction).',
        [Input, 1, 0, -2, 0, 0],
      ],
      ['input-movedir-256', 'moveDir 256 (angles are 0..255).', [Input, 1, 0, 256, 0, 0]],
      [
        'input-movedir-nil',
        'moveDir nil (standing still is -1, not nil).',
        [Input, 1, 0, null, 0, 0],
      ],
      ['input-aim-minus-1', 'aim -1 (aim has no "none").', [Input, 1, 0, 0, -1, 0]],
      ['input-aim-256', 'aim 256.', [Input, 1, 0, 0, 256, 0]],
      [
        'input-buttons-2',
        'buttons bit 1 set (only bit 0, Action, exists).',
        [Input, 1, 0, 0, 0, 2],
      ],
      ['input-buttons-128', 'buttons bit 7 set.', [Input, 1, 0, 0, 0, 128]],
      ['input-buttons-256', 'buttons 256 (a uint8 field).', [Input, 1, 0, 0, 0, 256]],
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
    ] as const
  ).map(fieldReject),
];

// Valid pieces to break one field at a time.
const playerRow = [1001, 0, 8400, 6100, -27, 0, 128, 100, 5, 'ann'];
const welcomeRow = [Welcome, 1, 1002, 30, 100, 3333.5, 4000, 4000, 1600, 1000, 27, 'token'];

function welcomeWith(index: number, value: unknown): unknown[] {
  const row: unknown[] = [...welcomeRow];
  row[index] = value;
  return row;
}

function playerWith(index: number, value: unknown): unknown[] {
  const row: unknown[] = [...playerRow];
  row[index] = value;
  return row;
}

/** A full snapshot of tick 100 with one entered record. */
const fullWith = (record: unknown): unknown[] => [Snapshot, 100, 0, 0, [], [record], []];
/** A delta of tick 101 from 100 with one update record. */
const deltaWith = (update: unknown): unknown[] => [Snapshot, 101, 1, 0, [], [], [update]];

export const serverRejects: RejectSpec[] = [
  ...frameRejects('server'),
  ...unknownIds([0, Hello, Input, 63, 68, 127, 200], (id) =>
    id >= 1 && id <= 63
      ? `Id ${id} is ${id <= 4 ? 'a client message' : 'in the client range'}: a client's decoder does not know it.`
      : `Id ${id} is an integer no server message has.`,
  ),
  ...(
    [
      ['welcome-11-elements', 'Welcome without its resumeToken.', welcomeRow.slice(0, 11)],
      ['welcome-13-elements', 'Welcome with an extra element.', [...welcomeRow, 0]],
      ['welcome-player-65536', 'playerId 65536 (ids are 0..65535).', welcomeWith(2, 0x10000)],
      ['welcome-tickhz-0', 'tickHz 0.', welcomeWith(3, 0)],
      ['welcome-tickhz-1001', 'tickHz 1001 (the limit is 1000).', welcomeWith(3, 1001)],
      ['welcome-tick-negative', 'serverTick -1.', welcomeWith(4, -1)],
      ['welcome-time-negative', 'serverTimeMs -0.5.', welcomeWith(5, -0.5)],
      ['welcome-time-nan', 'serverTimeMs NaN.', welcomeWith(5, NaN)],
      ['welcome-world-0', 'worldWidth 0.', welcomeWith(6, 0)],
      ['welcome-world-too-big', 'worldHeight 1000001.', welcomeWith(7, 1_000_001)],
      ['welcome-view-0', 'viewWidth 0.', welcomeWith(8, 0)],
      [
        'welcome-speed-32768',
        'playerSpeed 32768 (velocities are -32767..32767).',
        welcomeWith(10, 0x8000),
      ],
      [
        'welcome-token-nil',
        "resumeToken nil: only Hello's token may be nil.",
        welcomeWith(11, null),
      ],
      ['welcome-token-65', 'A 65-character resumeToken.', welcomeWith(11, 't'.repeat(65))],
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
      ['snapshot-kind-2', 'An entity kind 2 (only 0 and 1 exist).', fullWith([300, 2, 7000, 5600])],
      ['snapshot-kind-nil', 'An entity kind nil.', fullWith([300, null, 7000, 5600])],
      [
        'snapshot-player-4-fields',
        "A player record with a pellet's length.",
        fullWith([1001, 0, 8400, 6100]),
      ],
      [
        'snapshot-pellet-10-fields',
        "A pellet record with a player's length.",
        fullWith([300, 1, 7000, 5600, 0, 0, 0, 100, 0, 'p']),
      ],
      [
        'snapshot-pellet-5-fields',
        'A pellet record with one extra element.',
        fullWith([300, 1, 7000, 5600, 0]),
      ],
      ['snapshot-id-65536', 'An entity id 65536.', fullWith([0x10000, 1, 7000, 5600])],
      [
        'snapshot-x-too-big',
        'x 16777216 (positions are 0..16777215).',
        fullWith(playerWith(2, 0x100_0000)),
      ],
      ['snapshot-y-negative', 'y -1.', fullWith([300, 1, 7000, -1])],
      ['snapshot-vx-32768', 'vx 32768.', fullWith(playerWith(4, 0x8000))],
      [
        'snapshot-vy-minus-32768',
        'vy -32768 (velocities are symmetric: -32767..32767).',
        fullWith(playerWith(5, -0x8000)),
      ],
      ['snapshot-aim-256', 'aim 256.', fullWith(playerWith(6, 256))],
      ['snapshot-hp-65536', 'hp 65536.', fullWith(playerWith(7, 0x10000))],
      ['snapshot-score-2-pow-32', 'score 2^32.', fullWith(playerWith(8, 2 ** 32))],
      ['snapshot-score-negative', 'score -1.', fullWith(playerWith(8, -1))],
      ['snapshot-name-17', 'A 17-character player name.', fullWith(playerWith(9, name17))],
      ['snapshot-name-nil', 'A nil player name.', fullWith(playerWith(9, null))],
      [
        'snapshot-update-mask-0',
        'An update with mask 0 (nothing to update).',
        deltaWith([1001, 0]),
      ],
      [
        'snapshot-update-mask-16',
        'An update with mask 16 (bits above Score).',
        deltaWith([1001, 16, 0]),
      ],
      [
        'snapshot-update-short',
        'Mask 1 (Motion) with three of its four fields.',
        deltaWith([1001, 1, 8000, 6000, 0]),
      ],
      [
        'snapshot-update-long',
        'Mask 8 (Score) followed by two values.',
        deltaWith([1001, 8, 6, 7]),
      ],
      ['snapshot-update-1-element', 'An update of one element: no mask.', deltaWith([1001])],
      ['snapshot-update-id-negative', 'An update id of -1.', deltaWith([-1, 8, 6])],
      [
        'snapshot-update-vx-32768',
        'An update whose vx is 32768.',
        deltaWith([1001, 1, 8000, 6000, 0x8000, 0]),
      ],
      ['snapshot-update-aim-256', 'An update whose aim is 256.', deltaWith([1001, 2, 256])],
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
    ] as const
  ).map(fieldReject),
];
