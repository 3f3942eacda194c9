// Waiting in tests that drive real sockets and processes (not part of the published package: the
// build excludes src/testing). Tests wait for an event with a deadline, never for a fixed
// wall-clock time; every test workspace imports this file by path.

/** How often waitFor checks its condition. */
const POLL_INTERVAL_MS = 10;

/**
 * Resolves once `condition()` holds, checking it every 10 ms (it may be async, e.g. a request to
 * the server); rejects naming `what` after `timeoutMs`.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}
