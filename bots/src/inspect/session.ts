// What the inspector knows about one session: the Welcome's schema, the replica, the last Kick,
// the Resync policy. Fed the same frames, a live session and the replay of its capture print the
// same lines.
import {
  MessageId,
  Replica,
  ReplicaError,
  type CompiledSchema,
  type Kick,
  type Snapshot,
  type Welcome,
} from '@tickwire/protocol';
import {
  decodeFrame,
  frameLine,
  type FrameLine,
  type ReplicaResult,
  type WireFrame,
} from './frame-line.js';
import { schemaLine, type SchemaLine } from './message-json.js';
import { SnapshotSummary, type SnapshotSummaryLine } from './snapshot-summary.js';

/** `{"t","event":"open","url","subprotocol"}`: the WebSocket is open (before Hello). */
export interface OpenLine {
  t: number;
  event: 'open';
  url: string;
  subprotocol: string;
}

/** `{"t","event":"close","closeCode","reason","closedBy","kick"}`: always the last line. */
export interface CloseLine {
  t: number;
  event: 'close';
  /** The close code of the WebSocket close (1006: the connection dropped without a close frame). */
  closeCode: number;
  reason: string;
  /** Who started the close: the inspector (--seconds, Ctrl-C) or the server. */
  closedBy: 'inspector' | 'server';
  /** The last Kick the server sent, which says why it closed; null if none. */
  kick: Kick | null;
}

export type InspectLine = FrameLine | SchemaLine | SnapshotSummaryLine | OpenLine | CloseLine;

export interface SessionOptions {
  /** Raw hex on every frame line. */
  hex: boolean;
  /** One summary line per second instead of a line per snapshot. */
  quietSnapshots: boolean;
}

export interface FrameResult {
  lines: InspectLine[];
  /** Send `Resync [4, resyncTick]` now (a live session does; a replay only prints). */
  resyncTick: number | null;
  /**
   * The frame is a Snapshot or an Input and no Welcome came before it: without the Welcome's
   * schema nothing after it decodes (a replay stops there).
   */
  needsWelcome: boolean;
}

/**
 * While a snapshot cannot be applied, Resync again at most this often: deltas on the missing
 * baseline keep coming until the full snapshot arrives (PROTOCOL.md, "Applying a snapshot", MissingBaseline).
 */
export const RESYNC_RETRY_MS = 1000;

export class InspectorSession {
  readonly #options: SessionOptions;
  readonly #summary = new SnapshotSummary();
  /** Fingerprints of the schemas already printed: each is printed once. */
  readonly #printedSchemas = new Set<number>();
  #schema: CompiledSchema | null = null;
  #lastWelcome: Welcome | null = null;
  #replica: Replica | null = null;
  #kick: Kick | null = null;
  /** When the unanswered Resync was asked for; null when the last snapshot applied. */
  #resyncAtMs: number | null = null;

  constructor(options: SessionOptions) {
    this.#options = options;
  }

  /** The game's schema, from the Welcome; null before it. */
  get schema(): CompiledSchema | null {
    return this.#schema;
  }

  /** The session's Welcome; null before it. */
  get welcome(): Welcome | null {
    return this.#lastWelcome;
  }

  /** The tick to acknowledge: the newest applied snapshot, 0 before the first. */
  get ackTick(): number {
    return this.#replica?.tick ?? 0;
  }

  onOpen(tMs: number, url: string, subprotocol: string): InspectLine[] {
    return [{ t: tMs, event: 'open', url, subprotocol }];
  }

  onFrame(tMs: number, frame: WireFrame): FrameResult {
    const decoding = decodeFrame(frame, this.#schema);
    const needsWelcome = !decoding.ok && decoding.needsWelcome;
    const single = (line: FrameLine): FrameResult => ({
      lines: [line],
      resyncTick: null,
      needsWelcome,
    });
    if (!decoding.ok || frame.dir === 'out') {
      return single(frameLine(tMs, frame, decoding, this.#lineOptions()));
    }
    const m = decoding.decoded;
    if (m.id === MessageId.Welcome) {
      this.#welcome(m.message);
      const lines: InspectLine[] = [frameLine(tMs, frame, decoding, this.#lineOptions())];
      if (!this.#printedSchemas.has(m.message.schema.fingerprint)) {
        this.#printedSchemas.add(m.message.schema.fingerprint);
        lines.push(schemaLine(tMs, m.message.schema));
      }
      return { lines, resyncTick: null, needsWelcome };
    }
    if (m.id === MessageId.Kick) this.#kick = m.message;
    if (m.id !== MessageId.Snapshot) {
      return single(frameLine(tMs, frame, decoding, this.#lineOptions()));
    }
    const { result, resyncTick } = this.#apply(tMs, m.message);
    const line = frameLine(tMs, frame, decoding, { ...this.#lineOptions(), replica: result });
    if (!this.#options.quietSnapshots) return { lines: [line], resyncTick, needsWelcome };
    const lines: InspectLine[] = [];
    const finished = this.#summary.add(tMs, frame.bytes.byteLength, m.message, result);
    if (finished) lines.push(finished);
    // A refused snapshot is the interesting one: it keeps its own line.
    if (!result.applied) lines.push(line);
    return { lines, resyncTick, needsWelcome };
  }

  onClose(
    tMs: number,
    closeCode: number,
    reason: string,
    closedBy: CloseLine['closedBy'],
  ): InspectLine[] {
    const lines: InspectLine[] = this.finish();
    lines.push({ t: tMs, event: 'close', closeCode, reason, closedBy, kick: this.#kick });
    return lines;
  }

  /** Lines still held back (the summary of the second in progress). */
  finish(): InspectLine[] {
    const summary = this.#summary.flush();
    return summary ? [summary] : [];
  }

  #lineOptions(): { hex: boolean; schema: CompiledSchema | null } {
    return { hex: this.#options.hex, schema: this.#schema };
  }

  #welcome(welcome: Welcome): void {
    this.#lastWelcome = welcome;
    this.#schema = welcome.schema;
    this.#replica = new Replica({
      schema: welcome.schema,
      worldWidth: welcome.worldWidth,
      worldHeight: welcome.worldHeight,
    });
    this.#resyncAtMs = null;
  }

  #apply(tMs: number, snapshot: Snapshot): { result: ReplicaResult; resyncTick: number | null } {
    // A Snapshot only decodes with the Welcome's schema, which made the replica.
    if (!this.#replica) throw new Error('InspectorSession: a decoded Snapshot before the Welcome');
    try {
      const view = this.#replica.apply(snapshot);
      this.#resyncAtMs = null;
      const result: ReplicaResult = {
        applied: true,
        tick: view.tick,
        entities: view.entities.count,
        checksum: snapshot.checksum === null ? 'absent' : 'ok',
      };
      return { result, resyncTick: null };
    } catch (error) {
      if (!(error instanceof ReplicaError)) {
        const result = { applied: false as const, error: 'Unexpected', detail: String(error) };
        return { result, resyncTick: null };
      }
      // InvalidDelta and ChecksumMismatch: forget every view, then Resync (PROTOCOL.md, "Applying a snapshot").
      if (error.code !== 'MissingBaseline') this.#replica.reset();
      const result = { applied: false as const, error: error.code, detail: error.message };
      return { result, resyncTick: this.#shouldResync(tMs) ? snapshot.tick : null };
    }
  }

  #shouldResync(tMs: number): boolean {
    if (this.#resyncAtMs !== null && tMs - this.#resyncAtMs < RESYNC_RETRY_MS) return false;
    this.#resyncAtMs = tMs;
    return true;
  }
}
