// The generated parts of PROTOCOL.md: every frame printed there in hex, with its byte-by-byte
// table, the arena's schema as tables, and the worked checksums. Each part sits between
//   <!-- generated:NAME -->  and  <!-- /generated -->
// and `npm run vectors -w @tickwire/protocol -- --docs` rewrites it from the same values the
// vectors are made of (message-vectors.ts, snapshot-vectors.ts), encoded by the real codec. The
// tests check every hex block of PROTOCOL.md against the codec and the vectors.
import { readFileSync, writeFileSync } from 'node:fs';
import {
  MessageId,
  Replica,
  type CompiledSchema,
  type EntityRecord,
  type Snapshot,
  type WireField,
} from '@tickwire/protocol';
import {
  helloSpecs,
  inputSpecs,
  kickSpecs,
  pingSpecs,
  pongSpecs,
  resyncSpecs,
  summarySpecs,
  watchSpecs,
  welcomeSpecs,
  type MessageSpecs,
} from './message-vectors.js';
import {
  WORLD,
  documentedDelta101,
  documentedDelta106,
  documentedFull,
  snapshotSpecs,
} from './snapshot-vectors.js';
import { arenaSchema, schemas, type SchemaName } from './schemas.js';
import { encodeMessage, entityHashOf, entityHashSteps, type AnyMessage } from './vector-codec.js';
import { toHex } from './vector-files.js';

// ---- a msgpack walker that keeps offsets (for the tables only) ----

interface MsgNode {
  offset: number;
  /** Offset just past the value (for a container: past all its contents). */
  end: number;
  /** Bytes of the header (a scalar's whole encoding). */
  headerEnd: number;
  type: string;
  value: number | string | boolean | null;
  items: MsgNode[];
  /** Maps: keys and values alternate in `items`. */
  isMap: boolean;
}

function parse(bytes: Uint8Array, offset: number): MsgNode {
  const b = bytes[offset] as number;
  const u = (at: number, n: number): number => {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + (bytes[at + i] as number);
    return v;
  };
  const s = (n: number): number => {
    const v = u(offset + 1, n);
    return v >= 2 ** (8 * n - 1) ? v - 2 ** (8 * n) : v;
  };
  const scalar = (type: string, size: number, value: MsgNode['value']): MsgNode => ({
    offset,
    end: offset + size,
    headerEnd: offset + size,
    type,
    value,
    items: [],
    isMap: false,
  });
  const str = (type: string, header: number, length: number): MsgNode => {
    const start = offset + header;
    const text = new TextDecoder().decode(bytes.subarray(start, start + length));
    return scalar(`${type}(${length})`, header + length, text);
  };
  const container = (type: string, header: number, count: number, isMap: boolean): MsgNode => {
    const items: MsgNode[] = [];
    let at = offset + header;
    for (let i = 0; i < (isMap ? 2 * count : count); i++) {
      const item = parse(bytes, at);
      items.push(item);
      at = item.end;
    }
    return { offset, end: at, headerEnd: offset + header, type, value: null, items, isMap };
  };
  if (b <= 0x7f) return scalar('positive fixint', 1, b);
  if (b >= 0xe0) return scalar('negative fixint', 1, b - 0x100);
  if (b >= 0x80 && b <= 0x8f) return container(`fixmap(${b & 0x0f})`, 1, b & 0x0f, true);
  if (b >= 0x90 && b <= 0x9f) return container('fixarray', 1, b & 0x0f, false);
  if (b >= 0xa0 && b <= 0xbf) return str('fixstr', 1, b & 0x1f);
  switch (b) {
    case 0xc0:
      return scalar('nil', 1, null);
    case 0xc2:
      return scalar('false', 1, false);
    case 0xc3:
      return scalar('true', 1, true);
    case 0xcb:
      return scalar(
        'float64',
        9,
        new DataView(bytes.buffer, bytes.byteOffset + offset + 1, 8).getFloat64(0),
      );
    case 0xcc:
      return scalar('uint8', 2, u(offset + 1, 1));
    case 0xcd:
      return scalar('uint16', 3, u(offset + 1, 2));
    case 0xce:
      return scalar('uint32', 5, u(offset + 1, 4));
    case 0xd0:
      return scalar('int8', 2, s(1));
    case 0xd1:
      return scalar('int16', 3, s(2));
    case 0xd2:
      return scalar('int32', 5, s(4));
    case 0xd9:
      return str('str8', 2, u(offset + 1, 1));
    case 0xda:
      return str('str16', 3, u(offset + 1, 2));
    case 0xdc:
      return container('array16', 3, u(offset + 1, 2), false);
    case 0xde:
      return container(`map16(${u(offset + 1, 2)})`, 3, u(offset + 1, 2), true);
    default:
      throw new Error(`the doc tables do not know msgpack byte ${b.toString(16)}`);
  }
}

