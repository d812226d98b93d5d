import type { StartedProxy } from '@flowproxy/testkit';
import type { Section } from '../report.js';
import { reconfigure, until200 } from '../proxy-api.js';
import { dist, fmt, fmtDist } from '../stats.js';
import { wrk } from '../wrk.js';

/** Registers path services s1..sN and domain services d1..dN, `concurrency` requests at a time; returns seconds taken. */
export async function register(
  proxy: StartedProxy,
  from: number,
  to: number,
  backendPort: number,
  concurrency = 50,
): Promise<number> {
  const start = performance.now();
  const ids = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  for (let i = 0; i < ids.length; i += concurrency) {
    const chunk = ids.slice(i, i + concurrency);
    const statuses = await Promise.all(
      chunk.flatMap((n) => [
        reconfigure(proxy.apiUrl, {
          serviceName: `s${n}`,
          servicePath: `/s${n}/`,
          port: String(backendPort),
          outboundHostname: '127.0.0.1',
          replicas: '1',
        }),
        reconfigure(proxy.apiUrl, {
          serviceName: `d${n}`,
          serviceDomain: `d${n}.bench.test`,
          port: String(backendPort),
          outboundHostname: '127.0.0.1',
          replicas: '1',
        }),
      ]),
    );
    if (statuses.some((s) => s !== 200)) throw new Error(`register: statuses ${statuses.join(',')}`);
  }
  return (performance.now() - start) / 1000;
}

/**
 * 2. Route-table scale: proxies side by side holding N = 1, 100, 1,000 (and 5,000) path services
 * plus as many domain services; requests match the last (and the first) route; rounds interleave
 * proxies. Each N's throughput is compared with N = 1's in the same round.
 */
export async function routeScale(
  proxies: readonly { readonly n: number; readonly proxy: StartedProxy }[],
  o: { rounds: number; seconds: number },
): Promise<Section> {
  const proxyOf = (n: number): StartedProxy => {
    const p = proxies.find((x) => x.n === n)?.proxy;
    if (!p) throw new Error(`route-scale: no proxy with ${n} routes`);
    return p;
  };
  const sizes = proxies.map((x) => x.n).filter((x) => x > 1);
  const largest = Math.max(...sizes);
  const targets: { name: string; n: number; path: string; host?: string }[] = [
    { name: 'path N=1', n: 1, path: '/s1/x' },
    ...sizes.map((n) => ({ name: `path N=${n} last`, n, path: `/s${n}/x` })),
    { name: `path N=${largest} first`, n: largest, path: '/s1/x' },
    { name: 'host N=1', n: 1, path: '/', host: 'd1.bench.test' },
    ...sizes.map((n) => ({ name: `host N=${n} last`, n, path: '/', host: `d${n}.bench.test` })),
  ];
  for (const t of targets) {
    const ms = await until200(`${proxyOf(t.n).httpUrl}${t.path}`, t.host ? { host: t.host } : {});
    if (Number.isNaN(ms)) throw new Error(`route-scale: ${t.name} never answered 200`);
  }
  const rps = new Map<string, number[]>(targets.map((t) => [t.name, []]));
  for (let r = 0; r < o.rounds; r++) {
    for (const t of r % 2 === 0 ? targets : [...targets].reverse()) {
      const w = await wrk(`${proxyOf(t.n).httpUrl}${t.path}`, {
        connections: 64,
        seconds: o.seconds,
        headers: t.host ? [`Host: ${t.host}`] : [],
      });
      if (w.non2xx > 0) throw new Error(`route-scale: ${t.name} got ${w.non2xx} non-2xx`);
      rps.get(t.name)?.push(w.rps);
    }
  }
  const ratio = (a: string, b: string): ReturnType<typeof dist> =>
    dist((rps.get(a) ?? []).map((v, i) => v / ((rps.get(b) ?? [])[i] ?? NaN)));
  const figures: Section['figures'] = targets.map((t) => ({
    name: `${t.name} rps`,
    value: fmtDist(dist(rps.get(t.name) ?? []), '', 0),
    raw: rps.get(t.name),
  }));
  for (const kind of ['path', 'host'] as const) {
    for (const n of sizes) {
      const a = `${kind} N=${n} last`;
      const b = `${kind} N=1`;
      const d = ratio(a, b);
      const target = n >= 1000 ? 0.9 : undefined;
      figures.push({
        name: `${a} / ${b}`,
        value: `${fmt(d.median)} [${fmt(d.min)}–${fmt(d.max)}]`,
        ...(target ? { target: `>= ${target}`, pass: d.median >= target } : {}),
        raw: d,
      });
    }
  }
  return {
    id: 'routeScale',
    title: '2. Route-table scale',
    method: `Proxies side by side with N = ${proxies.map((x) => x.n.toLocaleString('en-US')).join(', ')} path services (/sI/) and N domain services (dI.bench.test); wrk -t2 -c64 for ${o.seconds} s per target, ${o.rounds} interleaved rounds; requests match the last route registered.`,
    figures,
  };
}
