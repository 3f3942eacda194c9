// Decoded messages as the inspector prints them: plain JSON, with the schema's names. Entered
// records are already named ({id, kind, ...fields, ticksLeft?}); an update's positional values
// are named here by the groups of its mask, and the Welcome's schema gets a line of its own.
import {
  MessageId,
  type ClientMessage,
  type CompiledSchema,
  type EntityUpdate,
  type ServerMessage,
  type Welcome,
  type WireSchema,
} from '@tickwire/protocol';

/**
 * An update by group: `{id, mask, motion: {x, y, vx, vy}, hp: 75}`. A group of one field named
 * like its group (the default for a field declared alone) is just that value; any other group
 * is an object of its fields.
 */
export type UpdateJson = { id: number; mask: number } & Record<
  string,
  number | string | Record<string, number | string>
>;

/** The Welcome without its schema, which the Schema line prints (once per schema). */
export type WelcomeJson = Omit<Welcome, 'schema'> & { game: string; schemaFingerprint: number };

/** `{"t","dir":"in","type":"Schema","game","fingerprint","schema"}`, right after a Welcome. */
export interface SchemaLine {
  t: number;
  dir: 'in';
  type: 'Schema';
  game: string;
  /** Welcome.schemaFingerprint: FNV-1a 32 of the schema's msgpack bytes. */
  fingerprint: number;
  /** The schema as the Welcome carries it (PROTOCOL.md, "The schema"). */
  schema: WireSchema;
}

/** Names an update's values by the groups its mask sets, lowest bit first. */
export function updateJson(schema: CompiledSchema, u: EntityUpdate): UpdateJson {
  const json: UpdateJson = { id: u.id, mask: u.mask };
  let v = 0;
  for (const group of schema.groups) {
    if ((u.mask & (1 << group.bit)) === 0) continue;
    const fields = schema.groupFields[group.bit] ?? [];
    const values: Record<string, number | string> = {};
    for (const field of fields) values[field.name] = u.values[v++] as number | string;
    const only = fields[0];
    json[group.name] =
      fields.length === 1 && only?.name === group.name ? (values[only.name] as number) : values;
  }
  return json;
}

export function welcomeJson(welcome: Welcome): WelcomeJson {
  const { schema, ...fields } = welcome;
  return { ...fields, game: schema.game, schemaFingerprint: schema.fingerprint };
}

export function schemaLine(tMs: number, schema: CompiledSchema): SchemaLine {
  return {
    t: tMs,
    dir: 'in',
    type: 'Schema',
    game: schema.game,
    fingerprint: schema.fingerprint,
    schema: schema.wire,
  };
}

/** A decoded message as the `message` of its line. */
export function messageJson(
  m: ServerMessage | ClientMessage,
  schema: CompiledSchema | null,
): object {
  if (m.id === MessageId.Welcome) return welcomeJson(m.message);
  if (m.id === MessageId.Snapshot && schema) {
    const s = m.message;
    return { ...s, updated: s.updated.map((u) => updateJson(schema, u)) };
  }
  return m.message;
}
