import { describe, expect, it } from 'vitest';
import { closeErrorMessage } from './websocket.js';

describe('closeErrorMessage', () => {
  it('words a close as gorilla/websocket CloseError does, which k6 hands to error listeners', () => {
    expect(closeErrorMessage(4007, 'the room is full')).toBe(
      'websocket: close 4007: the room is full',
    );
    expect(closeErrorMessage(1006, '')).toBe(
      'websocket: close 1006 (abnormal closure): unexpected EOF',
    );
    expect(closeErrorMessage(1011, '')).toBe('websocket: close 1011 (internal server error)');
  });
});
