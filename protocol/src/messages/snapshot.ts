import { MessageId } from '../wire/ids.js';
import { malformed } from '../wire/errors.js';
import { MsgpackWriter } from '../wire/msgpack-writer.js';
import { readArray, readInt, readString, UINT32_MAX } from '../wire/read.js';
import { MAX_BASELINE_AGE, MAX_ENTITY_ID } from '../wire/limits.js';
import { MAX_KINDS, MAX_KIND_FIELDS } from '../schema/wire-schema.js';
import type { CompiledField, CompiledKind, CompiledSchema } from '../schema/schema.js';

const MAX_RECORDS = 0xffff;

/**
 * An entity record as decoded (and as encodeSnapshot takes it): `[id, kind, ...fields]` on the
 * wire, in the kind's record order, then `ticksLeft` for kinds with a lifetime. Here the kind is
 * its name and the fields are named; the game's declaration types them (EntityOf).
 */
export interface EntityRecord {
  readonly id: number;
  readonly kind: string;
  readonly [field: string]: number | string;
}

/**
 * `[id, mask, ...values]`: the fields of each update group whose bit is set in `mask`, lowest
 * bit first, each group's fields in the schema's group order.
 */
export interface EntityUpdate {
  readonly id: number;
  readonly mask: number;
  readonly values: readonly (number | string)[];
}

/** `[65, tick, baselineAge, inputAck, removed, entered, updated, checksum?]` */
export interface Snapshot {
  tick: number;
  /** Tick of the snapshot this one is a delta from, or 0: a full snapshot of the view. */
  baselineTick: number;
  /** Seq of the newest Input the server had applied when it simulated this tick; 0 for none. */
  inputAck: number;
  /**
   * Ids that were in the baseline and are no longer in view. Entities whose lifetime ended are
   * not listed: both sides drop them on their own.
   */
  removed: number[];
  /** Entities that are in view and were not in the baseline: whole records. */
  entered: EntityRecord[];
  /** Entities in both whose state differs from what the baseline extrapolates to. */
  updated: EntityUpdate[];
  /** Checksum of the whole view after applying this snapshot (viewChecksum), or null when off. */
  checksum: number | null;
}

/** Any object with the kind's fields by name (a server entity, a decoded record). */
export type EntitySource = { readonly id: number } & { readonly [field: string]: unknown };

function writeField(w: MsgpackWriter, f: CompiledField, value: unknown): void {
  if (f.isString) w.str(value as string);
  else w.int(value as number);
}

/** Writes an entity record from `e`'s fields. `ticksLeft` is written only for kinds with a lifetime. */
export function writeEntityRecord(
  w: MsgpackWriter,
  kind: CompiledKind,
  e: EntitySource,
  ticksLeft: number,
): void {
  const fields = kind.fields;
  const hasLifetime = kind.lifetimeTicks > 0;
  w.arrayHeader(2 + fields.length + (hasLifetime ? 1 : 0));
  w.int(e.id);
  w.int(kind.id);
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] as CompiledField;
    writeField(w, f, e[f.name]);
  }
  if (hasLifetime) w.int(ticksLeft);
}

/** How many values an update with `mask` carries for `kind`. */
export function updateValueCount(kind: CompiledKind, mask: number): number {
  let count = 0;
  for (let m = mask; m !== 0; m &= m - 1) {
    count += (kind.groupFields[31 - Math.clz32(m & -m)] as readonly CompiledField[]).length;
  }
  return count;
}

/** Writes an update record `[id, mask, ...]`, taking the masked groups' fields from `source`. */
export function writeEntityUpdate(
  w: MsgpackWriter,
  kind: CompiledKind,
  mask: number,
  source: EntitySource,
): void {
  w.arrayHeader(2 + updateValueCount(kind, mask));
  w.int(source.id);
  w.int(mask);
  for (let m = mask; m !== 0; m &= m - 1) {
    const fields = kind.groupFields[31 - Math.clz32(m & -m)] as readonly CompiledField[];
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i] as CompiledField;
      writeField(w, f, source[f.name]);
    }
  }
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

