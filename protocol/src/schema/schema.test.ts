import { describe, expect, it } from 'vitest';
import { CloseCode } from '../wire/ids.js';
import { ProtocolError } from '../wire/errors.js';
import { packValue, unpackFrame } from '../wire/codec.js';
import { defineGame, type GameSpec, type KindSpec } from './define.js';
import { flags, int, string, uint16, uint32, uint8, type FieldType } from './field-types.js';
import { compileSchema, type CompiledSchema } from './schema.js';
import type { WireSchema } from './wire-schema.js';
import { compileGame, toWireSchema } from './to-wire.js';
import { readWireSchema } from './read-schema.js';
import { testArenaSchema, testMixedSchema, testMixedSpec } from '../testing/test-schemas.js';

const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** A game of one kind with the given fields; everything else minimal. */
function gameWith(kind: KindSpec, extra: Partial<GameSpec> = {}): GameSpec {
  return { name: 'g', kinds: { thing: kind }, input: { dx: int(-1, 1) }, ...extra };
}

/** The message of what `fn` throws, checking it is a plain Error (the game author's mistake). */
function declarationError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return (error as Error).message;
  }
  throw new Error('expected the declaration to be refused');
}

/** The message of the ProtocolError(MalformedFrame) `fn` throws: a schema is input like any other. */
function schemaError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).closeCode).toBe(CloseCode.MalformedFrame);
    return (error as ProtocolError).message;
  }
  throw new Error('expected the schema to be refused');
}

/** A deep copy of a wire schema to break. */
const copyOf = (wire: WireSchema): WireSchema => structuredClone(wire);

const roundTrip = (wire: WireSchema): CompiledSchema =>
  readWireSchema(unpackFrame(packValue(wire)));

