// PROTOCOL.md against the codec: every hex block in it is a frame the real codec decodes and
// writes back byte for byte, is one of the golden vectors, and has the length its text says; the
// snapshots apply in order with their checksums; and every generated part is what
// test-vectors/doc-examples.ts makes of the current code (`npm run vectors -- --docs`).
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CloseCode,
  LEGACY_SUBPROTOCOLS,
  MessageId,
  PROTOCOL_VERSION,
  Replica,
  SERVED_SUBPROTOCOLS,
  SUBPROTOCOL,
  unpackFrame,
  type CompiledSchema,
} from '@tickwire/protocol';
import { fromHex, readMessageVectorFile, toHex } from '../test-vectors/vector-files.js';
import { decodeFrame, encodeMessage } from '../test-vectors/vector-codec.js';
import { docBlocks } from '../test-vectors/doc-examples.js';

const doc = readFileSync(new URL('../../PROTOCOL.md', import.meta.url), 'utf8');

interface HexBlock {
  /** 1-based line of the opening fence. */
  line: number;
  hex: string;
  /** The length the text before the block gives ("74 bytes:"), if any. */
  statedBytes: number | null;
}

const blocks: HexBlock[] = [...doc.matchAll(/```hex\n([\s\S]*?)```/g)].map((m) => {
  const before = doc.slice(0, m.index);
  const stated = /(\d+) bytes:\s*$/.exec(before);
  return {
    line: before.split('\n').length,
    hex: (m[1] ?? '').replace(/\s+/g, ''),
    statedBytes: stated ? Number(stated[1]) : null,
  };
});

const vectorHexes = new Set(
  readdirSync(new URL('../test-vectors/messages/', import.meta.url))
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => {
      const url = new URL(`../test-vectors/messages/${f}`, import.meta.url);
      const file = readMessageVectorFile(JSON.parse(readFileSync(url, 'utf8')) as unknown, f);
      return file.vectors.map((v) => v.hex);
    }),
);

function messageIdOf(bytes: Uint8Array): number {
  const value = unpackFrame(bytes);
  if (!Array.isArray(value) || typeof value[0] !== 'number') throw new Error('not a frame');
  return value[0];
}

/**
 * Decodes the blocks in document order. Inputs and Snapshots are read with the schema of the
 * nearest Welcome above them, or of the first Welcome of the document.
 */
function decodeAll(): { block: HexBlock; bytes: Uint8Array; schema: CompiledSchema | null }[] {
  let current: CompiledSchema | null = null;
  const firstWelcome = blocks.find((b) => messageIdOf(fromHex(b.hex)) === MessageId.Welcome);
  if (firstWelcome) {
    const m = decodeFrame('server-to-client', fromHex(firstWelcome.hex), null);
    if (m.id === MessageId.Welcome) current = m.message.schema;
  }
  return blocks.map((block) => {
    const bytes = fromHex(block.hex);
    if (messageIdOf(bytes) === MessageId.Welcome) {
      const m = decodeFrame('server-to-client', bytes, null);
      if (m.id === MessageId.Welcome) current = m.message.schema;
    }
    return { block, bytes, schema: current };
  });
}

describe('PROTOCOL.md', () => {
  it(`is version ${PROTOCOL_VERSION}, spoken as ${SUBPROTOCOL}`, () => {
    expect(doc.split('\n')[0]).toBe(`# tickwire wire protocol, version ${PROTOCOL_VERSION}`);
    expect(doc).toContain(`\`${SUBPROTOCOL}\``);
  });

  it('names every subprotocol the server completes an upgrade for, and every close code in section 10', () => {
    for (const subprotocol of [...SERVED_SUBPROTOCOLS, ...LEGACY_SUBPROTOCOLS]) {
      expect(doc).toContain(`\`${subprotocol}\``);
    }
    const section10 = doc.slice(doc.indexOf('\n## 10. Close codes'), doc.indexOf('\n## 11. '));
    for (const [name, code] of Object.entries(CloseCode)) {
      expect(section10, `a row for ${code}`).toContain(`| ${code} | ${name} |`);
    }
  });

  it('documents matchmaking, the seat and draining', () => {
    expect(doc).toContain('\n## 15. Matchmaking (HTTP)\n');
    for (const endpoint of [
      'POST /match/quickplay',
      'POST /match/create',
      'POST /match/join',
      'GET /match/rooms',
    ]) {
      expect(doc).toContain(`\`${endpoint}`);
    }
    expect(doc).toContain('`[1, 3, name, resumeToken, seat]`');
    expect(doc).toContain('`[1, 2, name, resumeToken]`');
  });

  it('prints a frame of every message (a Welcome first of all, to read the others with)', () => {
    const ids = new Set(blocks.map((b) => messageIdOf(fromHex(b.hex))));
    for (const id of Object.values(MessageId))
      expect(ids.has(id), `a frame of message ${id}`).toBe(true);
  });

  for (const { block, bytes, schema } of decodeAll()) {
    it(`hex block at line ${block.line}: decodes, re-encodes byte for byte, is a golden vector`, () => {
      const id = messageIdOf(bytes);
      const direction = id < 64 ? 'client-to-server' : 'server-to-client';
      const m = decodeFrame(direction, bytes, schema);
      expect(toHex(encodeMessage(m, schema))).toBe(block.hex);
      expect(vectorHexes.has(block.hex), 'in protocol/test-vectors/messages').toBe(true);
      if (block.statedBytes !== null) expect(bytes.length).toBe(block.statedBytes);
    });
  }

  it('has snapshots that apply in order, each full one starting a view, with their checksums', () => {
    let replica: Replica | null = null;
    let applied = 0;
    for (const { bytes, schema } of decodeAll()) {
      if (messageIdOf(bytes) !== MessageId.Snapshot || !schema) continue;
      const m = decodeFrame('server-to-client', bytes, schema);
      if (m.id !== MessageId.Snapshot) continue;
      if (m.message.baselineTick === 0 || !replica) {
        replica = new Replica({ schema, worldWidth: 4000, worldHeight: 4000 });
      }
      expect(m.message.checksum).not.toBeNull();
      replica.apply(m.message); // throws on a checksum mismatch
      applied++;
    }
    expect(applied).toBeGreaterThanOrEqual(3);
  });

  for (const [name, render] of Object.entries(docBlocks)) {
    it(`generated block ${name} is up to date`, () => {
      const start = `<!-- generated:${name} -->\n`;
      const at = doc.indexOf(start);
      expect(at, `PROTOCOL.md has the block ${name}`).toBeGreaterThanOrEqual(0);
      const end = doc.indexOf('\n<!-- /generated -->', at);
      expect(doc.slice(at + start.length, end)).toBe(render());
    });
  }
});
