import type { Dns, StartedProxy } from '@flowproxy/testkit';
import type { Section } from '../report.js';
import { reconfigure, until200 } from '../proxy-api.js';
import { dist, fmtDist, fmtP95 } from '../stats.js';

/**
 * 3a. Reconfigure latency, proxy alone: notification sent -> route answers 200, through the real DNS
 * path (tasks.<svc> resolved by HAProxy's resolvers from our private DNS).
 */
export async function reconfigureLatency(
  proxy: StartedProxy,
  dns: Dns,
  records: Record<string, string[]>,
  backendPort: number,
  o: { services: number },
): Promise<Section> {
  const toRoute: number[] = [];
  const apiAnswer: number[] = [];
  for (let i = 1; i <= o.services; i++) {
    records[`tasks.lat${i}`] = ['127.0.0.1'];
  }
  dns.set(records);
  for (let i = 1; i <= o.services; i++) {
    const t0 = performance.now();
    const status = await reconfigure(proxy.apiUrl, {
      serviceName: `lat${i}`,
      servicePath: `/lat${i}`,
      port: String(backendPort),
      replicas: '1',
    });
    const t1 = performance.now();
    if (status !== 200) throw new Error(`latency: reconfigure ${status}`);
    const rest = await until200(`${proxy.httpUrl}/lat${i}/x`, { intervalMs: 2 });
    if (Number.isNaN(rest)) throw new Error(`latency: /lat${i} never answered`);
    apiAnswer.push(t1 - t0);
    toRoute.push(t1 - t0 + rest);
  }
  const d = dist(toRoute);
  return {
    id: 'reconfigureLatency',
    title: '3. Reconfigure latency',
    method: `${o.services} services registered one after another (GET reconfigure as the listener sends it); the route is polled every 2 ms until it answers 200. Backends are found through DNS (tasks.<svc>, HAProxy resolvers, our dnsmasq).`,
    figures: [
      {
        name: 'proxy alone: notification -> API answered (ms)',
        value: fmtDist(dist(apiAnswer), '', 0),
        raw: apiAnswer,
      },
      {
        name: 'proxy alone: notification -> route 200, p95 (ms)',
        value: fmtP95(d),
        target: '<= 300',
        pass: d.p95 <= 300,
        raw: toRoute,
      },
    ],
  };
}