// ---- tables ----

interface Row {
  offset: number;
  bytes: Uint8Array;
  msgpack: string;
  value: string;
  meaning: string;
}

const MAX_SHOWN_BYTES = 12;

function spaced(bytes: Uint8Array): string {
  const shown = Array.from(bytes.subarray(0, MAX_SHOWN_BYTES), (b) =>
    b.toString(16).padStart(2, '0'),
  );
  return `${shown.join(' ')}${bytes.length > MAX_SHOWN_BYTES ? '  ...' : ''}`;
}

function show(value: MsgNode['value']): string {
  if (typeof value === 'string') return JSON.stringify(value);
  return value === null ? 'nil' : String(value);
}

/** A JS value in the compact form the tables use: `{name: "x", min: 0}`. */
function compact(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(compact).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}: ${compact(v)}`)
      .join(', ')}}`;
  }
  return value === null ? 'nil' : typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function table(rows: Row[]): string {
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  const lines = rows.map(
    (r) =>
      `| ${r.offset} | \`${spaced(r.bytes)}\` | ${cell(r.msgpack)} | ${cell(r.value)} | ${cell(r.meaning)} |`,
  );
  return [
    '| offset | bytes | msgpack | value | meaning |',
    '| ---: | --- | --- | --- | --- |',
    ...lines,
  ].join('\n');
}

class Annotator {
  readonly rows: Row[] = [];
  readonly #bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  /** One row for a scalar, or for a container's header. */
  add(node: MsgNode, meaning: string, value?: string): void {
    const isContainer = node.isMap || node.type.includes('array');
    this.rows.push({
      offset: node.offset,
      bytes: this.#bytes.subarray(node.offset, isContainer ? node.headerEnd : node.end),
      msgpack: node.type,
      value: value ?? (isContainer ? '' : show(node.value)),
      meaning,
    });
  }

  /** One row for a map key and its scalar value. */
  pair(key: MsgNode, value: MsgNode, meaning: string): void {
    this.rows.push({
      offset: key.offset,
      bytes: this.#bytes.subarray(key.offset, value.end),
      msgpack: `${key.type}, ${value.type}`,
      value: `${show(key.value)}: ${show(value.value)}`,
      meaning,
    });
  }

  /** One row for a whole value (a map of the schema, say), shown compactly. */
  whole(node: MsgNode, meaning: string, value: unknown): void {
    this.rows.push({
      offset: node.offset,
      bytes: this.#bytes.subarray(node.offset, node.end),
      msgpack: `${node.type}, ${node.end - node.offset} bytes`,
      value: compact(value),
      meaning,
    });
  }
}

const elements = (n: number): string => `${n} element${n === 1 ? '' : 's'}`;

function item(node: MsgNode, i: number): MsgNode {
  const found = node.items[i];
  if (!found) throw new Error(`no element ${i}`);
  return found;
}

/** Rows for a frame whose elements are all scalars, named in order (the id first). */
function simpleFrame(a: Annotator, frame: MsgNode, message: string, names: string[]): void {
  a.add(frame, `frame: array of ${elements(frame.items.length)}`);
  a.add(item(frame, 0), `message id ${show(item(frame, 0).value)} = ${message}`);
  names.forEach((name, i) => a.add(item(frame, i + 1), name));
}

function summaryRows(a: Annotator, frame: MsgNode): void {
  simpleFrame(a, frame, 'Summary', ['tick', 'playersOnline', 'spectators']);
  const leaders = item(frame, 4);
  a.add(leaders, `leaders: array of ${elements(leaders.items.length)}`);
  leaders.items.forEach((leader, i) => {
    a.add(leader, `leader ${i + 1}: array of ${elements(leader.items.length)}`);
    ['id', 'name', 'score', 'x (wire units)', 'y (wire units)'].forEach((name, j) =>
      a.add(item(leader, j), name),
    );
  });
}

