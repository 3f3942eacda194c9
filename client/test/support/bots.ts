import WebSocket from 'ws';
import { connect } from '@tickwire/protocol';
import type { Bot } from '@tickwire/protocol';
import { waitFor } from '../../../protocol/src/testing/wait.js';

/**
 * Players driven from the test process, through the protocol's bot SDK: the real codec, the
 * real replica (checksums verified when the server sends them) and the reconnecting connection.
 * `serverUrl`: the server's http:// address goes through matchmaking (quick play, as the page's
 * main button does, so bot and page share a room); a ws:// URL joins the default room directly.
 */
export async function joinBot(serverUrl: string, name: string, timeoutMs = 10_000): Promise<Bot> {
  const bot = connect(serverUrl, { name, WebSocket });
  await bot.welcomed;
  await waitFor(() => bot.view !== null, `${name} to receive a snapshot`, timeoutMs);
  return bot;
}

/** Position (wire units) of an entity in the bot's view, or null if it is not in view. */
export function positionOf(bot: Bot, id: number): { x: number; y: number } | null {
  const record = bot.view?.entities.get(id);
  if (!record) return null;
  const { x, y } = record;
  return typeof x === 'number' && typeof y === 'number' ? { x, y } : null;
}

/** Snapshots the bot's replica refused as a bug would make it: desyncs and contradictory deltas. */
export function replicaBugs(bot: Bot): number {
  return bot.replicaCounters.checksumMismatches + bot.replicaCounters.invalidDeltas;
}
