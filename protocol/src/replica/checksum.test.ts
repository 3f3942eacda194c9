import { describe, expect, it } from 'vitest';
import { addToChecksum, entityHash, viewChecksum } from './checksum.js';
import type { CompiledKind } from '../schema/schema.js';
import { pelletRecord, playerRecord, projectileRecord } from '../testing/records.js';
import { testArenaSchema, testMixedSchema } from '../testing/test-schemas.js';

function kind(name: string, schema = testArenaSchema): CompiledKind {
  const k = schema.kindByName.get(name);
  if (!k) throw new Error(`no kind ${name}`);
  return k;
}

describe('checksum', () => {
  it("gives v1's worked hashes for the arena's kinds (PROTOCOL.md v1, section 7)", () => {
    expect(entityHash(kind('pellet'), pelletRecord(300, 7000, 5600), 0)).toBe(255421481);
    const ann = playerRecord(1001, { x: 8400, y: 6100, vx: -27, aim: 128, hp: 100, score: 5 });
    expect(entityHash(kind('player'), ann, 0)).toBe(1564891886);
    // The name is not hashed; every number is.
    expect(entityHash(kind('player'), { ...ann, name: 'other' }, 0)).toBe(1564891886);
    expect(entityHash(kind('player'), { ...ann, score: 6 }, 0)).not.toBe(1564891886);
  });

  it('hashes the expiry tick of a kind with a lifetime, and only then', () => {
    const shot = projectileRecord(5);
    expect(entityHash(kind('projectile'), shot, 40)).not.toBe(
      entityHash(kind('projectile'), shot, 41),
    );
    expect(entityHash(kind('pellet'), pelletRecord(1, 2, 3), 40)).toBe(
      entityHash(kind('pellet'), pelletRecord(1, 2, 3), 0),
    );
    expect(viewChecksum(testArenaSchema, 10, [shot])).toBe(
      entityHash(kind('projectile'), shot, 46),
    );
  });

  it('hashes a uint32 above int32 by its 32 bits, as the replica stores it', () => {
    const beacon = kind('beacon', testMixedSchema);
    const e = {
      id: 1,
      kind: 'beacon',
      x: 1,
      y: 2,
      color: 3,
      label: 'a',
      energy: 0xffff_fff0,
      ticksLeft: 1,
    };
    expect(entityHash(beacon, e, 9)).toBe(entityHash(beacon, { ...e, energy: -16 }, 9));
  });

  it('sums hashes mod 2^32, in any order', () => {
    const records = [pelletRecord(300, 7000, 5600), playerRecord(1001), projectileRecord(7)];
    const sum = viewChecksum(testArenaSchema, 3, records);
    expect(viewChecksum(testArenaSchema, 3, [...records].reverse())).toBe(sum);
    expect(viewChecksum(testArenaSchema, 3, [])).toBe(0);
    expect(addToChecksum(0xffff_ffff, 2)).toBe(1);
    expect(() => viewChecksum(testArenaSchema, 3, [{ id: 1, kind: 'ghost' }])).toThrow(
      /no entity kind ghost/,
    );
  });
});