const GROUP_NAMES = (schema: CompiledSchema, mask: number): string =>
  schema.groups
    .filter((g) => (mask & (1 << g.bit)) !== 0)
    .map((g) => g.name)
    .join(' + ');

function snapshotRows(a: Annotator, frame: MsgNode, schema: CompiledSchema): void {
  a.add(frame, `frame: array of ${elements(frame.items.length)}`);
  a.add(item(frame, 0), 'message id 65 = Snapshot');
  a.add(item(frame, 1), 'tick');
  a.add(item(frame, 2), 'baselineAge');
  a.add(item(frame, 3), 'inputAck');
  const tick = item(frame, 1).value as number;
  const removed = item(frame, 4);
  a.add(removed, `removed: ${elements(removed.items.length)}`);
  removed.items.forEach((id, i) => a.add(id, `removed[${i}]: entity id`));
  const entered = item(frame, 5);
  a.add(entered, `entered: ${elements(entered.items.length)}`);
  entered.items.forEach((record, i) => {
    const kind = schema.kinds[item(record, 1).value as number];
    if (!kind) throw new Error('unknown kind');
    a.add(record, `entered[${i}]: a ${kind.name} record, ${elements(record.items.length)}`);
    a.add(item(record, 0), `entered[${i}].id`);
    a.add(item(record, 1), `entered[${i}].kind = ${kind.id} (${kind.name})`);
    kind.fields.forEach((f, j) => a.add(item(record, 2 + j), `entered[${i}].${f.name}`));
    if (kind.lifetimeTicks > 0) {
      const left = item(record, 2 + kind.fields.length);
      a.add(left, `entered[${i}].ticksLeft (expires at tick ${tick + (left.value as number)})`);
    }
  });
  const updated = item(frame, 6);
  a.add(updated, `updated: ${elements(updated.items.length)}`);
  updated.items.forEach((u, i) => {
    const mask = item(u, 1).value as number;
    a.add(u, `updated[${i}]: ${elements(u.items.length)}`);
    a.add(item(u, 0), `updated[${i}].id`);
    a.add(item(u, 1), `updated[${i}].mask = ${mask} (${GROUP_NAMES(schema, mask)})`);
    const names: string[] = [];
    for (const g of schema.groups) if ((mask & (1 << g.bit)) !== 0) names.push(...g.fields);
    names.forEach((name, j) => a.add(item(u, 2 + j), `updated[${i}].${name}`));
  });
  if (frame.items.length === 8) a.add(item(frame, 7), 'checksum');
}

/** The schema map: keys and scalar values one row each, leaf maps one row each. */
function schemaRows(a: Annotator, node: MsgNode, path: string, value: unknown): void {
  // A map whose values are scalars or lists of scalars (a field, a group, an input field, the
  // constants) is one row.
  const isLeafMap =
    node.isMap && node.items.every((n) => n.items.every((x) => x.items.length === 0));
  if (isLeafMap && path !== 'schema') {
    a.whole(node, path, value);
    return;
  }
  if (node.isMap) {
    a.add(node, `${path}: a map of ${node.items.length / 2} keys`);
    const record = value as Record<string, unknown>;
    for (let i = 0; i < node.items.length; i += 2) {
      const key = item(node, i);
      const v = item(node, i + 1);
      const name = key.value as string;
      if (!v.isMap && !v.type.includes('array')) {
        a.pair(key, v, `${path}.${name}`);
        continue;
      }
      a.add(key, `key ${JSON.stringify(name)}`);
      schemaRows(a, v, `${path}.${name}`, record[name]);
    }
    return;
  }
  a.add(node, `${path}: ${elements(node.items.length)}`);
  const list = value as unknown[];
  node.items.forEach((n, i) => {
    const entry = list[i] as { name?: string } | undefined;
    const label = entry?.name ? ` (${entry.name})` : '';
    schemaRows(a, n, `${path}[${i}]${label}`, list[i]);
  });
}

function welcomeRows(a: Annotator, frame: MsgNode, schemaValue: unknown): void {
  simpleFrame(a, frame, 'Welcome', [
    'protocolVersion',
    'playerId',
    'tickHz',
    'serverTick',
    'serverTimeMs',
    'worldWidth',
    'worldHeight',
    'viewWidth',
    'viewHeight',
    'resumeToken',
    'schemaFingerprint',
  ]);
  schemaRows(a, item(frame, 12), 'schema', schemaValue);
}

