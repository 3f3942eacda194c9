/**
 * The key the per-address limits count under: an IPv4 address as is (also when it arrives
 * IPv4-mapped, `::ffff:a.b.c.d`), an IPv6 address by its /64 (one subscriber is given a whole /64,
 * so counting single IPv6 addresses would let one client pass every per-address cap). Anything
 * else (a test transport's name) is its own key.
 */
export function addressKey(remoteAddress: string): string {
  if (!remoteAddress.includes(':')) return remoteAddress;
  const groups = expandIpv6(remoteAddress.toLowerCase());
  if (!groups) return remoteAddress;
  const isIpv4Mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (isIpv4Mapped) {
    const [high = 0, low = 0] = groups.slice(6);
    return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address in text form, or null when it is not one. */
function expandIpv6(text: string): number[] | null {
  // A dotted IPv4 tail (`::ffff:127.0.0.1`) is written as its two groups first.
  const body = text.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (...match: string[]) => {
    const bytes = match.slice(1, 5).map(Number);
    if (bytes.some((b) => b > 255)) return 'not-an-address';
    const [a = 0, b = 0, c = 0, d = 0] = bytes;
    return `${(a * 256 + b).toString(16)}:${(c * 256 + d).toString(16)}`;
  });
  const halves = body.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (part: string): number[] | null => {
    if (part === '') return [];
    const groups = part.split(':');
    if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
    return groups.map((g) => parseInt(g, 16));
  };
  const head = groupsOf(halves[0] ?? '');
  const rest = groupsOf(halves[1] ?? '');
  if (!head || !rest) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - rest.length;
  if (missing < 1) return null;
  return [...head, ...new Array<number>(missing).fill(0), ...rest];
}
