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
 * 2. Route-table scale: three proxies side by side holding 1, 100 and 1,000 path services plus as
 * many domain services; requests match the last (and the first) route; rounds interleave proxies.
 */
export async function routeScale(
  proxies: Record<1 | 100 | 1000, StartedProxy>,
  o: { rounds: number; seconds: number },
): Promise<Section> {
  const targets: { name: string; n: 1 | 100 | 1000; path: string; host?: string }[] = [
    { name: 'path N=1', n: 1, path: '/s1/x' },
    { name: 'path N=100 last', n: 100, path: '/s100/x' },
    { name: 'path N=1000 last', n: 1000, path: '/s1000/x' },
    { name: 'path N=1000 first', n: 1000, path: '/s1/x' },
    { name: 'host N=1', n: 1, path: '/', host: 'd1.bench.test' },
    { name: 'host N=100 last', n: 100, path: '/', host: 'd100.bench.test' },
    { name: 'host N=1000 last', n: 1000, path: '/', host: 'd1000.bench.test' },
  ];
  for (const t of targets) {
    const ms = await until200(`${proxies[t.n].httpUrl}${t.path}`, t.host ? { host: t.host } : {});
    if (Number.isNaN(ms)) throw new Error(`route-scale: ${t.name} never answered 200`);
  }
  const rps = new Map<string, number[]>(targets.map((t) => [t.name, []]));
  for (let r = 0; r < o.rounds; r++) {
    for (const t of r % 2 === 0 ? targets : [...targets].reverse()) {
      const w = await wrk(`${proxies[t.n].httpUrl}${t.path}`, {
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
  for (const [a, b, target] of [
    ['path N=100 last', 'path N=1', undefined],
    ['path N=1000 last', 'path N=1', 0.9],
    ['host N=100 last', 'host N=1', undefined],
    ['host N=1000 last', 'host N=1', 0.9],
  ] as const) {
    const d = ratio(a, b);
    figures.push({
      name: `${a} / ${b}`,
      value: `${fmt(d.median)} [${fmt(d.min)}–${fmt(d.max)}]`,
      ...(target ? { target: `>= ${target}`, pass: d.median >= target } : {}),
      raw: d,
    });
  }
  return {
    id: 'routeScale',
    title: '2. Route-table scale',
    method: `Three proxies side by side with N = 1, 100, 1,000 path services (/sI/) and N domain services (dI.bench.test); wrk -t2 -c64 for ${o.seconds} s per target, ${o.rounds} interleaved rounds; requests match the last route registered.`,
    figures,
  };
}
