import { describe, expect, expectTypeOf, it } from 'vitest';
import { decodeSnapshot } from '../messages/server.js';
import { encodeSnapshot } from '../messages/snapshot.js';
import { fullSnapshot } from '../testing/records.js';
import { testArenaSchema, testArenaSpec, type testMixedSpec } from '../testing/test-schemas.js';
import type { AnyEntityOf, ConstantsOf, EntityOf, InputOf, KindName } from './define.js';

// The types a game gets from its declaration. The expectTypeOf lines are checked by
// `tsc -p protocol`; the runtime lines check that what the codec decodes has those shapes.

type Arena = typeof testArenaSpec;
type Mixed = typeof testMixedSpec;

describe('types inferred from a declaration', () => {
  it('types each kind: strings as string, vx/vy only when linear, ticksLeft only with a lifetime', () => {
    type Player = EntityOf<Arena, 'player'>;
    expectTypeOf<Player['kind']>().toEqualTypeOf<'player'>();
    expectTypeOf<Player['name']>().toEqualTypeOf<string>();
    expectTypeOf<Player['score']>().toEqualTypeOf<number>();
    expectTypeOf<Player>().toHaveProperty('vx');
    expectTypeOf<Player>().not.toHaveProperty('ticksLeft');

    type Pellet = EntityOf<Arena, 'pellet'>;
    expectTypeOf<Pellet>().toHaveProperty('x');
    expectTypeOf<Pellet>().not.toHaveProperty('vx');
    expectTypeOf<Pellet>().not.toHaveProperty('name');

    type Projectile = EntityOf<Arena, 'projectile'>;
    expectTypeOf<Projectile['ticksLeft']>().toEqualTypeOf<number>();
    expectTypeOf<Projectile['owner']>().toEqualTypeOf<number>();
    expectTypeOf<Projectile>().toHaveProperty('vy');

    type Cursor = EntityOf<Mixed, 'cursor'>;
    expectTypeOf<Cursor['label']>().toEqualTypeOf<string>();
    expectTypeOf<Cursor>().toHaveProperty('y');
    expectTypeOf<Cursor>().not.toHaveProperty('vx');
    expectTypeOf<EntityOf<Mixed, 'beacon'>['ticksLeft']>().toEqualTypeOf<number>();

    const player: Player = {
      id: 1,
      kind: 'player',
      x: 4,
      y: 8,
      vx: 27,
      vy: 0,
      aim: 64,
      hp: 100,
      score: 3,
      name: 'ann',
    };
    const projectile: Projectile = {
      id: 2,
      kind: 'projectile',
      x: 1,
      y: 2,
      vx: 80,
      vy: 0,
      owner: 1,
      ticksLeft: 36,
    };
    const bytes = encodeSnapshot(testArenaSchema, fullSnapshot(5, [player, projectile]));
    expect(decodeSnapshot(testArenaSchema, bytes).entered).toEqual([player, projectile]);
  });

  it('makes a union discriminated by kind, and types input and constants by name', () => {
    expectTypeOf<KindName<Arena>>().toEqualTypeOf<'player' | 'pellet' | 'projectile'>();
    expectTypeOf<AnyEntityOf<Arena>['kind']>().toEqualTypeOf<'player' | 'pellet' | 'projectile'>();
    expectTypeOf<Extract<AnyEntityOf<Arena>, { kind: 'pellet' }>>().toEqualTypeOf<
      EntityOf<Arena, 'pellet'>
    >();
    expectTypeOf<InputOf<Arena>>().toEqualTypeOf<{
      moveDir: number;
      aim: number;
      buttons: number;
    }>();
    expectTypeOf<InputOf<Mixed>>().toEqualTypeOf<{
      dx: number;
      mode: number;
      target: number;
      keys: number;
    }>();
    expectTypeOf<ConstantsOf<Mixed>>().toEqualTypeOf<{ cursorSpeed: number }>();
    expectTypeOf<keyof ConstantsOf<Arena>>().toEqualTypeOf<
      'playerSpeed' | 'projectileSpeed' | 'playerRadius' | 'maxHp'
    >();

    const controls: InputOf<Arena> = { moveDir: -1, aim: 0, buttons: 1 };
    expect(Object.keys(controls)).toEqual(testArenaSchema.input.map((f) => f.name));
    expect(Object.keys(testArenaSchema.constants)).toEqual(testArenaSpec.constants);
  });
});
