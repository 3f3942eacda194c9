import { readFileSync } from 'node:fs';

/**
 * Descriptors the server needs beyond one per connection: the listen sockets, epoll, stdio,
 * the accept guard's reserve and whatever libuv and V8 keep open (about 30 at rest).
 */
export const DESCRIPTOR_MARGIN = 64;

/** The soft limit on open files (`ulimit -n`, RLIMIT_NOFILE) and its hard ceiling. */
export interface DescriptorLimit {
  soft: number;
  hard: number;
}

/**
 * The process's descriptor limit, from /proc/self/limits (Linux; Node has no getrlimit). null
 * where that file does not exist or cannot be read; Infinity for "unlimited".
 */
export function readDescriptorLimit(limitsText?: string): DescriptorLimit | null {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return null;
    }
  }
  const match = /^Max open files\s+(\S+)\s+(\S+)/m.exec(text);
  if (!match) return null;
  const value = (field: string): number =>
    field === 'unlimited' ? Number.POSITIVE_INFINITY : Number(field);
  return { soft: value(match[1] as string), hard: value(match[2] as string) };
}

/**
 * The startup warning when `--max-connections` cannot be reached before the descriptors run out
 * (the process then stops accepting until some close: see accept-guard.ts), or null.
 */
export function descriptorLimitWarning(
  limit: DescriptorLimit | null,
  maxConnections: number,
): { message: string; fields: Record<string, unknown> } | null {
  if (!limit) return null;
  const needed = maxConnections + DESCRIPTOR_MARGIN;
  if (limit.soft >= needed) return null;
  return {
    message:
      'the file descriptor limit is below --max-connections: the server will stop accepting ' +
      'connections at the limit, before the cap',
    fields: {
      descriptorLimit: limit.soft,
      hardLimit: Number.isFinite(limit.hard) ? limit.hard : 'unlimited',
      maxConnections,
      needed,
      fix: `raise the limit (ulimit -n ${needed}, or LimitNOFILE=${needed} under systemd) or lower --max-connections to ${Math.max(1, limit.soft - DESCRIPTOR_MARGIN)}`,
    },
  };
}
