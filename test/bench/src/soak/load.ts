import { sleep } from '@flowproxy/testkit';
import { get } from '../../../e2e/support/http.js';

export interface LoadResult {
  readonly requests: number;
  readonly failed: number;
  /** The first failures (time, status or error), for the report. */
  readonly failures: string[];
  readonly slowestMs: number;
  /** Failures grouped into outages (failures less than 2 s apart): start time and length. */
  readonly outages: { readonly at: string; readonly seconds: number; readonly failed: number }[];
}

/** Pure: failure times (ms) -> outages, failures less than `gapMs` apart belonging to one. */
export function outagesOf(times: readonly number[], gapMs = 2000): LoadResult['outages'] {
  const out: { at: string; seconds: number; failed: number }[] = [];
  let first = NaN;
  let last = NaN;
  let n = 0;
  const flush = (): void => {
    if (n > 0) out.push({ at: new Date(first).toISOString(), seconds: (last - first) / 1000, failed: n });
  };
  for (const t of times) {
    if (n > 0 && t - last < gapMs) {
      last = t;
      n++;
      continue;
    }
    flush();
    first = t;
    last = t;
    n = 1;
  }
  flush();
  return out;
}

/**
 * The background loop: sequential GETs (a fresh connection each) to the stable service through
 * the proxy, one every `intervalMs`, until stopped; bounded by `maxRequests` and `maxMs`.
 */
export function backgroundLoad(o: {
  httpPort: number;
  host: string;
  path: string;
  expectServedBy: string;
  intervalMs: number;
  maxRequests: number;
  maxMs: number;
}): { stop(): Promise<LoadResult>; snapshot(): { requests: number; failed: number } } {
  let stopped = false;
  let requests = 0;
  let failed = 0;
  let slowestMs = 0;
  const failures: string[] = [];
  const failedAt: number[] = [];
  const deadline = Date.now() + o.maxMs;
  const fail = (what: string): void => {
    failed++;
    failedAt.push(Date.now());
    if (failures.length < 50) failures.push(`${new Date().toISOString()} ${what}`);
  };
  const loop = (async () => {
    while (!stopped && requests < o.maxRequests && Date.now() < deadline) {
      requests++;
      const t0 = Date.now();
      try {
        const r = await get(o.httpPort, o.path, { host: o.host, timeoutMs: 5000 });
        if (r.status !== 200 || r.headers['x-served-by'] !== o.expectServedBy)
          fail(`${r.status} ${String(r.headers['x-served-by'])}`);
      } catch (e) {
        fail((e as Error).message);
      }
      slowestMs = Math.max(slowestMs, Date.now() - t0);
      await sleep(o.intervalMs);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { requests, failed, failures, slowestMs, outages: outagesOf(failedAt) };
    },
    snapshot: () => ({ requests, failed }),
  };
}
