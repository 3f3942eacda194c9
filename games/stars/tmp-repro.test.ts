import { it } from 'vitest';
import { ReplicaPeer, createTestRoom } from '../../server/src/room/test-support.js';
import { stars } from './server.js';

it('repro', () => {
  const { room, clock } = createTestRoom(stars, {
    checksums: true,
    worldWidth: 1200,
    worldHeight: 800,
  });
  const bot = new ReplicaPeer(room);
  bot.hello('bot');
  const late: ReplicaPeer[] = [];
  let down = false;
  for (let tick = 1; tick < 5000; tick++) {
    if (tick % 400 === 0) {
      const p = new ReplicaPeer(room);
      p.hello('late');
      late.push(p);
    }
    clock.spend(34);
    room.tick(tick);
    for (const p of [bot, ...late]) {
      try {
        p.read();
      } catch (e) {
        console.log('tick', tick, p === bot ? 'bot' : 'late' + late.indexOf(p), String(e));
        throw e;
      }
    }
    for (const p of late)
      if (p.welcome) p.input({}, Math.max(1, (p.replica?.tick ?? 1) - (tick % 7)));
    const self = bot.entity(bot.playerId);
    if (!self || !bot.replica?.latest) continue;
    let best: { x: number; y: number } | null = null;
    let bd = Infinity;
    for (const e of bot.replica.latest.entities.values()) {
      if (e.kind !== 'star') continue;
      const d =
        ((e.x as number) - (self.x as number)) ** 2 + ((e.y as number) - (self.y as number)) ** 2;
      if (d < bd) {
        bd = d;
        best = { x: e.x as number, y: e.y as number };
      }
    }
    if (!best) continue;
    const click = bd < 80 * 80 && !down;
    down = click;

    bot.input({ targetX: best.x, targetY: best.y, buttons: 2 | (click ? 1 : 0) });
  }
  console.log(
    'score',
    bot.entity(bot.playerId)?.score,
    late.map((p) => p.playerId),
  );
});
