import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '@tickwire/protocol';
import { arenaServerArgs } from '../src/bench/arena-server-args.js';
import { Fleet } from '../src/bench/fleet.js';
import { startServer, type ServerProcess } from '../../server/src/process/spawn-server.js';

// The bench fleet (ScenarioPlayers on the swarm's socket driver) straight into one server's default
// room: what `npm run bench` relies on beyond fleet-matchmaking.test.ts.

describe('the bench fleet, direct', () => {
  let server: ServerProcess;
  const fleets: Fleet[] = [];

  beforeAll(async () => {
    server = await startServer({ args: [...arenaServerArgs(5), '--max-players', '3'] });
  });
  afterAll(async () => {
    for (const fleet of fleets) await fleet.close();
    await server?.stop();
  });

  it('counts the window of what arrives, verifying clients count entity updates, and nothing goes wrong', async () => {
    const fleet = new Fleet({
      url: server.wsUrl,
      clients: 3,
      inputHz: 20,
      decodingClients: 1,
      seed: 5,
    });
    fleets.push(fleet);
    await fleet.connect(2);
    expect(fleet.joinedClients).toBe(3);
    expect(fleet.decodingClientCount).toBe(1);
    expect(fleet.placements()).toEqual(Array(3).fill({ url: server.wsUrl, roomId: null }));
    fleet.startMeasuring();
    const deadline = performance.now() + 20_000;
    while (fleet.window.snapshots < 3 * 30 && performance.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const window = fleet.stopMeasuring();
    expect(window.snapshots).toBeGreaterThanOrEqual(90);
    expect(window.bytes).toBeGreaterThan(0);
    expect(window.interArrivalMs.length).toBeGreaterThan(80);
    // Only the verifying client decodes: its snapshots carry the records and entity updates.
    expect(window.decodedBytes).toBeGreaterThan(0);
    expect(window.decodedBytes).toBeLessThan(window.bytes);
    expect(window.entityUpdates).toBeGreaterThan(0);
    expect({
      desyncs: fleet.desyncs,
      decodeErrors: fleet.decodeErrors,
      disconnects: fleet.disconnects,
      errors: fleet.errors,
    }).toEqual({ desyncs: 0, decodeErrors: 0, disconnects: 0, errors: [] });
  });

  it('rejects connect when a client cannot join (the room is full), counting the close', async () => {
    const fleet = new Fleet({
      url: server.wsUrl,
      clients: 1,
      inputHz: 20,
      decodingClients: 0,
      seed: 6,
    });
    fleets.push(fleet);
    await expect(fleet.connect()).rejects.toThrow(
      new RegExp(`client 0 did not join: .*closed with ${CloseCode.RoomFull}`),
    );
    expect(fleet.joinedClients).toBe(0);
    expect(fleet.disconnects).toBe(1);
    expect([...fleet.closeCodes]).toEqual([[CloseCode.RoomFull, 1]]);
    await fleet.close();
  });
});
