// The sequences behind reject/replica.json: snapshots that every decoder accepts but that a
// replica MUST refuse to apply (PROTOCOL.md 6.4), each after a few that apply. The generator
// checks that the real Replica applies every frame but the last, and that the last one throws
// ReplicaError with the stated code.
import type { Snapshot } from '@tickwire/protocol';
import { fullSnapshot } from '../src/testing/records.js';
import { arenaSchema, sketchSchema, type SchemaName } from './schemas.js';
import { pellet, player, projectile, update, withChecksums } from './snapshot-vectors.js';
import type { ReplicaRejectVector } from './vector-files.js';

export interface ReplicaRejectSpec {
  name: string;
  description: string;
  schema: SchemaName;
  /** Snapshots that apply, in order (their checksums are filled in). */
  before: Snapshot[];
  /** The snapshot that must fail. */
  last: Snapshot;
  error: ReplicaRejectVector['error'];
}

/** A delta snapshot against `baselineTick`. */
const delta = (tick: number, baselineTick: number, parts: Partial<Snapshot>): Snapshot =>
  fullSnapshot(tick, [], { baselineTick, ...parts });

/** Tick 100: a player, a pellet, a projectile with 2 ticks left (it expires at tick 102). */
const arenaView = fullSnapshot(100, [
  player(1, { x: 4000, y: 4000 }),
  pellet(2, 4100, 4000),
  projectile(3, { x: 4200, y: 4000, vx: 80, vy: 0, owner: 1, ticksLeft: 2 }),
]);

export const replicaRejectSpecs: ReplicaRejectSpec[] = [
  {
    name: 'removed-after-expiry',
    description:
      'Tick 102 lists projectile 3 as removed, but its lifetime ended at tick 102: both sides ' +
      'drop it on their own, and the server never lists it (InvalidDelta).',
    schema: 'arena',
    before: [arenaView],
    last: delta(102, 100, { removed: [3] }),
    error: 'InvalidDelta',
  },
  {
    name: 'updated-after-expiry',
    description: 'Tick 103 updates projectile 3, which expired at tick 102.',
    schema: 'arena',
    before: [arenaView],
    last: delta(103, 100, { updated: [update(arenaSchema, 3, { motion: [4000, 4000, 0, 0] })] }),
    error: 'InvalidDelta',
  },
  {
    name: 'mask-not-of-kind',
    description:
      'An update of projectile 3 with mask 2 (aim): a group of the schema, but not one a ' +
      'projectile has.',
    schema: 'arena',
    before: [arenaView],
    last: delta(101, 100, { updated: [update(arenaSchema, 3, { aim: [5] })] }),
    error: 'InvalidDelta',
  },
  {
    name: 'static-updated',
    description: 'An update of pellet 2 (static: it has no groups) with mask 1 (motion).',
    schema: 'arena',
    before: [arenaView],
    last: delta(101, 100, { updated: [update(arenaSchema, 2, { motion: [1, 2, 0, 0] })] }),
    error: 'InvalidDelta',
  },
  {
    name: 'every-group-mask',
    description:
      'Sketch schema: an update with mask 31 (every group) of a cursor, which has groups 0..2 ' +
      'only (snapshot-sketch-largest decodes such an update).',
    schema: 'sketch',
    before: [
      fullSnapshot(1, [
        {
          id: 5,
          kind: 'cursor',
          x: 0,
          y: 0,
          label: '',
          color: 0,
          pressed: 0,
          energy: 0,
        },
      ]),
    ],
    last: delta(2, 1, {
      updated: [
        update(sketchSchema, 5, {
          position: [1, 1],
          label: ['a'],
          state: [1, 1],
          motion: [0, 0, 0, 0],
          heat: [1],
        }),
      ],
    }),
    error: 'InvalidDelta',
  },
  {
    name: 'entered-twice',
    description: 'Tick 101 enters player 1, which is in the baseline and not removed.',
    schema: 'arena',
    before: [arenaView],
    last: delta(101, 100, { entered: [player(1, { x: 4000, y: 4000 })] }),
    error: 'InvalidDelta',
  },
  {
    name: 'removed-unknown',
    description: 'Tick 101 removes id 9, which is not in the baseline.',
    schema: 'arena',
    before: [arenaView],
    last: delta(101, 100, { removed: [9] }),
    error: 'InvalidDelta',
  },
  {
    name: 'updated-unknown',
    description: 'Tick 101 updates id 9, which is not in the baseline.',
    schema: 'arena',
    before: [arenaView],
    last: delta(101, 100, { updated: [update(arenaSchema, 9, { hp: [1] })] }),
    error: 'InvalidDelta',
  },
  {
    name: 'tick-not-after',
    description: 'A full snapshot of tick 100 after the view of tick 100.',
    schema: 'arena',
    before: [arenaView],
    last: fullSnapshot(100, []),
    error: 'InvalidDelta',
  },
  {
    name: 'missing-baseline',
    description: 'A delta against tick 99, which the replica never held: send Resync.',
    schema: 'arena',
    before: [arenaView],
    last: delta(101, 99, {}),
    error: 'MissingBaseline',
  },
  {
    name: 'checksum-mismatch',
    description:
      'Tick 101 against 100 with checksum 1 (the real one differs): the view is not committed.',
    schema: 'arena',
    before: [arenaView],
    last: { ...delta(101, 100, {}), checksum: 1 },
    error: 'ChecksumMismatch',
  },
];

/** `before` with checksums filled in; `last` as given (its checksum is part of the case). */
export function replicaRejectFrames(spec: ReplicaRejectSpec): Snapshot[] {
  const schema = spec.schema === 'arena' ? arenaSchema : sketchSchema;
  return [...withChecksums(schema, spec.before), spec.last];
}
