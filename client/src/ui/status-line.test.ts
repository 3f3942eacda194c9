import { describe, expect, it } from 'vitest';
import { HELP_SHOWN_MS, StatusLine } from './status-line.js';

/** The few properties of an element the status line writes. */
function fakeElement(): HTMLElement {
  return { dataset: {}, textContent: '', hidden: false } as unknown as HTMLElement;
}

const url = 'ws://127.0.0.1:1/ws';
const connected = { phase: 'connected', url, playerId: 4, isResumed: false } as const;
const lost = {
  phase: 'closed',
  url,
  closeCode: 1006,
  reason: '',
  hasOpened: true,
  hasJoined: true,
  isClientInitiated: false,
} as const;

describe('StatusLine', () => {
  it('shows the controls for a while after joining, then only who plays', () => {
    const element = fakeElement();
    const line = new StatusLine(element);
    line.setPlayerName('Ada');
    line.show(connected, 1000, 'WASD moves.');
    expect(element.textContent).toBe('Playing as Ada. WASD moves.');
    line.refresh(1000 + HELP_SHOWN_MS - 1, 'WASD moves.');
    expect(element.textContent).toBe('Playing as Ada. WASD moves.');
    line.refresh(1000 + HELP_SHOWN_MS, 'WASD moves.');
    expect(element.textContent).toBe('Playing as Ada.');
    // The device changed (its help would be another): the line stays short.
    line.show(connected, 1000 + HELP_SHOWN_MS + 5, 'Left thumb moves.');
    expect(element.textContent).toBe('Playing as Ada.');
  });

  it('counts down while reconnecting, and shows the controls again once back', () => {
    const element = fakeElement();
    const line = new StatusLine(element);
    line.show(connected, 0, 'Go.');
    line.refresh(HELP_SHOWN_MS, 'Go.');
    const reconnecting = {
      phase: 'reconnecting',
      url,
      attempt: 1,
      retryAtMs: 20_000,
      lost,
      isRematch: false,
      rematchError: null,
    } as const;
    line.show(reconnecting, 18_000, 'Go.');
    expect(element.textContent).toMatch(/Reconnecting in 2\.0 s/);
    line.refresh(19_000, 'Go.');
    expect(element.textContent).toMatch(/Reconnecting in 1\.0 s/);
    line.show({ ...connected, isResumed: true }, 21_000, 'Go.');
    expect(element.textContent).toBe('Reconnected: you are back, where you were. Go.');
  });
});
