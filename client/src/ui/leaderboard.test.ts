import { describe, expect, it } from 'vitest';
import { leaderRows, onlineText } from './leaderboard.js';

const summary = {
  tick: 30,
  playersOnline: 12,
  spectators: 0,
  leaders: [
    { id: 7, name: 'Ada', score: 42, x: 0, y: 0 },
    { id: 3, name: '', score: 9, x: 0, y: 0 },
  ],
};

describe('leaderboard', () => {
  it('ranks the leaders in the order the server sent, marking the own one', () => {
    expect(leaderRows(summary, 3)).toEqual([
      { rank: 1, name: 'Ada', score: 42, isSelf: false },
      { rank: 2, name: '(no name)', score: 9, isSelf: true },
    ]);
    expect(leaderRows(summary, null).some((row) => row.isSelf)).toBe(false);
  });

  it('says how many play, and how many watch when some do', () => {
    expect(onlineText(summary)).toBe('12 playing');
    expect(onlineText({ ...summary, spectators: 2 })).toBe('12 playing · 2 watching');
  });
});
