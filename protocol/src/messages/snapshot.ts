import { EntityKind, MessageId, UpdateField } from '../wire/ids.js';
import { malformed } from '../wire/errors.js';
import { MsgpackWriter } from '../wire/msgpack-writer.js';
import { readArray, readInt, readString, UINT32_MAX } from '../wire/read.js';
import { ANGLE_STEPS } from '../sim/quantize.js';
import { MAX_NAME_LENGTH } from './client.js';

/** Entity ids are small integers, reused only long after the entity left every client's view. */
export const MAX_ENTITY_ID = 0xffff;
/** Bounds of a wire position (1/POSITION_SCALE units), whatever the world size. */
export const MAX_WIRE_POSITION = 0xff_ffff;
/** Bounds of a velocity component (wire units per tick). */
export const MAX_WIRE_VELOCITY = 0x7fff;
/** Oldest baseline a delta may name, in ticks before the snapshot's own tick. */
export const MAX_BASELINE_AGE = 0xff;
const MAX_RECORDS = 0xffff;

/** `[id, 0, x, y, vx, vy, aim, hp, score, name]` */
export interface PlayerRecord {
  kind: typeof EntityKind.Player;
  id: number;
  x: number;
  y: number;
  vx: number;
  vy: number;
  aim: number;
  hp: number;
  score: number;
  name: string;
}

/** `[id, 1, x, y]` */
export interface PelletRecord {
  kind: typeof EntityKind.Pellet;
  id: number;
  x: number;
  y: number;
}

export type EntityRecord = PlayerRecord | PelletRecord;

/** Straight-line motion as sent in an update: absolute position and velocity at the snapshot tick. */
export interface MotionUpdate {
  x: number;
  y: number;
  vx: number;
  vy: number;
}

/** `[id, mask, ...fields present in mask, in bit order]` */
export interface EntityUpdate {
  id: number;
  motion?: MotionUpdate;
  aim?: number;
  hp?: number;
  score?: number;
}

/** `[65, tick, baselineAge, inputAck, removed, entered, updated, checksum?]` */
export interface Snapshot {
  tick: number;
  /** Tick of the snapshot this one is a delta from, or 0: a full snapshot of the view. */
  baselineTick: number;
  /** Seq of the newest Input the server had applied when it simulated this tick; 0 for none. */
  inputAck: number;
  /** Ids that were in the baseline and are no longer in view. */
  removed: number[];
  /** Entities that are in view and were not in the baseline: whole records. */
  entered: EntityRecord[];
  /** Entities in both whose state differs from what the baseline extrapolates to. */
  updated: EntityUpdate[];
  /** Checksum of the whole view after applying this snapshot (viewChecksum), or null when off. */
  checksum: number | null;
}

/** The fields an update record may carry, read according to its mask. */
export type UpdateSource = Pick<PlayerRecord, 'x' | 'y' | 'vx' | 'vy' | 'aim' | 'hp' | 'score'>;

/** Writes an entity record: `[id, 0, x, y, vx, vy, aim, hp, score, name]` or `[id, 1, x, y]`. */
export function writeEntityRecord(w: MsgpackWriter, e: EntityRecord): void {
  if (e.kind === EntityKind.Player) {
    w.arrayHeader(10);
    w.int(e.id);
    w.int(e.kind);
    w.int(e.x);
    w.int(e.y);
    w.int(e.vx);
    w.int(e.vy);
    w.int(e.aim);
    w.int(e.hp);
    w.int(e.score);
    w.str(e.name);
  } else {
    w.arrayHeader(4);
    w.int(e.id);
    w.int(e.kind);
    w.int(e.x);
    w.int(e.y);
  }
}

