import { describe, expect, it } from 'vitest';
import { decodeSummary } from '@tickwire/protocol';
import { DEFAULT_CONFIG } from '../config.js';
import { createGameInstance } from '../game/game-instance.js';
import { compileRanking } from '../game/ranking.js';
import type { GameRanking } from '../game/game.js';
import { testGame, type TestSpec } from '../game/test-game.js';
import type { World } from '../sim/world.js';
import { RoomSummaries } from './room-summary.js';

const config = { ...DEFAULT_CONFIG, pelletCount: 0 };

function room(ranking: GameRanking<TestSpec> | undefined) {
  const instance = createGameInstance({ ...testGame, ...(ranking ? { ranking } : {}) }, config);
  const summaries = new RoomSummaries(instance.world as World, instance.ranking);
  const ship = (name: string, score: number, x = 400, y = 800) =>
    instance.world.spawn(
      'ship',
      { x, y, vx: 0, vy: 0, name, hp: 100, score, heading: 0, label: '' },
      1,
    );
  return { instance, summaries, ship };
}

describe('RoomSummaries', () => {
  it('ranks the declared kind by its score field: top 10, score descending then id ascending', () => {
    const { summaries, ship } = room({ kind: 'ship', score: 'score', label: 'name' });
    const scores = [5, 9, 1, 9, 7, 0, 3, 9, 2, 8, 6, 4, 9];
    const ships = scores.map((score, i) => ship(`s${i}`, score, 100 + i, 200 + i));
    const summary = decodeSummary(summaries.frame(30, 12, 3));
    expect(summary).toMatchObject({ tick: 30, playersOnline: 12, spectators: 3 });
    const expected = ships
      .map((s) => s as NonNullable<typeof s>)
      .sort((a, b) => b.score - a.score || a.id - b.id)
      .slice(0, 10)
      .map((s) => ({ id: s.id, name: s.name, score: s.score, x: s.x, y: s.y }));
    expect(summary.leaders).toEqual(expected);
    expect(summary.leaders).toHaveLength(10);
  });

  it('encodes once per tick, and ranks again at the next', () => {
    const { summaries, ship } = room({ kind: 'ship', score: 'hp' });
    const a = ship('a', 0);
    const first = summaries.frame(30, 1, 0);
    if (a) a.hp = 50;
    expect(summaries.frame(30, 1, 0)).toBe(first);
    const next = decodeSummary(summaries.frame(60, 1, 0));
    // No label declared: names go out empty.
    expect(next.leaders).toEqual([{ id: a?.id, name: '', score: 50, x: 400, y: 800 }]);
  });

  it('sends no leaders for a game that declares no ranking', () => {
    const { summaries, ship } = room(undefined);
    ship('a', 3);
    expect(decodeSummary(summaries.frame(30, 1, 0)).leaders).toEqual([]);
  });

  it('refuses at startup a ranking the schema cannot back', () => {
    const { instance } = room(undefined);
    const schema = instance.schema;
    const bad = (ranking: unknown) => () =>
      compileRanking(ranking as GameRanking<TestSpec>, schema);
    expect(bad({ kind: 'comet', score: 'score' })).toThrow(/no entity kind comet/);
    expect(bad({ kind: 'ship', score: 'name' })).toThrow(/no numeric field name/);
    expect(bad({ kind: 'ship', score: 'mass' })).toThrow(/no numeric field mass/);
    expect(bad({ kind: 'ship', score: 'score', label: 'hp' })).toThrow(/no string field hp/);
  });

  it('types the declaration by the game: fields of the named kind, numbers to rank, strings to label', () => {
    const ok: GameRanking<TestSpec> = { kind: 'ship', score: 'score', label: 'label' };
    const rocks: GameRanking<TestSpec> = { kind: 'rock', score: 'size' };
    // @ts-expect-error a string field cannot be the score
    const byName: GameRanking<TestSpec> = { kind: 'ship', score: 'name' };
    // @ts-expect-error a field of another kind
    const wrongKind: GameRanking<TestSpec> = { kind: 'rock', score: 'score' };
    expect([ok, rocks, byName, wrongKind]).toHaveLength(4);
  });
});