// ---- blocks ----

function findSpec<T>(specs: MessageSpecs<T>, name: string): { value: T; schema?: SchemaName } {
  const spec = specs.vectors.find((v) => v.name === name);
  if (!spec) throw new Error(`no vector ${name}`);
  return spec;
}

/** A frame: "N bytes:", the hex (32 bytes a line), and its table. */
function frameBlock(m: AnyMessage, schemaName: SchemaName | null): string {
  const schema = schemaName === null ? null : schemas[schemaName];
  const bytes = encodeMessage(m, schema);
  const root = parse(bytes, 0);
  if (root.end !== bytes.length) throw new Error('trailing bytes');
  const a = new Annotator(bytes);
  switch (m.id) {
    case MessageId.Hello: {
      // Version 4 adds flags as a 6th element; version 3 has the seat as a 5th; version 2 ends
      // with the token.
      const names = ['protocolVersion', 'name', 'resumeToken (nil = none)'];
      if (root.items.length >= 5) names.push('seat (nil = none)');
      if (root.items.length === 6) names.push('flags (1 spectate, 2 summary)');
      simpleFrame(a, root, 'Hello', names);
      break;
    }
    case MessageId.Input:
      simpleFrame(a, root, 'Input', [
        'seq',
        'ackTick',
        ...(schema?.input.map((f) => f.name) ?? []),
      ]);
      break;
    case MessageId.Ping:
      simpleFrame(a, root, 'Ping', ['clientTimeMs']);
      break;
    case MessageId.Resync:
      simpleFrame(a, root, 'Resync', ['tick']);
      break;
    case MessageId.Watch:
      simpleFrame(a, root, 'Watch', [
        'ackTick',
        'followId (0 = free camera)',
        'x (wire units)',
        'y (wire units)',
      ]);
      break;
    case MessageId.Welcome:
      welcomeRows(a, root, m.message.schema.wire);
      break;
    case MessageId.Snapshot:
      snapshotRows(a, root, schema as CompiledSchema);
      break;
    case MessageId.Pong:
      simpleFrame(a, root, 'Pong', ['clientTimeMs', 'serverTimeMs (float64)', 'serverTick']);
      break;
    case MessageId.Kick:
      simpleFrame(a, root, 'Kick', ['closeCode', 'reason']);
      break;
    case MessageId.Summary:
      summaryRows(a, root);
      break;
  }
  const hex = toHex(bytes).replace(/(.{64})(?=.)/g, '$1\n');
  return `${bytes.length} bytes:\n\n\`\`\`hex\n${hex}\n\`\`\`\n\n${table(a.rows)}`;
}

function specBlock<T>(
  specs: MessageSpecs<T>,
  name: string,
  toMessage: (value: T) => AnyMessage,
): string {
  const spec = findSpec(specs, name);
  return frameBlock(toMessage(spec.value), spec.schema ?? null);
}

/** The arena's schema as readable tables: kinds and fields, groups, input, constants. */
function schemaTables(schema: CompiledSchema): string {
  const w = schema.wire;
  const range = (f: Pick<WireField, 'type' | 'min' | 'max' | 'flags'>): string =>
    f.type === 'string'
      ? `up to ${f.max} code units`
      : f.type === 'flags'
        ? `${f.min}..${f.max}: ${(f.flags ?? []).map((n, i) => `${n} = ${1 << i}`).join(', ')}`
        : `${f.min}..${f.max}`;
  const kindRows = w.kinds.flatMap((k, id) =>
    k.fields.map(
      (f, i) =>
        `| ${i === 0 ? `${id} ${k.name}` : ''} | ${i === 0 ? k.motion : ''} | ${i === 0 ? k.lifetimeTicks || '-' : ''} | ${i + 2} | ${f.name} | ${f.type} | ${range(f)} | ${f.sync} | ${f.group ?? '-'} |`,
    ),
  );
  const groups = w.groups.map(
    (g) =>
      `| ${g.bit} | ${1 << g.bit} | ${g.name} | ${g.fields.join(', ')} | ${w.kinds
        .filter((k) => k.fields.some((f) => f.group === g.name))
        .map((k) => k.name)
        .join(', ')} |`,
  );
  const input = w.input.map(
    (f, i) => `| ${i + 3} | ${f.name} | ${f.type} | ${range(f)} | ${f.default} |`,
  );
  const constants = Object.entries(w.constants).map(([n, v]) => `| ${n} | ${v} |`);
  return [
    `Game \`${w.game}\`, fingerprint **${schema.fingerprint}** (\`0x${schema.fingerprint.toString(16).padStart(8, '0')}\`).`,
    '',
    '| kind id, name | motion | lifetimeTicks | record index | field | type | range | sync | group |',
    '| --- | --- | ---: | ---: | --- | --- | --- | --- | --- |',
    ...kindRows,
    '',
    '| bit | mask | group | fields, in update order | kinds that have it |',
    '| ---: | ---: | --- | --- | --- |',
    ...groups,
    '',
    '| Input index | input field | type | range | default |',
    '| ---: | --- | --- | --- | ---: |',
    ...input,
    '',
    '| constant | value |',
    '| --- | ---: |',
    ...constants,
  ].join('\n');
}

