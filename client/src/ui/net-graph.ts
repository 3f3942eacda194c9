import type { LinkConditions } from '@tickwire/protocol';

/** Everything the net graph shows, measured over the last second. */
export interface NetGraphData {
  fps: number;
  /** Mean time between frames, ms. */
  frameMs: number;
  rttMs: number;
  rttJitterMs: number;
  kbInPerSecond: number;
  kbOutPerSecond: number;
  snapshotsPerSecond: number;
  /** The server's tick rate, and the rate it sends snapshots at (null until known). */
  tickHz: number;
  sendHz: number | null;
  snapshotJitterMs: number;
  interpolationDelayMs: number;
  /** World units: newest, and largest over the last second. */
  predictionErrorLast: number;
  predictionErrorMax: number;
  predictionLeadMs: number;
  reconnects: number;
  phase: string;
  /** The ?latency= simulation on this page, if any. */
  simulated: LinkConditions | null;
}

/** The net graph's text, one figure per line. */
export function netGraphLines(d: NetGraphData): string[] {
  const lines = [
    `fps        ${d.fps.toFixed(0).padStart(6)}   (${d.frameMs.toFixed(1)} ms/frame)`,
    `rtt        ${d.rttMs.toFixed(0).padStart(6)} ms ± ${d.rttJitterMs.toFixed(0)}`,
    `in         ${d.kbInPerSecond.toFixed(1).padStart(6)} KB/s`,
    `out        ${d.kbOutPerSecond.toFixed(1).padStart(6)} KB/s`,
    `snapshots  ${d.snapshotsPerSecond.toFixed(0).padStart(6)} /s  jitter ${d.snapshotJitterMs.toFixed(1)} ms`,
    `send rate  ${sendRateText(d.sendHz).padStart(6)} Hz  (tick ${d.tickHz} Hz${ticksPerSendText(d)})`,
    `interp     ${d.interpolationDelayMs.toFixed(0).padStart(6)} ms behind`,
    `predict    ${d.predictionLeadMs.toFixed(0).padStart(6)} ms ahead`,
    `pred error ${d.predictionErrorLast.toFixed(2).padStart(6)} u  (max ${d.predictionErrorMax.toFixed(2)} in 1 s)`,
    `reconnects ${String(d.reconnects).padStart(6)}   ${d.phase}`,
  ];
  if (d.simulated) {
    const s = d.simulated;
    lines.push(`simulated  +${s.latencyMs} ms ±${s.jitterMs} loss ${s.lossPercent} %`);
  }
  return lines;
}

/** The send rate, to one decimal when it is not whole (tickHz / interval: 66 Hz every 4 ticks). */
function sendRateText(sendHz: number | null): string {
  if (sendHz === null) return '?';
  return Number.isInteger(sendHz) ? String(sendHz) : sendHz.toFixed(1);
}

function ticksPerSendText(d: NetGraphData): string {
  if (d.sendHz === null || d.sendHz === 0) return '';
  const ticks = Math.round(d.tickHz / d.sendHz);
  return ticks === 1 ? ', every tick' : `, every ${ticks} ticks`;
}

/** The net graph overlay: hidden until toggled (the ` key, or ?netgraph=1 in the URL). */
export class NetGraph {
  readonly #element: HTMLElement;

  constructor(element: HTMLElement, isVisible: boolean) {
    this.#element = element;
    this.#element.hidden = !isVisible;
  }

  get isVisible(): boolean {
    return !this.#element.hidden;
  }

  toggle(): void {
    this.#element.hidden = !this.#element.hidden;
  }

  show(data: NetGraphData): void {
    if (this.#element.hidden) return;
    const text = netGraphLines(data).join('\n');
    if (this.#element.textContent !== text) this.#element.textContent = text;
  }
}
