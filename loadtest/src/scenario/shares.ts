/**
 * Which players of a run fall in a share (the verifying players, a storm's victims): index `i`
 * is in `share` (0..1) when `floor((i + 1) * share) > floor(i * share)`, so every run of
 * consecutive indices holds its share, spread evenly, and k6's VUs and the swarm's generators
 * pick the same players by their global index.
 *
 * Plain module: no Node, no k6.
 */
export function isInShare(i: number, share: number): boolean {
  return Math.floor((i + 1) * share) > Math.floor(i * share);
}
