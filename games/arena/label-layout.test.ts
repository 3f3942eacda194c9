import { describe, expect, it } from 'vitest';
import { layoutLabels, type LabelBox } from './label-layout.js';

const OPTIONS = { gap: 2, maxLift: 80 };
const HEIGHT = 22;

function label(x: number, bottom: number, width = 60, isPinned = false): LabelBox {
  return { x, bottom, width, height: HEIGHT, isPinned, lift: 0, isHidden: false };
}

/** The drawn box of a laid-out label. */
function box(l: LabelBox): { left: number; right: number; top: number; bottom: number } {
  const bottom = l.bottom - l.lift;
  return { left: l.x - l.width / 2, right: l.x + l.width / 2, top: bottom - l.height, bottom };
}

function overlaps(a: LabelBox, b: LabelBox): boolean {
  const p = box(a);
  const q = box(b);
  return p.left < q.right && q.left < p.right && p.top < q.bottom && q.top < p.bottom;
}

function expectNoOverlap(labels: readonly LabelBox[]): void {
  const drawn = labels.filter((l) => !l.isHidden);
  for (let i = 0; i < drawn.length; i++) {
    for (let j = i + 1; j < drawn.length; j++) {
      expect(overlaps(drawn[i] as LabelBox, drawn[j] as LabelBox)).toBe(false);
    }
  }
}

describe('layoutLabels', () => {
  it('leaves labels that do not touch where they are', () => {
    const labels = [label(0, 0), label(100, 0), label(0, 100)];
    layoutLabels([...labels], OPTIONS);
    expect(labels.map((l) => [l.lift, l.isHidden])).toEqual([
      [0, false],
      [0, false],
      [0, false],
    ]);
  });

  it('stacks two overlapping labels, the lower player’s below, with the gap between', () => {
    const upper = label(10, 100);
    const lower = label(0, 110);
    layoutLabels([upper, lower], OPTIONS);
    expect(lower.lift).toBe(0);
    expect(box(upper).bottom).toBe(box(lower).top - OPTIONS.gap);
    expectNoOverlap([upper, lower]);
  });

  it('never moves the own player’s label, even above or below another', () => {
    for (const otherBottom of [90, 100, 110]) {
      const own = label(0, 100, 60, true);
      const other = label(5, otherBottom);
      layoutLabels([other, own], OPTIONS);
      expect(own.lift).toBe(0);
      expect(own.isHidden).toBe(false);
      expectNoOverlap([own, other]);
    }
  });

  it('finds the lowest free place: a gap between two labels that fits', () => {
    const low = label(0, 200);
    const high = label(0, 200 - 3 * (HEIGHT + OPTIONS.gap));
    const middle = label(0, 195);
    layoutLabels([high, low, middle], OPTIONS);
    // Lifted just over `low`, under `high`.
    expect(box(middle).bottom).toBe(box(low).top - OPTIONS.gap);
    expect(high.lift).toBe(0);
    expectNoOverlap([low, middle, high]);
  });

  it('hides the labels of a pile that do not fit under the highest lift, and only those', () => {
    const pile = Array.from({ length: 12 }, (_, i) => label(i, 300 + i * 0.5));
    const own = label(3, 300, 60, true);
    layoutLabels([...pile, own], OPTIONS);
    expectNoOverlap([...pile, own]);
    const shown = pile.filter((l) => !l.isHidden);
    // 22 + 2 per label: the own one and three more up to a lift of 80.
    expect(shown.length).toBe(3);
    for (const l of shown) expect(l.lift).toBeLessThanOrEqual(OPTIONS.maxLift);
    expect(own.isHidden).toBe(false);
  });

  it('is deterministic whatever order the labels come in', () => {
    const make = () =>
      Array.from({ length: 40 }, (_, i) => label((i * 37) % 300, 100 + ((i * 53) % 120), 50));
    const a = make();
    const b = make();
    layoutLabels([...a], OPTIONS);
    layoutLabels([...b].reverse(), OPTIONS);
    expect(a.map((l) => [l.lift, l.isHidden])).toEqual(b.map((l) => [l.lift, l.isHidden]));
    expectNoOverlap(a);
  });

  it('lays out 150 labels in a crowded view without an overlap, frame after frame', () => {
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const labels = Array.from({ length: 150 }, () =>
      label(random() * 1600, random() * 1000, 40 + random() * 80),
    );
    // Its cost per frame is the renderer's to measure (the crowd browser test's frame work),
    // not a wall-clock bound here: this checks that laying out again keeps the layout whole.
    for (let frame = 0; frame < 3; frame++) {
      layoutLabels(labels, OPTIONS);
      expectNoOverlap(labels);
    }
  });
});
