import type { Transport } from './deliver.js';

/** Runs `fn` once a slot is free; rejects with the signal's reason if aborted while waiting. */
export type Gate = <T>(fn: () => Promise<T>, signal: AbortSignal) => Promise<T>;

/** At most `max` calls running at once; the others wait in order. */
export function createGate(max: number): Gate {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be an integer >= 1, got ${max}`);
  let active = 0;
  const waiting: Array<() => void> = [];
  const release = (): void => {
    active--;
    waiting.shift()?.();
  };
  const acquire = (signal: AbortSignal): Promise<void> => {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (active < max) {
      active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const start = (): void => {
        signal.removeEventListener('abort', onAbort);
        active++;
        resolve();
      };
      const onAbort = (): void => {
        const i = waiting.indexOf(start);
        if (i >= 0) waiting.splice(i, 1);
        reject(signal.reason);
      };
      waiting.push(start);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  };
  return async (fn, signal) => {
    await acquire(signal);
    try {
      return await fn();
    } finally {
      release();
    }
  };
}

/**
 * At most `max` requests in flight across all notifications; the others wait their turn (an abort
 * while waiting rejects at once, as the transport would). Without it a full resync of 1,000
 * services opens 1,000 sockets at once: ~20 MB of heap in the listener (and as many connections on
 * the proxy) until keep-alive closes them. The limit stays above a typical burst (100 services)
 * so one burst still reaches the proxy together and is applied in a few coalesced reloads.
 */
export function limitConcurrency(transport: Transport, max: number): Transport {
  const gate = createGate(max);
  return (attempt) => gate(() => transport(attempt), attempt.signal);
}
