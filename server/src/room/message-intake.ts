import {
  CloseCode,
  MessageId,
  ProtocolError,
  SUPPORTED_PROTOCOL_VERSIONS,
  decodeClientMessage,
  encodePong,
  type ClientMessage,
  type CompiledSchema,
  type Controls,
} from '@tickwire/protocol';
import type { ServerConfig } from '../config.js';
import type { Clock } from '../loop/clock.js';
import type { Kicker } from './kicker.js';
import type { Membership } from './membership.js';
import type { Session } from './session.js';

/** The room's clock and tick, as a Pong reports them. */
export interface PongSource {
  serverTimeMs(): number;
  readonly currentTick: number;
}

export interface MessageIntakeDeps {
  config: ServerConfig;
  clock: Clock;
  schema: CompiledSchema;
  kicker: Kicker;
  /** Where an accepted Hello waits for the tick. */
  membership: Pick<Membership, 'queueJoin'>;
  pongSource: PongSource;
}

/**
 * What a client may send, checked as each frame arrives: binary, within maxFrameBytes and the
 * rate limit, decodable, and in handshake order. Runs inside socket callbacks, so it only
 * decodes, validates and queues on the session (or answers a Ping); it never touches the world.
 */
export class MessageIntake {
  readonly #config: ServerConfig;
  readonly #clock: Clock;
  readonly #schema: CompiledSchema;
  readonly #kicker: Kicker;
  readonly #membership: Pick<Membership, 'queueJoin'>;
  readonly #pongSource: PongSource;
  #messagesReceived = 0;

  constructor(deps: MessageIntakeDeps) {
    this.#config = deps.config;
    this.#clock = deps.clock;
    this.#schema = deps.schema;
    this.#kicker = deps.kicker;
    this.#membership = deps.membership;
    this.#pongSource = deps.pongSource;
  }

  /** Frames received from open sessions, accepted or not. */
  get messagesReceived(): number {
    return this.#messagesReceived;
  }

  /** One frame from an open session: queued on the session, answered, or the session is kicked. */
  receive(session: Session, frame: Uint8Array, isBinary: boolean): void {
    this.#messagesReceived++;
    if (!isBinary) {
      this.#kicker.kick(
        session,
        CloseCode.MalformedFrame,
        'text frames are not part of the protocol; send binary msgpack',
      );
      return;
    }
    if (frame.byteLength > this.#config.maxFrameBytes) {
      this.#kicker.kick(
        session,
        CloseCode.FrameTooLarge,
        `frame of ${frame.byteLength} bytes; the limit is ${this.#config.maxFrameBytes}`,
      );
      return;
    }
    if (!session.rate.take(this.#clock.nowMs())) {
      this.#kicker.kick(
        session,
        CloseCode.RateLimited,
        `more than ${this.#config.maxMessagesPerSec} messages per second`,
      );
      return;
    }
    let message: ClientMessage;
    try {
      message = decodeClientMessage(this.#schema, frame);
    } catch (error) {
      const code = error instanceof ProtocolError ? error.closeCode : CloseCode.MalformedFrame;
      this.#kicker.kick(session, code, error instanceof Error ? error.message : 'malformed frame');
      return;
    }
    this.#accept(session, message);
  }

  #accept(session: Session, message: ClientMessage): void {
    switch (message.id) {
      case MessageId.Hello: {
        if (session.phase !== 'handshake') {
          this.#kicker.kick(session, CloseCode.HandshakeViolation, 'Hello sent twice');
          return;
        }
        const { protocolVersion } = message.message;
        if (!SUPPORTED_PROTOCOL_VERSIONS.includes(protocolVersion)) {
          this.#kicker.kick(
            session,
            CloseCode.UnsupportedVersion,
            `protocol version ${protocolVersion} is not supported; this server speaks ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}`,
          );
          return;
        }
        session.phase = 'joining';
        session.name = message.message.name.trim();
        this.#membership.queueJoin(session, message.message);
        return;
      }
      case MessageId.Ping: {
        // Answered at once, not at the next tick: queueing it would add up to a tick to the RTT.
        session.connection.send(
          encodePong({
            clientTimeMs: message.message.clientTimeMs,
            serverTimeMs: this.#pongSource.serverTimeMs(),
            serverTick: this.#pongSource.currentTick,
          }),
        );
        return;
      }
      case MessageId.Input: {
        if (session.phase === 'handshake') {
          this.#kicker.kick(session, CloseCode.HandshakeViolation, 'Input before Hello');
          return;
        }
        const input = message.message;
        if (input.seq <= session.lastReceivedSeq) {
          this.#kicker.kick(
            session,
            CloseCode.MalformedFrame,
            `Input.seq ${input.seq} does not increase (last ${session.lastReceivedSeq})`,
          );
          return;
        }
        session.lastReceivedSeq = input.seq;
        const pending = session.pendingInput;
        if (pending) this.#keepPresses(pending.controls, input.controls);
        session.pendingInput = input;
        if (input.ackTick > session.pendingAckTick) session.pendingAckTick = input.ackTick;
        return;
      }
      case MessageId.Resync: {
        if (session.phase === 'handshake') {
          this.#kicker.kick(session, CloseCode.HandshakeViolation, 'Resync before Hello');
          return;
        }
        session.isResyncRequested = true;
        return;
      }
    }
  }

  /**
   * Two Inputs in one tick: the tick applies only the newest, but a button pressed in the older
   * one must not be lost (a tap between two Inputs would be). Flags fields are OR-ed into the
   * newer Input, so every press reaches the game's applyInput.
   */
  #keepPresses(older: Readonly<Controls>, newer: Controls): void {
    for (const field of this.#schema.input) {
      if (field.type !== 'flags') continue;
      newer[field.name] = ((newer[field.name] as number) | (older[field.name] as number)) >>> 0;
    }
  }
}