/** Writes an update record `[id, mask, ...]`, taking the masked fields from `source`. */
export function writeEntityUpdate(
  w: MsgpackWriter,
  id: number,
  mask: number,
  source: UpdateSource,
): void {
  const hasMotion = (mask & UpdateField.Motion) !== 0;
  w.arrayHeader(
    2 +
      (hasMotion ? 4 : 0) +
      (mask & UpdateField.Aim ? 1 : 0) +
      (mask & UpdateField.Hp ? 1 : 0) +
      (mask & UpdateField.Score ? 1 : 0),
  );
  w.int(id);
  w.int(mask);
  if (hasMotion) {
    w.int(source.x);
    w.int(source.y);
    w.int(source.vx);
    w.int(source.vy);
  }
  if (mask & UpdateField.Aim) w.int(source.aim);
  if (mask & UpdateField.Hp) w.int(source.hp);
  if (mask & UpdateField.Score) w.int(source.score);
}

/**
 * Writes the start of a Snapshot frame: the array header, id, tick, baselineAge and inputAck.
 * The caller then writes removed, entered, updated and (if `hasChecksum`) the checksum.
 */
export function writeSnapshotHead(
  w: MsgpackWriter,
  tick: number,
  baselineTick: number,
  inputAck: number,
  hasChecksum: boolean,
): void {
  w.arrayHeader(hasChecksum ? 8 : 7);
  w.int(MessageId.Snapshot);
  w.int(tick);
  w.int(baselineTick === 0 ? 0 : tick - baselineTick);
  w.int(inputAck);
}

/**
 * The tick of a Snapshot frame read from its first bytes without decoding the rest, or -1 when
 * the frame is not a Snapshot. For load generators that acknowledge what they receive without
 * applying it; anything that uses the state must decode and apply the whole frame.
 */
export function peekSnapshotTick(frame: Uint8Array): number {
  if (
    frame.length < 3 ||
    (frame[0] !== 0x97 && frame[0] !== 0x98) ||
    frame[1] !== MessageId.Snapshot
  )
    return -1;
  const b = frame[2] as number;
  if (b < 0x80) return b;
  if (b === 0xcc && frame.length >= 4) return frame[3] as number;
  if (b === 0xcd && frame.length >= 5) return ((frame[3] as number) << 8) | (frame[4] as number);
  if (b === 0xce && frame.length >= 7) {
    return (
      (frame[3] as number) * 0x1000000 +
      (((frame[4] as number) << 16) | ((frame[5] as number) << 8) | (frame[6] as number))
    );
  }
  return -1;
}

export function updateMask(u: EntityUpdate): number {
  return (
    (u.motion ? UpdateField.Motion : 0) |
    (u.aim !== undefined ? UpdateField.Aim : 0) |
    (u.hp !== undefined ? UpdateField.Hp : 0) |
    (u.score !== undefined ? UpdateField.Score : 0)
  );
}

const writer = new MsgpackWriter();

export function encodeSnapshot(s: Snapshot): Uint8Array {
  writer.reset();
  writeSnapshotHead(writer, s.tick, s.baselineTick, s.inputAck, s.checksum !== null);
  writer.arrayHeader(s.removed.length);
  for (const id of s.removed) writer.int(id);
  writer.arrayHeader(s.entered.length);
  for (const e of s.entered) writeEntityRecord(writer, e);
  writer.arrayHeader(s.updated.length);
  for (const u of s.updated) {
    const m = u.motion;
    writeEntityUpdate(writer, u.id, updateMask(u), {
      x: m?.x ?? 0,
      y: m?.y ?? 0,
      vx: m?.vx ?? 0,
      vy: m?.vy ?? 0,
      aim: u.aim ?? 0,
      hp: u.hp ?? 0,
      score: u.score ?? 0,
    });
  }
  if (s.checksum !== null) writer.int(s.checksum);
  return writer.copy();
}

const readId = (v: unknown, what: string): number => readInt(v, what, 0, MAX_ENTITY_ID);
const readPosition = (v: unknown, what: string): number => readInt(v, what, 0, MAX_WIRE_POSITION);
const readVelocity = (v: unknown, what: string): number =>
  readInt(v, what, -MAX_WIRE_VELOCITY, MAX_WIRE_VELOCITY);
