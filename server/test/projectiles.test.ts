import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NO_DIRECTION,
  directionTowards,
  type Controls,
  type EntityRecord,
} from '@tickwire/protocol';
import { startServer, type ServerProcess } from './support/server-process.js';
import { TestClient, sleep, waitFor } from './support/test-client.js';

// The arena's shots over real WebSockets, as players see them: a shot flies from its shooter,
// the target sees it come, loses hp, dies and comes back; a shot that hits nothing vanishes when
// its time is up, with no message. Every snapshot goes through the real Replica (checksums on).

const FIRE = 1;

/**
 * Each projectile a client was sent in its snapshots from index `from` on, as first sent. (Until
 * the client acknowledges a view that has it, every delta sends it again as entered; ids are
 * reused a few seconds after an entity is gone.)
 */
function projectilesSeen(client: TestClient, from = 0): { tick: number; record: EntityRecord }[] {
  const seen = new Map<number, { tick: number; record: EntityRecord }>();
  for (const s of client.snapshots.slice(from)) {
    for (const record of s.entered) {
      if (record.kind === 'projectile' && !seen.has(record.id)) {
        seen.set(record.id, { tick: s.tick, record });
      }
    }
  }
  return [...seen.values()];
}

/**
 * Sends `controls` every 50 ms, as a real client's input stream does (each Input acknowledges the
 * newest view). Change `controls` to press or release; call stop() when done.
 */
function inputStream(client: TestClient, controls: Controls) {
  const stream = { controls, stop: () => clearInterval(timer) };
  const timer = setInterval(() => client.send(stream.controls), 50);
  return stream;
}

describe('shots that hit (a 500 x 400 world: everyone in range and in view)', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServer({
      args: ['--world', '500x400', '--pellets', '0', '--checksums', '--static', ''],
    });
  });

  afterAll(async () => {
    await server.stop();
  });

  it('the target sees each shot coming, loses 25 hp a hit, and the fourth kills and respawns it', async () => {
    const shooter = new TestClient(server.wsUrl);
    const target = new TestClient(server.wsUrl);
    const a = await shooter.join('shooter');
    const b = await target.join('target');
    await waitFor(() => shooter.entity(b.playerId) !== null, 'the shooter sees the target');
    const targetInputs = inputStream(target, { moveDir: NO_DIRECTION, aim: 0, buttons: 0 });
    const hpOf = (): number => (target.entity(b.playerId)?.hp as number | undefined) ?? -1;
    const scoreOf = (): number => (shooter.entity(a.playerId)?.score as number | undefined) ?? -1;
    const firstSpot = target.positionOf(b.playerId);

    for (let hit = 1; hit <= 4; hit++) {
      const me = shooter.positionOf(a.playerId);
      const them = shooter.positionOf(b.playerId);
      if (!me || !them) throw new Error('players not in view');
      const aim = directionTowards(me.x, me.y, them.x, them.y);
      const from = target.snapshots.length;
      // One press: one shot (then released; the cooldown is a quarter second).
      shooter.input(NO_DIRECTION, aim, FIRE);
      await sleep(60);
      shooter.input(NO_DIRECTION, aim, 0);
      await waitFor(() => projectilesSeen(target, from).length > 0, `shot ${hit} seen`);
      const [seen] = projectilesSeen(target, from);
      // It entered the target's view in the tick it was fired, its whole lifetime ahead.
      expect(seen?.record).toMatchObject({ kind: 'projectile', owner: a.playerId, ticksLeft: 36 });
      const shotId = seen?.record.id as number;
      if (hit < 4) {
        await waitFor(() => hpOf() === 100 - 25 * hit, `hit ${hit}: hp ${100 - 25 * hit}`);
        await waitFor(() => scoreOf() === hit, `hit ${hit}: the shooter's score ${hit}`);
      } else {
        // The kill: full hp again, somewhere else, and 4 + 5 points for the shooter.
        await waitFor(() => scoreOf() === 4 + 5, 'the kill scored');
        await waitFor(() => hpOf() === 100, 'the target respawned');
        expect(target.positionOf(b.playerId)).not.toEqual(firstSpot);
      }
      // The shot that hit is gone.
      await waitFor(() => target.entity(shotId) === null, `shot ${hit} gone`);
      await sleep(300);
    }
    targetInputs.stop();
    // The shooter's replica and the target's agree on both players.
    for (const id of [a.playerId, b.playerId]) {
      expect(shooter.entity(id)).toEqual(target.entity(id));
    }
    expect([shooter.errors, target.errors]).toEqual([[], []]);
    await Promise.all([shooter.close(), target.close()]);
  });
});

describe('a shot that hits nothing (a 2000 x 1500 world)', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServer({
      args: ['--world', '2000x1500', '--pellets', '0', '--checksums', '--static', ''],
    });
  });

  afterAll(async () => {
    await server.stop();
  });

  it('flies for 36 ticks, then leaves every view with no message, and the replicas stay exact', async () => {
    const shooter = new TestClient(server.wsUrl);
    const welcome = await shooter.join('shooter');
    const me = shooter.positionOf(welcome.playerId);
    if (!me) throw new Error('not in own view');
    // Towards the far side: 720 units of flight fit in the world and in the shooter's view.
    const aim = me.x < (2000 * 4) / 2 ? 0 : 128;
    const inputs = inputStream(shooter, { moveDir: NO_DIRECTION, aim, buttons: 0 });
    const fired = await (async () => {
      try {
        await waitFor(() => shooter.snapshots.some((s) => s.baselineTick !== 0), 'deltas');
        // Pressed until the shot is seen, then released.
        inputs.controls = { moveDir: NO_DIRECTION, aim, buttons: FIRE };
        await waitFor(() => projectilesSeen(shooter).length > 0, 'the shot seen');
        inputs.controls = { moveDir: NO_DIRECTION, aim, buttons: 0 };
        const [first] = projectilesSeen(shooter);
        if (!first) throw new Error('no shot');
        const end = first.tick + 36 + 5;
        await waitFor(() => (shooter.replica?.tick ?? 0) >= end, 'past its lifetime');
        return first;
      } finally {
        inputs.stop();
      }
    })();
    expect(fired.record).toMatchObject({ owner: welcome.playerId, ticksLeft: 36, vy: 0 });
    const shotId = fired.record.id;
    const firedAt = fired.tick;
    const expiresAt = firedAt + 36;
    const during = shooter.snapshots.filter((s) => s.tick >= firedAt && s.tick < expiresAt);
    const after = shooter.snapshots.filter((s) => s.tick >= expiresAt);
    expect(during.length).toBeGreaterThan(20);
    expect(after.length).toBeGreaterThan(0);
    // Present until its last tick, then gone; never listed as removed, nor updated: both sides
    // extrapolated it, then dropped it.
    expect(shooter.snapshots.find((s) => s.tick === expiresAt - 1)?.tick).toBe(expiresAt - 1);
    for (const s of shooter.snapshots) {
      expect(s.removed).not.toContain(shotId);
      expect(s.updated.map((u) => u.id)).not.toContain(shotId);
    }
    expect(shooter.entity(shotId)).toBeNull();
    expect(after.every((s) => s.baselineTick !== 0)).toBe(true);
    expect(shooter.errors).toEqual([]);
    await shooter.close();
  });
});
