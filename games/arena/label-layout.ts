// Keeps the name labels of players in view from piling up: players pass through each other (the
// server does not push them apart: that would break the own player's exact prediction, which
// replays only the movement rule), so their labels would overlap. Pure: no PixiJS, tested in Node.

/** One label, in world units (y grows downwards). */
export interface LabelBox {
  /** Centre x of the label, and its bottom edge where it sits unlifted (above its player). */
  x: number;
  bottom: number;
  width: number;
  height: number;
  /** The own player's label: placed first and never moved, so it never jumps. */
  isPinned: boolean;
  /** Out: how far up the label goes to clear the labels placed before it (0: unmoved). */
  lift: number;
  /** Out: no free place within the highest lift (a dense crowd): better not drawn at all. */
  isHidden: boolean;
}

export interface LabelLayoutOptions {
  /** Free space kept between two labels. */
  gap: number;
  /** A label goes up at most this far; one with no room below it is hidden. */
  maxLift: number;
}

/**
 * Lifts labels so that no two drawn ones overlap. The pinned label stays where it is; the others
 * are placed from the lowest on screen up, each at the lowest free place at or above its own,
 * so stacked labels keep their players' top-to-bottom order and a label moves only while
 * another is in its way. Deterministic (ties go to the smaller x): nothing flickers between two
 * answers from one frame to the next. Reorders `labels`. O(n^2) for n labels: placed labels do
 * not overlap, so one is lifted past at most maxLift / height + 1 of them (about 100 labels in a
 * full view: well under a millisecond).
 */
export function layoutLabels(labels: LabelBox[], options: LabelLayoutOptions): void {
  labels.sort(placementOrder);
  const { gap, maxLift } = options;
  let placed = 0;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as LabelBox;
    label.lift = 0;
    label.isHidden = false;
    if (!label.isPinned) {
      // Each pass lifts the label over every label in its way (it overlaps them all until it
      // clears the highest): the lift only grows, so this ends; the bound is a guard.
      for (let pass = 0; pass <= placed; pass++) {
        const top = highestTopInTheWay(labels, placed, label, gap);
        if (top === null) break;
        label.lift = label.bottom - (top - gap);
        if (label.lift > maxLift) {
          label.isHidden = true;
          break;
        }
      }
      if (label.isHidden) continue;
    }
    // The placed labels are kept at the front of the array, hidden ones behind them.
    labels[i] = labels[placed] as LabelBox;
    labels[placed] = label;
    placed++;
  }
}

/** Pinned first, then lowest on screen first, then left first. */
function placementOrder(a: LabelBox, b: LabelBox): number {
  if (a.isPinned !== b.isPinned) return a.isPinned ? -1 : 1;
  return b.bottom - a.bottom || a.x - b.x;
}

/** The smallest top among the first `placed` labels that `label`, lifted as it is, overlaps. */
function highestTopInTheWay(
  labels: readonly LabelBox[],
  placed: number,
  label: LabelBox,
  gap: number,
): number | null {
  const bottom = label.bottom - label.lift;
  const top = bottom - label.height;
  let highest: number | null = null;
  for (let i = 0; i < placed; i++) {
    const other = labels[i] as LabelBox;
    if (Math.abs(other.x - label.x) * 2 >= other.width + label.width + 2 * gap) continue;
    const otherBottom = other.bottom - other.lift;
    const otherTop = otherBottom - other.height;
    if (otherTop >= bottom + gap || otherBottom <= top - gap) continue;
    if (highest === null || otherTop < highest) highest = otherTop;
  }
  return highest;
}
