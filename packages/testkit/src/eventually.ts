/**
 * Retries `fn` until it returns without throwing, or rethrows its last error after `timeoutMs`.
 * Tests assert with this instead of sleeping; `FLOWPROXY_TIMEOUT_MULTIPLIER` stretches every
 * timeout on slow machines without touching the tests.
 */
export async function eventually<T>(
  fn: () => Promise<T> | T,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const mult = Number(process.env.FLOWPROXY_TIMEOUT_MULTIPLIER ?? '1') || 1;
  const deadline = Date.now() + (opts.timeoutMs ?? 5000) * mult;
  const interval = opts.intervalMs ?? 50;
  let last: unknown;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw last;
    await new Promise((r) => setTimeout(r, interval));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