/** The byte-by-byte reading of one field map of the arena's schema (player.x). */
function fieldMapTable(): string {
  const bytes = encodeMessage(
    { id: MessageId.Welcome, message: findSpec(welcomeSpecs, 'welcome-arena').value },
    null,
  );
  const frame = parse(bytes, 0);
  const schemaNode = item(frame, 12);
  const kinds = item(schemaNode, 3);
  const player = item(kinds, 0);
  const fields = item(player, 7);
  const x = item(fields, 0);
  const a = new Annotator(bytes);
  a.add(x, `a map of ${x.items.length / 2} keys`);
  for (let i = 0; i < x.items.length; i += 2) {
    a.add(item(x, i), 'key');
    a.add(item(x, i + 1), `value of ${show(item(x, i).value)}`);
  }
  return table(a.rows);
}

function hex32(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

/** Every step of three entities' hashes at tick 100 (the full snapshot of section 11.3). */
function checksumSteps(): string {
  const pick = (id: number): EntityRecord => {
    const e = documentedFull.entered.find((x) => x.id === id);
    if (!e) throw new Error(`no entity ${id}`);
    return e;
  };
  const block = (id: number, title: string): string => {
    const e = pick(id);
    const steps = entityHashSteps(arenaSchema, documentedFull.tick, e);
    const lines = steps.map((s) => `${s.what.padEnd(24)} -> ${hex32(s.h)}`);
    const last = steps[steps.length - 1];
    return `${title}:\n\n\`\`\`\nh = 0x811c9dc5\n${lines.join('\n')} = ${last?.h}\n\`\`\``;
  };
  const record = (e: EntityRecord): string => {
    const kind = arenaSchema.kindByName.get(e.kind);
    if (!kind) throw new Error('kind');
    const values = [e.id, kind.id, ...kind.fields.map((f) => e[f.name] as number | string)];
    if (kind.lifetimeTicks > 0) values.push(e.ticksLeft as number);
    return `[${values.map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v))).join(', ')}]`;
  };
  return [
    block(300, `Pellet \`${record(pick(300))}\``),
    block(1001, `Player \`${record(pick(1001))}\` (the name is not hashed)`),
    block(
      1200,
      `Projectile \`${record(pick(1200))}\` at tick 100: ticksLeft 6, so expiresTick = 106 is mixed in last`,
    ),
  ].join('\n\n');
}

/** The view after applying a snapshot of the example, with each entity's hash, and their sum. */
function viewTable(chain: Snapshot[]): string {
  const replica = new Replica({ schema: arenaSchema, ...WORLD });
  let view = replica.apply(chain[0] as Snapshot);
  for (const s of chain.slice(1)) view = replica.apply(s);
  const last = chain[chain.length - 1] as Snapshot;
  const rows = [...view.entities.values()].map((e) => {
    const kind = arenaSchema.kindByName.get(e.kind);
    if (!kind) throw new Error('kind');
    const values = [e.id, kind.id, ...kind.fields.map((f) => e[f.name] as number | string)];
    if (kind.lifetimeTicks > 0) values.push(e.ticksLeft as number);
    const text = values
      .map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v)))
      .join(', ');
    return `| ${e.id} ${e.kind} | \`[${text}]\` | \`${hex32(entityHashOf(arenaSchema, last.tick, e))}\` |`;
  });
  return [
    '| entity | record at this tick | entityHash |',
    '| --- | --- | --- |',
    ...rows,
    '',
    `Sum mod 2^32: \`${hex32(last.checksum ?? 0)}\` = ${last.checksum} = the checksum.`,
  ].join('\n');
}

