import { get } from '../../e2e/support/http.js';

/** Thin client of the proxy API as the listener uses it (GET with a query string). */
export async function reconfigure(apiUrl: string, params: Record<string, string>): Promise<number> {
  const res = await fetch(`${apiUrl}/reconfigure?${new URLSearchParams(params).toString()}`);
  await res.arrayBuffer();
  return res.status;
}

export async function remove(apiUrl: string, serviceName: string): Promise<number> {
  const res = await fetch(`${apiUrl}/remove?serviceName=${encodeURIComponent(serviceName)}`);
  await res.arrayBuffer();
  return res.status;
}

export async function forceReload(apiUrl: string): Promise<number> {
  const res = await fetch(`${apiUrl}/reload`);
  await res.arrayBuffer();
  return res.status;
}

/** Sum of a Prometheus counter/gauge (all label sets matching `filter`). */
export async function metric(apiUrl: string, name: string, filter = ''): Promise<number> {
  const text = await (await fetch(new URL('/metrics', apiUrl))).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(name) && line.includes(filter) && /^[a-z_]+(\{[^}]*\})? /.test(line))
      sum += Number(line.split(' ').pop());
  }
  return sum;
}

/**
 * Polls a loopback URL every `intervalMs` until it answers 200 (a fresh connection each time, with
 * an optional Host header); returns the ms it took, or NaN on timeout.
 */
export async function until200(
  url: string,
  opts: { timeoutMs?: number; intervalMs?: number; host?: string } = {},
): Promise<number> {
  const start = performance.now();
  const deadline = start + (opts.timeoutMs ?? 10000);
  while (performance.now() < deadline) {
    try {
      const { port, pathname, search } = new URL(url);
      const r = await get(Number(port), pathname + search, opts.host ? { host: opts.host } : {});
      if (r.status === 200) return performance.now() - start;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 5));
  }
  return NaN;
}

export function svcParams(name: string, path: string, port: number): Record<string, string> {
  return { serviceName: name, servicePath: path, port: String(port), replicas: '1' };
}
