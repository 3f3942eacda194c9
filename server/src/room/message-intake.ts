import {
  CloseCode,
  MessageId,
  ProtocolError,
  decodeClientMessage,
  encodePong,
  type ClientMessage,
  type Ping,
  type CompiledSchema,
  type Controls,
} from '@tickwire/protocol';
import type { ServerConfig } from '../config.js';
import type { Clock } from '../loop/clock.js';
import type { Kicker } from './kicker.js';
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
  pongSource: PongSource;
}

type FrameLimits = Pick<ServerConfig, 'maxFrameBytes' | 'maxMessagesPerSec'>;

/**
 * The checks every frame passes first, before Hello (rooms/gateway.ts) and after (a room): binary,
 * within maxFrameBytes, within the session's rate limit. False when the session was kicked.
 */
export function admitFrame(
  session: Session,
  frame: Uint8Array,
  isBinary: boolean,
  config: FrameLimits,
  clock: Clock,
  kicker: Kicker,
): boolean {
  if (!isBinary) {
    kicker.kick(
      session,
      CloseCode.MalformedFrame,
      'text frames are not part of the protocol; send binary msgpack',
    );
    return false;
  }
  if (frame.byteLength > config.maxFrameBytes) {
    kicker.kick(
      session,
      CloseCode.FrameTooLarge,
      `frame of ${frame.byteLength} bytes; the limit is ${config.maxFrameBytes}`,
    );
    return false;
  }
  if (!session.rate.take(clock.nowMs())) {
    kicker.kick(
      session,
      CloseCode.RateLimited,
      `more than ${config.maxMessagesPerSec} messages per second`,
    );
    return false;
  }
  return true;
}

/**
 * Answers a Ping at once, not at the next tick (queueing it would add up to a tick to the RTT),
 * with `clock`'s time and tick: the room's, or before Hello the gateway's.
 */
export function answerPing(session: Session, ping: Ping, clock: PongSource): void {
  session.connection.send(
    encodePong({
      clientTimeMs: ping.clientTimeMs,
      serverTimeMs: clock.serverTimeMs(),
      serverTick: clock.currentTick,
    }),
  );
}

/** Kicks a session whose frame did not decode, with the close code the decoder named. */
export function kickForDecodeError(session: Session, error: unknown, kicker: Kicker): void {
  const code = error instanceof ProtocolError ? error.closeCode : CloseCode.MalformedFrame;
  kicker.kick(session, code, error instanceof Error ? error.message : 'malformed frame');
}

/**
 * What a joined client may send, checked as each frame arrives: binary, within maxFrameBytes and
 * the rate limit, decodable, no second Hello (the gateway checks frames before Hello). Runs
 * inside socket callbacks, so it only decodes, validates and queues on the session (or answers a
 * Ping); it never touches the world.
 */
export class MessageIntake {
  readonly #config: ServerConfig;
  readonly #clock: Clock;
  readonly #schema: CompiledSchema;
  readonly #kicker: Kicker;
  readonly #pongSource: PongSource;
  #messagesReceived = 0;

  constructor(deps: MessageIntakeDeps) {
    this.#config = deps.config;
    this.#clock = deps.clock;
    this.#schema = deps.schema;
    this.#kicker = deps.kicker;
    this.#pongSource = deps.pongSource;
  }

  /** Frames received from open sessions, accepted or not. */
  get messagesReceived(): number {
    return this.#messagesReceived;
  }

  /** One frame from a joined session: queued on the session, answered, or the session is kicked. */
  receive(session: Session, frame: Uint8Array, isBinary: boolean): void {
    this.#messagesReceived++;
    if (!admitFrame(session, frame, isBinary, this.#config, this.#clock, this.#kicker)) return;
    let message: ClientMessage;
    try {
      message = decodeClientMessage(this.#schema, frame, session.protocolVersion);
    } catch (error) {
      kickForDecodeError(session, error, this.#kicker);
      return;
    }
    this.#accept(session, message);
  }

  #accept(session: Session, message: ClientMessage): void {
    switch (message.id) {
      case MessageId.Hello: {
        // The gateway took the first Hello (rooms/gateway.ts): a room only sees a second one.
        this.#kicker.kick(session, CloseCode.HandshakeViolation, 'Hello sent twice');
        return;
      }
      case MessageId.Ping:
        answerPing(session, message.message, this.#pongSource);
        return;
      case MessageId.Input: {
        if (session.isSpectator) {
          this.#kicker.kick(
            session,
            CloseCode.WrongRole,
            'Input from a spectator: it steers nothing; acknowledge snapshots with Watch',
          );
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
        session.hasPendingAck = true;
        return;
      }
      case MessageId.Resync: {
        session.isResyncRequested = true;
        return;
      }
      case MessageId.Watch: {
        if (!session.isSpectator) {
          this.#kicker.kick(
            session,
            CloseCode.WrongRole,
            'Watch from a player: only a spectator (Hello flag spectate) has a camera',
          );
          return;
        }
        const watch = message.message;
        const camera = session.camera;
        camera.followId = watch.followId;
        // Following: the camera stays where it is until the tick finds the entity (x, y unused).
        if (watch.followId === 0) {
          camera.x = watch.x;
          camera.y = watch.y;
        }
        if (watch.ackTick > session.pendingAckTick) session.pendingAckTick = watch.ackTick;
        session.hasPendingAck = true;
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
