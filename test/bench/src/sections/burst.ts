import type { StartedProxy } from '@flowproxy/testkit';
import type { Section } from '../report.js';
import { metric, reconfigure, remove, until200 } from '../proxy-api.js';
import { dist, fmtDist } from '../stats.js';

/** 5. Burst: 100 services notified at once -> time until all are routable, and HAProxy reloads spent. */
export async function burst(
  proxy: StartedProxy,
  backendPort: number,
  o: { services: number; rounds: number },
): Promise<Section> {
  const times: number[] = [];
  const reloads: number[] = [];
  for (let r = 0; r < o.rounds; r++) {
    const names = Array.from({ length: o.services }, (_, i) => `burst${r}x${i}`);
    const before = await metric(proxy.apiUrl, 'flowproxy_reloads_total');
    const t0 = performance.now();
    const statuses = await Promise.all(
      names.map((n) =>
        reconfigure(proxy.apiUrl, {
          serviceName: n,
          servicePath: `/${n}`,
          port: String(backendPort),
          outboundHostname: '127.0.0.1',
          replicas: '1',
        }),
      ),
    );
    if (statuses.some((s) => s !== 200))
      throw new Error(`burst: statuses ${[...new Set(statuses)].join(',')}`);
    const waits = await Promise.all(
      names.map((n) => until200(`${proxy.httpUrl}/${n}/x`, { timeoutMs: 30000, intervalMs: 20 })),
    );
    if (waits.some((w) => Number.isNaN(w))) throw new Error('burst: a route never answered');
    times.push((performance.now() - t0) / 1000);
    reloads.push((await metric(proxy.apiUrl, 'flowproxy_reloads_total')) - before);
    await Promise.all(names.map((n) => remove(proxy.apiUrl, n)));
  }
  const t = dist(times);
  const rl = dist(reloads);
  return {
    id: 'burst',
    title: '5. Notification burst',
    method: `${o.services} reconfigure requests sent at once, ${o.rounds} round(s); all routes polled until 200. Reloads counted from the proxy's flowproxy_reloads_total.`,
    figures: [
      {
        name: `${o.services} services: all routable (s)`,
        value: fmtDist(t),
        target: '< 10',
        pass: t.max < 10,
        raw: times,
      },
      {
        name: 'HAProxy reloads per burst',
        value: fmtDist(rl, '', 0),
        target: '<= 5',
        pass: rl.max <= 5,
        raw: reloads,
      },
    ],
  };
}
