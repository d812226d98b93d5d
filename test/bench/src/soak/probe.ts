import { sleep } from '@flowproxy/testkit';
import { get } from '../../../e2e/support/http.js';
import type { SwarmRoute } from './expected.js';

/** The two URLs the demo answers; a route's path set covers one or both. */
export const DEMO_PATHS = ['/demo/hello', '/demo/person'] as const;

/** A route that must be gone: a removed service's or a replaced domain. */
export interface Retired {
  readonly host: string;
  readonly why: string;
}

export interface ProbeResult {
  readonly requests: number;
  readonly mismatches: string[];
}

/** HAProxy matches servicePath by prefix (map_beg): a path set covers a URL when one is its prefix. */
export const covers = (paths: readonly string[], url: string): boolean =>
  paths.some((p) => url.startsWith(p));

const routedAway = (status: number): boolean => status === 503 || status === 404;

/**
 * Real requests through the proxy's host port: every converged service answers on each URL its
 * paths cover with its own X-Served-By (name@generation, so a stale task shows), and 503/404 on
 * the others; every retired host answers 503/404. A request is retried a few times (a task that
 * has just replaced another takes up to `hold valid` to be resolved) before it counts.
 */
export async function probeRoutes(
  httpPort: number,
  routes: readonly SwarmRoute[],
  retired: readonly Retired[],
): Promise<ProbeResult> {
  let requests = 0;
  const mismatches: string[] = [];
  const check = async (
    host: string,
    url: string,
    ok: (status: number, servedBy: string) => boolean,
    want: string,
  ): Promise<void> => {
    let last = '';
    for (let attempt = 0; attempt < 6; attempt++) {
      if (attempt > 0) await sleep(500);
      requests++;
      try {
        const r = await get(httpPort, url, { host, timeoutMs: 5000 });
        const by = String(r.headers['x-served-by'] ?? '');
        if (ok(r.status, by)) return;
        last = `${r.status} ${by}`;
      } catch (e) {
        last = (e as Error).message;
      }
    }
    mismatches.push(`${host}${url}: got ${last}, want ${want}`);
  };
  for (const r of routes) {
    if (!r.converged) continue;
    const host = r.domains[0] ?? '';
    for (const url of DEMO_PATHS) {
      if (covers(r.paths, url))
        await check(host, url, (s, by) => s === 200 && by === r.servedBy, `200 from ${r.servedBy}`);
      else await check(host, url, (s) => routedAway(s), '503/404 (path not routed)');
    }
  }
  for (const r of retired) await check(r.host, DEMO_PATHS[0], (s) => routedAway(s), `503/404 (${r.why})`);
  return { requests, mismatches };
}