export const docBlocks: Record<string, () => string> = {
  'hello-resume': () =>
    specBlock(helloSpecs, 'hello-resume-token-string', (m) => ({
      id: MessageId.Hello,
      message: m,
    })),
  'hello-v2': () => specBlock(helloSpecs, 'hello-v2', (m) => ({ id: MessageId.Hello, message: m })),
  'hello-v4-spectate': () =>
    specBlock(helloSpecs, 'hello-v4-spectate-summary', (m) => ({
      id: MessageId.Hello,
      message: m,
    })),
  'watch-free': () =>
    specBlock(watchSpecs, 'watch-free', (m) => ({ id: MessageId.Watch, message: m })),
  'watch-follow': () =>
    specBlock(watchSpecs, 'watch-follow', (m) => ({ id: MessageId.Watch, message: m })),
  summary: () =>
    specBlock(summarySpecs, 'summary-arena', (m) => ({ id: MessageId.Summary, message: m })),
  'input-stand-still-fire': () =>
    specBlock(inputSpecs, 'input-arena-stand-still-fire', (m) => ({
      id: MessageId.Input,
      message: m,
    })),
  ping: () => specBlock(pingSpecs, 'ping-int', (m) => ({ id: MessageId.Ping, message: m })),
  resync: () =>
    specBlock(resyncSpecs, 'resync-basic', (m) => ({ id: MessageId.Resync, message: m })),
  pong: () => specBlock(pongSpecs, 'pong-basic', (m) => ({ id: MessageId.Pong, message: m })),
  kick: () =>
    specBlock(kickSpecs, 'kick-rate-limited', (m) => ({ id: MessageId.Kick, message: m })),
  'arena-schema': () => schemaTables(arenaSchema),
  'schema-field-map': fieldMapTable,
  'example-hello': () =>
    specBlock(helloSpecs, 'hello-basic', (m) => ({ id: MessageId.Hello, message: m })),
  'example-welcome': () =>
    specBlock(welcomeSpecs, 'welcome-arena', (m) => ({ id: MessageId.Welcome, message: m })),
  'example-full': () =>
    specBlock(snapshotSpecs, 'snapshot-arena-full-documented', (m) => ({
      id: MessageId.Snapshot,
      message: m,
    })),
  'example-view-100': () => viewTable([documentedFull]),
  'example-input': () =>
    specBlock(inputSpecs, 'input-arena-first', (m) => ({ id: MessageId.Input, message: m })),
  'example-delta-101': () =>
    specBlock(snapshotSpecs, 'snapshot-arena-delta-documented', (m) => ({
      id: MessageId.Snapshot,
      message: m,
    })),
  'example-view-101': () => viewTable([documentedFull, documentedDelta101]),
  'example-delta-106': () =>
    specBlock(snapshotSpecs, 'snapshot-arena-delta-expiry-documented', (m) => ({
      id: MessageId.Snapshot,
      message: m,
    })),
  'example-view-106': () => viewTable([documentedFull, documentedDelta101, documentedDelta106]),
  'checksum-steps': checksumSteps,
  'match-hello': () =>
    specBlock(helloSpecs, 'hello-seat', (m) => ({ id: MessageId.Hello, message: m })),
};

const DOC = new URL('../../PROTOCOL.md', import.meta.url);
const BLOCK = /<!-- generated:([a-z0-9-]+) -->\n[\s\S]*?<!-- \/generated -->/g;

/** Rewrites every generated block of PROTOCOL.md; returns how many there are. */
export function updateProtocolDoc(): number {
  const text = readFileSync(DOC, 'utf8');
  let count = 0;
  const seen = new Set<string>();
  const next = text.replace(BLOCK, (_, name: string) => {
    const render = docBlocks[name];
    if (!render) throw new Error(`PROTOCOL.md names an unknown generated block ${name}`);
    seen.add(name);
    count++;
    return `<!-- generated:${name} -->\n${render()}\n<!-- /generated -->`;
  });
  const unused = Object.keys(docBlocks).filter((name) => !seen.has(name));
  if (unused.length > 0) throw new Error(`PROTOCOL.md lacks the blocks ${unused.join(', ')}`);
  writeFileSync(DOC, next);
  return count;
}