/** A msgpack unsigned integer at `at`: its value and the offset after it, or null. */
function peekUint(frame: Uint8Array, at: number): { value: number; next: number } | null {
  const b = frame[at];
  if (b === undefined) return null;
  if (b < 0x80) return { value: b, next: at + 1 };
  if (b === 0xcc && frame.length >= at + 2) return { value: frame[at + 1] as number, next: at + 2 };
  if (b === 0xcd && frame.length >= at + 3)
    return { value: ((frame[at + 1] as number) << 8) | (frame[at + 2] as number), next: at + 3 };
  if (b === 0xce && frame.length >= at + 5) {
    const value =
      (frame[at + 1] as number) * 0x1000000 +
      (((frame[at + 2] as number) << 16) |
        ((frame[at + 3] as number) << 8) |
        (frame[at + 4] as number));
    return { value, next: at + 5 };
  }
  return null;
}

/**
 * The tick and baseline tick of a Snapshot frame read from its first bytes without decoding the
 * rest, or null when the frame is not a Snapshot. For load generators that acknowledge what they
 * receive without applying it (and tell a full snapshot, baselineTick 0, from a delta); anything
 * that uses the state must decode and apply the whole frame.
 */
export function peekSnapshotHead(frame: Uint8Array): { tick: number; baselineTick: number } | null {
  if (
    frame.length < 3 ||
    (frame[0] !== 0x97 && frame[0] !== 0x98) ||
    frame[1] !== MessageId.Snapshot
  )
    return null;
  const tick = peekUint(frame, 2);
  // The wire carries the baseline's age (tick - baselineTick; 0 for a full snapshot).
  const age = tick === null ? null : peekUint(frame, tick.next);
  if (tick === null || age === null) return null;
  return { tick: tick.value, baselineTick: age.value === 0 ? 0 : tick.value - age.value };
}

/** The tick of a Snapshot frame (see peekSnapshotHead), or -1 when the frame is not a Snapshot. */
export function peekSnapshotTick(frame: Uint8Array): number {
  return peekSnapshotHead(frame)?.tick ?? -1;
}

const writer = new MsgpackWriter();

function kindOf(schema: CompiledSchema, name: string): CompiledKind {
  const kind = schema.kindByName.get(name);
  if (!kind) throw new RangeError(`no entity kind ${name} in game ${schema.game}`);
  return kind;
}

/** Encodes a Snapshot object (tests and tools; the server writes its frames with the writer). */
export function encodeSnapshot(schema: CompiledSchema, s: Snapshot): Uint8Array {
  writer.reset();
  writeSnapshotHead(writer, s.tick, s.baselineTick, s.inputAck, s.checksum !== null);
  writer.arrayHeader(s.removed.length);
  for (const id of s.removed) writer.int(id);
  writer.arrayHeader(s.entered.length);
  for (const e of s.entered) {
    writeEntityRecord(writer, kindOf(schema, e.kind), e, (e.ticksLeft as number | undefined) ?? 0);
  }
  writer.arrayHeader(s.updated.length);
  for (const u of s.updated) {
    writer.arrayHeader(2 + u.values.length);
    writer.int(u.id);
    writer.int(u.mask);
    for (const v of u.values) {
      if (typeof v === 'string') writer.str(v);
      else writer.int(v);
    }
  }
  if (s.checksum !== null) writer.int(s.checksum);
  return writer.copy();
}

// ---- decoding ----

const readId = (v: unknown, what: string): number => readInt(v, what, 0, MAX_ENTITY_ID);

function readField(f: CompiledField, v: unknown, what: string): number | string {
  return f.isString
    ? readString(v, `${what}.${f.name}`, f.max)
    : readInt(v, `${what}.${f.name}`, f.min, f.max);
}