const readAim = (v: unknown, what: string): number => readInt(v, what, 0, ANGLE_STEPS - 1);
const readHp = (v: unknown, what: string): number => readInt(v, what, 0, 0xffff);
const readScore = (v: unknown, what: string): number => readInt(v, what, 0, UINT32_MAX);

function readRecord(value: unknown, what: string): EntityRecord {
  const f = readArray(value, what, 2, 10);
  const kind = f[1];
  if (kind === EntityKind.Player) {
    readArray(f, `${what} (player)`, 10, 10);
    return {
      kind,
      id: readId(f[0], `${what}.id`),
      x: readPosition(f[2], `${what}.x`),
      y: readPosition(f[3], `${what}.y`),
      vx: readVelocity(f[4], `${what}.vx`),
      vy: readVelocity(f[5], `${what}.vy`),
      aim: readAim(f[6], `${what}.aim`),
      hp: readHp(f[7], `${what}.hp`),
      score: readScore(f[8], `${what}.score`),
      name: readString(f[9], `${what}.name`, MAX_NAME_LENGTH),
    };
  }
  if (kind === EntityKind.Pellet) {
    readArray(f, `${what} (pellet)`, 4, 4);
    return {
      kind,
      id: readId(f[0], `${what}.id`),
      x: readPosition(f[2], `${what}.x`),
      y: readPosition(f[3], `${what}.y`),
    };
  }
  throw malformed(`${what}.kind: unknown entity kind ${String(kind)}`);
}

const ALL_FIELDS = UpdateField.Motion | UpdateField.Aim | UpdateField.Hp | UpdateField.Score;

function readUpdate(value: unknown, what: string): EntityUpdate {
  const f = readArray(value, what, 2, 9);
  const mask = readInt(f[1], `${what}.mask`, 1, ALL_FIELDS);
  const expected =
    2 +
    (mask & UpdateField.Motion ? 4 : 0) +
    (mask & UpdateField.Aim ? 1 : 0) +
    (mask & UpdateField.Hp ? 1 : 0) +
    (mask & UpdateField.Score ? 1 : 0);
  readArray(f, what, expected, expected);
  const u: EntityUpdate = { id: readId(f[0], `${what}.id`) };
  let i = 2;
  if (mask & UpdateField.Motion) {
    u.motion = {
      x: readPosition(f[i], `${what}.x`),
      y: readPosition(f[i + 1], `${what}.y`),
      vx: readVelocity(f[i + 2], `${what}.vx`),
      vy: readVelocity(f[i + 3], `${what}.vy`),
    };
    i += 4;
  }
  if (mask & UpdateField.Aim) u.aim = readAim(f[i++], `${what}.aim`);
  if (mask & UpdateField.Hp) u.hp = readHp(f[i++], `${what}.hp`);
  if (mask & UpdateField.Score) u.score = readScore(f[i], `${what}.score`);
  return u;
}

function readList<T>(value: unknown, what: string, read: (v: unknown, what: string) => T): T[] {
  const list = readArray(value, what, 0, MAX_RECORDS);
  return list.map((item, i) => read(item, `${what}[${i}]`));
}

/** Reads the fields of a Snapshot frame (after splitFrame). */
export function readSnapshot(f: unknown[]): Snapshot {
  readArray(f, 'Snapshot', 7, 8);
  const tick = readInt(f[1], 'Snapshot.tick', 1, UINT32_MAX);
  const baselineAge = readInt(
    f[2],
    'Snapshot.baselineAge',
    0,
    Math.min(MAX_BASELINE_AGE, tick - 1),
  );
  return {
    tick,
    baselineTick: baselineAge === 0 ? 0 : tick - baselineAge,
    inputAck: readInt(f[3], 'Snapshot.inputAck', 0, UINT32_MAX),
    removed: readList(f[4], 'Snapshot.removed', readId),
    entered: readList(f[5], 'Snapshot.entered', readRecord),
    updated: readList(f[6], 'Snapshot.updated', readUpdate),
    checksum: f.length === 8 ? readInt(f[7], 'Snapshot.checksum', 0, UINT32_MAX) : null,
  };
}