describe('compiling a declaration', () => {
  it('lays out the arena: kinds by order, built-in fields first, groups by first use', () => {
    const s = testArenaSchema;
    expect(s.kinds.map((k) => [k.id, k.name, k.motion, k.lifetimeTicks])).toEqual([
      [0, 'player', 'linear', 0],
      [1, 'pellet', 'static', 0],
      [2, 'projectile', 'linear', 36],
    ]);
    const player = s.kindByName.get('player');
    expect(player?.fields.map((f) => f.name)).toEqual([
      'x',
      'y',
      'vx',
      'vy',
      'aim',
      'hp',
      'score',
      'name',
    ]);
    expect(player?.numericFields.map((f) => f.slot)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(player?.stringFields.map((f) => [f.name, f.slot])).toEqual([['name', 0]]);
    expect(player?.fields.find((f) => f.name === 'score')?.isUint32).toBe(true);
    // v1's update bits: Motion 1, Aim 2, Hp 4, Score 8.
    expect(s.groups.map((g) => [g.name, 1 << g.bit, g.fields])).toEqual([
      ['motion', 1, ['x', 'y', 'vx', 'vy']],
      ['aim', 2, ['aim']],
      ['hp', 4, ['hp']],
      ['score', 8, ['score']],
    ]);
    expect(player?.groupMask).toBe(15);
    expect(s.kindByName.get('pellet')?.groupMask).toBe(0);
    expect(s.kindByName.get('projectile')?.groupMask).toBe(1);
    expect(s.allGroupsMask).toBe(15);
    expect(s.maxNumericFields).toBe(7);
    expect(s.constants).toEqual({
      playerSpeed: 27,
      projectileSpeed: 80,
      playerRadius: 80,
      maxHp: 100,
    });
  });

  it('compiles every field type, sync mode and motion', () => {
    const s = testMixedSchema;
    const look = s.groups.find((g) => g.name === 'look');
    expect(look?.fields).toEqual(['label', 'color']);
    // The beacon declares color before label: its group fields still follow the group's order.
    const beacon = s.kindByName.get('beacon');
    expect(beacon?.groupFields[look?.bit ?? -1]?.map((f) => [f.name, f.slot])).toEqual([
      ['label', 0],
      ['color', 2],
    ]);
    expect(s.groupFields[look?.bit ?? -1]?.map((f) => f.name)).toEqual(['label', 'color']);
    expect(s.kindByName.get('rock')?.fields.every((f) => f.isConstant)).toBe(true);
    expect(s.kindByName.get('cursor')?.hasVelocity).toBe(false);
    expect(s.kindByName.get('spark')?.hasVelocity).toBe(true);
    expect(s.maxStringFields).toBe(1);
  });

  it('derives input defaults (0, or min when 0 is out of range) and keeps explicit ones', () => {
    expect(testMixedSchema.input.map((f) => [f.name, f.type, f.min, f.max, f.default])).toEqual([
      ['dx', 'int', -1, 1, 0],
      ['mode', 'int', 3, 5, 3],
      ['target', 'int', -1, 255, -1],
      ['keys', 'flags', 0, 7, 0],
    ]);
    expect(testMixedSchema.idleControls).toEqual({ dx: 0, mode: 3, target: -1, keys: 0 });
    expect(
      compileGame(gameWith({ motion: 'static' }, { input: { down: int(-9, -4) } })).idleControls,
    ).toEqual({
      down: -9,
    });
  });

  it('writes the wire form canonically: these exact bytes for a one-kind game', () => {
    const s = compileGame(
      defineGame({
        name: 'dots',
        kinds: { dot: { motion: 'position' } },
        input: { dx: int(-1, 1) },
      }),
    );
    const field = (name: string): string =>
      '86a46e616d65a1' +
      name +
      'a474797065a771756172746572a36d696e00a36d6178ce00ffffffa473796e63a76368616e676573a567726f7570a8706f736974696f6e';
    expect(hex(packValue(s.wire))).toBe(
      '85' +
        'a467616d65a4646f7473' + // game: "dots"
        'a56b696e647391' + // kinds: [
        '84a46e616d65a3646f74a66d6f74696f6ea8706f736974696f6ead6c69666574696d655469636b7300' +
        'a66669656c647392' + // fields: [x, y]
        field('78') +
        field('79') +
        'a667726f7570739183a46e616d65a8706f736974696f6ea362697400a66669656c647392a178a179' + // groups
        'a5696e7075749185a46e616d65a26478a474797065a3696e74a36d696effa36d617801a764656661756c7400' + // input
        'a9636f6e7374616e747380', // constants: {}
    );
    expect(s.fingerprint).toBe(0x6f53393f);
  });
});

describe('the wire form', () => {
  it('round-trips through msgpack and readWireSchema to the same compiled schema', () => {
    for (const s of [testArenaSchema, testMixedSchema]) {
      const read = roundTrip(s.wire);
      expect(read).toEqual(s);
      expect(read.fingerprint).toBe(s.fingerprint);
    }
  });

  it('ignores map keys it does not know, and leaves them out of the fingerprint', () => {
    const wire = { ...copyOf(testArenaSchema.wire), comment: 'a later minor version' };
    wire.kinds[0] = {
      ...(wire.kinds[0] as WireSchema['kinds'][number]),
      color: 'red',
    } as WireSchema['kinds'][number];
    const read = roundTrip(wire);
    expect(read.fingerprint).toBe(testArenaSchema.fingerprint);
    expect(read.wire).toEqual(testArenaSchema.wire);
  });

  it('has a fingerprint that is stable for one declaration and changes with anything in it', () => {
    expect(compileGame(testMixedSpec, { cursorSpeed: 12 }).fingerprint).toBe(
      testMixedSchema.fingerprint,
    );
    const variants: CompiledSchema[] = [
      testMixedSchema,
      compileGame(testMixedSpec, { cursorSpeed: 13 }),
      compileGame({ ...testMixedSpec, name: 'mixed2' }, { cursorSpeed: 12 }),
      compileGame(
        {
          ...testMixedSpec,
          kinds: {
            ...testMixedSpec.kinds,
            spark: { ...testMixedSpec.kinds.spark, lifetimeTicks: 11 },
          },
        },
        { cursorSpeed: 12 },
      ),
      compileGame(
        {
          ...testMixedSpec,
          kinds: {
            ...testMixedSpec.kinds,
            spark: {
              motion: 'linear',
              lifetimeTicks: 10,
              fields: { heat: { type: int(-50, 51), sync: 'changes' } },
            },
          },
        },
        { cursorSpeed: 12 },
      ),
      compileGame(
        {
          ...testMixedSpec,
          kinds: {
            ...testMixedSpec.kinds,
            spark: {
              motion: 'linear',
              lifetimeTicks: 10,
              fields: { heat: { type: int(-50, 50), sync: 'constant' } },
            },
          },
        },
        { cursorSpeed: 12 },
      ),
      compileGame(
        {
          ...testMixedSpec,
          kinds: {
            ...testMixedSpec.kinds,
            spark: {
              motion: 'linear',
              lifetimeTicks: 10,
              fields: { warmth: { type: int(-50, 50), sync: 'changes' } },
            },
          },
        },
        { cursorSpeed: 12 },
      ),
      compileGame(
        {
          ...testMixedSpec,
          kinds: {
            rock: testMixedSpec.kinds.rock,
            cursor: testMixedSpec.kinds.cursor,
            beacon: testMixedSpec.kinds.beacon,
            spark: testMixedSpec.kinds.spark,
          },
        },
        { cursorSpeed: 12 },
      ),
      compileGame(
        { ...testMixedSpec, input: { ...testMixedSpec.input, target: int(-1, 255, 0) } },
        { cursorSpeed: 12 },
      ),
      compileGame(
        {
          ...testMixedSpec,
          input: { ...testMixedSpec.input, keys: flags(['jump', 'duck', 'act']) },
        },
        { cursorSpeed: 12 },
      ),
    ];
    expect(new Set(variants.map((s) => s.fingerprint)).size).toBe(variants.length);
  });
});

describe('declarations the engine refuses', () => {
  const linear = (fields: KindSpec['fields'], extra: Partial<KindSpec> = {}): GameSpec =>
    gameWith({ motion: 'linear', fields, ...extra });

  it('refuses duplicate and reserved names, naming the game, kind and field', () => {
    expect(
      declarationError(() => compileGame(linear({ x: { type: int(0, 9), sync: 'changes' } }))),
    ).toMatch(/^game g: schema.kinds\[0\] \(thing\).fields\[4\]: duplicate field name x$/);
    for (const name of ['id', 'kind', 'ticksLeft']) {
      expect(
        declarationError(() =>
          compileGame(linear({ [name]: { type: int(0, 9), sync: 'constant' } })),
        ),
      ).toMatch(new RegExp(`${name} is a reserved name`));
    }
    expect(
      declarationError(() =>
        compileGame(
          gameWith({ motion: 'static', fields: { vx: { type: int(0, 9), sync: 'constant' } } }),
        ),
      ),
    ).toMatch(/vx is a reserved name/);
    expect(
      declarationError(() =>
        compileGame(gameWith({ motion: 'static' }, { input: { seq: int(0, 1) } })),
      ),
    ).toMatch(/schema.input\[0\]: seq is a reserved name/);
    expect(
      declarationError(() =>
        compileGame(linear({ 'no spaces': { type: int(0, 9), sync: 'constant' } })),
      ),
    ).toMatch(/name "no spaces" is not 1-32 of/);
    expect(declarationError(() => compileGame({ ...linear({}), name: '' }))).toMatch(
      /schema.game: name ""/,
    );
    expect(
      declarationError(() => compileGame(gameWith({ motion: 'static' }, { kinds: {} }))),
    ).toMatch(/1..64 kinds/);
  });

  it('refuses bad types and ranges', () => {
    const withType = (type: FieldType): GameSpec => linear({ f: { type, sync: 'changes' } });
    const cases: [FieldType, RegExp][] = [
      [int(5, 1), /thing.f: range 5..1 is not an integer range/],
      [int(0, 1.5), /range 0..1.5 is not an integer range/],
      [int(0, 2 ** 33), /is outside int32\/uint32/],
      [int(-1, 0xffff_ffff), /does not fit in 32 bits/],
      [string(0), /string maxLength must be 1..1024/],
      [string(5000), /string maxLength must be 1..1024/],
      [{ type: 'angle8', min: 0, max: 300 }, /an angle8 runs 0..255, not 0..300/],
      [flags(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']), /flags take 1..8 names/],
      [flags(['a', 'a']), /flag names a, a repeat/],
      [{ type: 'flags', min: 0, max: 7, flags: ['a'] }, /flags of 1 names run 0..1, not 0..7/],
    ];
    for (const [type, message] of cases) {
      expect(declarationError(() => compileGame(withType(type)))).toMatch(message);
    }
    expect(
      declarationError(() =>
        compileGame(gameWith({ motion: 'static' }, { input: { dx: int(0, 5, 9) } })),
      ),
    ).toMatch(/g.input.dx: default 9 is outside 0..5/);
  });

  it('refuses a static kind with a field that changes, or with a lifetime', () => {
    expect(
      declarationError(() =>
        compileGame(
          gameWith({ motion: 'static', fields: { hp: { type: uint8(), sync: 'changes' } } }),
        ),
      ),
    ).toMatch(/g.thing.hp: a static kind's fields are constant/);
    expect(
      declarationError(() => compileGame(gameWith({ motion: 'static', lifetimeTicks: 10 }))),
    ).toMatch(/a static kind has no lifetime/);
    expect(declarationError(() => compileGame(linear({}, { lifetimeTicks: 70000 })))).toMatch(
      /lifetimeTicks: 0..65535/,
    );
    expect(declarationError(() => compileGame(linear({}, { lifetimeTicks: 1.5 })))).toMatch(
      /lifetimeTicks: 0..65535/,
    );
  });

  it('refuses a group typed differently, or holding different fields, in two kinds', () => {
    const twoKinds = (a: KindSpec['fields'], b: KindSpec['fields']): GameSpec => ({
      name: 'g',
      kinds: { one: { motion: 'linear', fields: a }, two: { motion: 'position', fields: b } },
      input: {},
    });
    expect(
      declarationError(() =>
        compileGame(
          twoKinds(
            { score: { type: uint32(), sync: 'changes' } },
            { score: { type: uint16(), sync: 'changes' } },
          ),
        ),
      ),
    ).toMatch(/schema.kinds\[1\] \(two\).score: group score types it otherwise in one/);
    expect(
      declarationError(() =>
        compileGame(
          twoKinds(
            { a: { type: uint8(), sync: 'changes', group: 'stats' } },
            {
              a: { type: uint8(), sync: 'changes', group: 'stats' },
              b: { type: uint8(), sync: 'changes', group: 'stats' },
            },
          ),
        ),
      ),
    ).toMatch(
      /group stats holds a in one but a, b in two: a group has the same fields in every kind/,
    );
    expect(
      declarationError(() =>
        compileGame(linear({ hp: { type: uint8(), sync: 'changes', group: 'motion' } })),
      ),
    ).toMatch(/the group motion is the engine's/);
  });

  it('refuses constants without an integer value, and declared twice', () => {
    const spec = gameWith({ motion: 'static' }, { constants: ['speed'] });
    expect(declarationError(() => compileGame(spec))).toMatch(
      /g: constant speed has no integer value/,
    );
    expect(declarationError(() => compileGame(spec, { speed: 1.5 }))).toMatch(
      /constant speed has no integer value/,
    );
    expect(declarationError(() => compileGame(spec, { speed: 2 ** 40 }))).toMatch(
      /constants.speed: not an integer/,
    );
    expect(
      declarationError(() => compileGame({ ...spec, constants: ['speed', 'speed'] }, { speed: 1 })),
    ).toMatch(/constant speed is declared twice/);
    expect(compileGame(spec, { speed: -3, unused: 9 }).constants).toEqual({ speed: -3 });
  });

  it('refuses more kinds, fields and inputs than the limits', () => {
    const many = (n: number): string[] => Array.from({ length: n }, (_, i) => `f${i}`);
    const fields = Object.fromEntries(
      many(29).map((n) => [n, { type: uint8(), sync: 'constant' as const }]),
    );
    expect(declarationError(() => compileGame(linear(fields)))).toMatch(/fields: at most 32/);
    const kinds = Object.fromEntries(many(65).map((n) => [n, { motion: 'static' as const }]));
    expect(declarationError(() => compileGame({ name: 'g', kinds, input: {} }))).toMatch(
      /1..64 kinds/,
    );
    const input = Object.fromEntries(many(13).map((n) => [n, uint8()]));
    expect(declarationError(() => compileGame(gameWith({ motion: 'static' }, { input })))).toMatch(
      /schema.input: at most 12 fields/,
    );
    const groups = Object.fromEntries(
      many(31).map((n) => [n, { type: uint8(), sync: 'changes' as const }]),
    );
    const wide: GameSpec = {
      name: 'g',
      kinds: {
        a: { motion: 'position', fields: Object.fromEntries(Object.entries(groups).slice(0, 20)) },
        b: { motion: 'position', fields: Object.fromEntries(Object.entries(groups).slice(20)) },
      },
      input: {},
    };
    expect(declarationError(() => compileGame(wide))).toMatch(/schema.groups: at most 30/);
  });

  it('throws plain Errors for declarations, not ProtocolErrors', () => {
    let caught: unknown = null;
    try {
      toWireSchema(gameWith({ motion: 'static', lifetimeTicks: 3 }), {});
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Error);
    expect(caught).not.toBeInstanceOf(ProtocolError);
  });
});

describe('wire schemas the engine refuses', () => {
  const arena = (): WireSchema => copyOf(testArenaSchema.wire);
  const kind = (w: WireSchema, i: number): WireSchema['kinds'][number] => {
    const k = w.kinds[i];
    if (!k) throw new Error(`no kind ${i}`);
    return k;
  };
  const field = (
    w: WireSchema,
    k: number,
    f: number,
  ): WireSchema['kinds'][number]['fields'][number] => {
    const x = kind(w, k).fields[f];
    if (!x) throw new Error(`no field ${f}`);
    return x;
  };

  it('refuses built-in fields out of order or typed otherwise', () => {
    const swapped = arena();
    const player = kind(swapped, 0);
    player.fields = [field(swapped, 0, 1), field(swapped, 0, 0), ...player.fields.slice(2)];
    expect(schemaError(() => compileSchema(swapped))).toMatch(
      /schema.kinds\[0\] \(player\).fields\[0\] \(y\): a linear kind's record starts with x, y, vx, vy/,
    );
    const wider = arena();
    field(wider, 1, 0).max = 2 ** 30;
    expect(schemaError(() => compileSchema(wider))).toMatch(
      /\(pellet\).fields\[0\] \(x\): a static kind's record starts with x, y/,
    );
    const short = arena();
    kind(short, 2).fields = kind(short, 2).fields.slice(0, 3);
    expect(schemaError(() => roundTrip(short))).toMatch(
      /\(projectile\).fields: a linear kind's record starts with/,
    );
    const motion = arena();
    kind(motion, 1).motion = 'teleport' as 'static';
    expect(schemaError(() => compileSchema(motion))).toMatch(
      /motion: "teleport" is not one of static, linear, position/,
    );
  });

  it('refuses groups that are not consistent with the fields', () => {
    const bits = arena();
    bits.groups.reverse();
    expect(schemaError(() => compileSchema(bits))).toMatch(/schema.groups\[0\].bit: expected 0/);
    const twice = arena();
    (twice.groups[1] as WireSchema['groups'][number]).fields = ['aim', 'aim'];
    expect(schemaError(() => compileSchema(twice))).toMatch(
      /schema.groups\[1\] \(aim\): a field is listed twice/,
    );
    const duplicate = arena();
    (duplicate.groups[2] as WireSchema['groups'][number]).name = 'aim';
    expect(schemaError(() => compileSchema(duplicate))).toMatch(/duplicate group name aim/);
    const motion = arena();
    (motion.groups[0] as WireSchema['groups'][number]).fields = ['vx', 'vy', 'x', 'y'];
    expect(schemaError(() => compileSchema(motion))).toMatch(
      /the built-in group motion is exactly x, y, vx, vy/,
    );
    const unknown = arena();
    field(unknown, 0, 5).group = 'health';
    expect(schemaError(() => compileSchema(unknown))).toMatch(
      /fields\[5\].group: health is not a group listing hp/,
    );
    const part = arena();
    (part.groups[1] as WireSchema['groups'][number]).fields = ['aim', 'hp'];
    field(part, 0, 5).group = 'aim';
    part.groups.splice(2, 1);
    (part.groups[2] as WireSchema['groups'][number]).bit = 2;
    kind(part, 0).fields.splice(5, 1);
    expect(schemaError(() => compileSchema(part))).toMatch(
      /\(player\): has part of group aim, not hp/,
    );
    const unused = arena();
    unused.groups.push({ name: 'spare', bit: 4, fields: ['hp'] });
    expect(schemaError(() => compileSchema(unused))).toMatch(/spare is used by no kind/);
    const constant = arena();
    field(constant, 0, 7).group = 'aim';
    expect(schemaError(() => compileSchema(constant))).toMatch(
      /fields\[7\].group: null exactly for constants/,
    );
  });

  it('refuses unknown types and syncs, flags that are not flags, and string inputs', () => {
    const type = arena();
    field(type, 0, 5).type = 'float' as 'int';
    expect(schemaError(() => compileSchema(type))).toMatch(/\(hp\): unknown field type "float"/);
    const sync = arena();
    field(sync, 0, 5).sync = 'often' as 'changes';
    expect(schemaError(() => compileSchema(sync))).toMatch(
      /fields\[5\].sync: 'constant' or 'changes'/,
    );
    const named = arena();
    field(named, 0, 5).flags = ['a'];
    expect(schemaError(() => compileSchema(named))).toMatch(
      /\(hp\): only a flags field names bits/,
    );
    const flagsMin = arena();
    const buttons = flagsMin.input[2] as WireSchema['input'][number];
    buttons.min = 1;
    expect(schemaError(() => compileSchema(flagsMin))).toMatch(
      /schema.input\[2\] \(buttons\): a flags field's min is 0/,
    );
    const stringInput = arena();
    (stringInput.input[0] as WireSchema['input'][number]).type = 'string' as 'int';
    expect(schemaError(() => compileSchema(stringInput))).toMatch(/input fields are numeric/);
    const defaultOut = arena();
    (defaultOut.input[0] as WireSchema['input'][number]).default = 300;
    expect(schemaError(() => roundTrip(defaultOut))).toMatch(/default 300 is outside -1..255/);
    const lifetime = arena();
    kind(lifetime, 1).lifetimeTicks = 5;
    expect(schemaError(() => roundTrip(lifetime))).toMatch(
      /\(pellet\): a static kind has no lifetime/,
    );
  });

  it('refuses shapes that are not a schema, naming the element', () => {
    expect(schemaError(() => readWireSchema(5))).toMatch(/^schema: expected a map$/);
    expect(schemaError(() => readWireSchema([]))).toMatch(/^schema: expected a map$/);
    const noKinds: Partial<WireSchema> = arena();
    delete noKinds.kinds;
    expect(schemaError(() => readWireSchema(noKinds))).toMatch(/schema.kinds: expected an array/);
    const badMin = arena() as unknown as { kinds: { fields: { min: unknown }[] }[] };
    (badMin.kinds[0]?.fields[4] ?? { min: 0 }).min = 'zero';
    expect(schemaError(() => readWireSchema(badMin))).toMatch(
      /schema.kinds\[0\].fields\[4\].min: expected an integer/,
    );
    expect(schemaError(() => readWireSchema({ ...arena(), constants: { speed: 'fast' } }))).toMatch(
      /schema.constants.speed: expected an integer/,
    );
    expect(schemaError(() => readWireSchema({ ...arena(), game: 'x'.repeat(40) }))).toMatch(
      /schema.game: longer than 32/,
    );
  });
});