/** Whether `v` is an integer in [min, max] (the decoders' fast path: no message is built). */
function isIntIn(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

function isValidField(f: CompiledField, v: unknown): boolean {
  return f.isString ? typeof v === 'string' && v.length <= f.max : isIntIn(v, f.min, f.max);
}

function slowRecord(schema: CompiledSchema, value: unknown, index: number): EntityRecord {
  return readRecordChecked(schema, value, `Snapshot.entered[${index}]`);
}

/**
 * Reads a record. Valid records take a fast path that builds no error text (a full snapshot
 * holds hundreds of records); anything else is read again by readRecordChecked, which throws
 * the message naming the field.
 */
function readRecord(schema: CompiledSchema, value: unknown, index: number): EntityRecord {
  if (!Array.isArray(value)) return slowRecord(schema, value, index);
  const kind = schema.kinds[value[1] as number];
  const id: unknown = value[0];
  if (
    kind === undefined ||
    !isIntIn(value[1], 0, MAX_KINDS) ||
    value.length !== kind.recordLength ||
    !isIntIn(id, 0, MAX_ENTITY_ID)
  ) {
    return slowRecord(schema, value, index);
  }
  const fields = kind.fields;
  const record: Record<string, number | string> = { id, kind: kind.name };
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as CompiledField;
    const v: unknown = value[2 + i];
    if (!isValidField(field, v)) return slowRecord(schema, value, index);
    record[field.name] = v as number | string;
  }
  if (kind.lifetimeTicks > 0) {
    const ticksLeft: unknown = value[value.length - 1];
    if (!isIntIn(ticksLeft, 1, kind.lifetimeTicks)) return slowRecord(schema, value, index);
    record.ticksLeft = ticksLeft;
  }
  return record as unknown as EntityRecord;
}

function readRecordChecked(schema: CompiledSchema, value: unknown, what: string): EntityRecord {
  const f = readArray(value, what, 2, 3 + MAX_KIND_FIELDS);
  const kindId = readInt(f[1], `${what}.kind`, 0, MAX_KINDS);
  const kind = schema.kinds[kindId];
  if (!kind) {
    throw malformed(
      `${what}.kind: unknown entity kind ${kindId} (${schema.game} has 0..${schema.kinds.length - 1})`,
    );
  }
  const hasLifetime = kind.lifetimeTicks > 0;
  const length = 2 + kind.fields.length + (hasLifetime ? 1 : 0);
  readArray(f, `${what} (${kind.name})`, length, length);
  const record: Record<string, number | string> = {
    id: readId(f[0], `${what}.id`),
    kind: kind.name,
  };
  for (let i = 0; i < kind.fields.length; i++) {
    const field = kind.fields[i] as CompiledField;
    record[field.name] = readField(field, f[2 + i], what);
  }
  if (hasLifetime) {
    record.ticksLeft = readInt(f[length - 1], `${what}.ticksLeft`, 1, kind.lifetimeTicks);
  }
  return record as unknown as EntityRecord;
}

/**
 * Reads an update. The mask alone says which fields follow (group bits are the same for every
 * kind); whether the entity's kind has those groups is the replica's check, against its baseline.
 */
function readUpdate(schema: CompiledSchema, value: unknown, what: string): EntityUpdate {
  // A valid update is for one kind: at most all of its fields follow the id and the mask.
  const f = readArray(value, what, 2, 2 + MAX_KIND_FIELDS);
  const mask = readInt(f[1], `${what}.mask`, 1, schema.allGroupsMask);
  let length = 2;
  for (let m = mask; m !== 0; m &= m - 1) {
    length += (schema.groupFields[31 - Math.clz32(m & -m)] as readonly CompiledField[]).length;
  }
  if (f.length !== length) {
    throw malformed(`${what}: expected ${length} elements for mask ${mask}, got ${f.length}`);
  }
  const values: (number | string)[] = [];
  let i = 2;
  for (let m = mask; m !== 0; m &= m - 1) {
    const fields = schema.groupFields[31 - Math.clz32(m & -m)] as readonly CompiledField[];
    for (const field of fields) values.push(readField(field, f[i++], what));
  }
  return { id: readId(f[0], `${what}.id`), mask, values };
}

function readList<T>(value: unknown, what: string, read: (v: unknown, what: string) => T): T[] {
  const list = readArray(value, what, 0, MAX_RECORDS);
  return list.map((item, i) => read(item, `${what}[${i}]`));
}

/** Reads the fields of a Snapshot frame (after splitFrame), with the game's schema. */
export function readSnapshot(schema: CompiledSchema, f: unknown[]): Snapshot {
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
    entered: readArray(f[5], 'Snapshot.entered', 0, MAX_RECORDS).map((v, i) =>
      readRecord(schema, v, i),
    ),
    updated: readList(f[6], 'Snapshot.updated', (v, w) => readUpdate(schema, v, w)),
    checksum: f.length === 8 ? readInt(f[7], 'Snapshot.checksum', 0, UINT32_MAX) : null,
  };
}
