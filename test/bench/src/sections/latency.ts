import type { Dns, StartedProxy } from '@flowproxy/testkit';
import type { Section } from '../report.js';
import { metric, reconfigure, until200 } from '../proxy-api.js';
import { dist, fmtDist, fmtP95 } from '../stats.js';

/** Sends one reconfigure and polls `path` until it answers 200; API time and total time (ms). */
async function timedChange(
  proxy: StartedProxy,
  params: Record<string, string>,
  path: string,
): Promise<{ api: number; route: number }> {
  const t0 = performance.now();
  const status = await reconfigure(proxy.apiUrl, params);
  const t1 = performance.now();
  if (status !== 200) throw new Error(`latency: reconfigure ${params.serviceName} answered ${status}`);
  const rest = await until200(`${proxy.httpUrl}${path}`, { intervalMs: 1 });
  if (Number.isNaN(rest)) throw new Error(`latency: ${path} never answered`);
  return { api: t1 - t0, route: t1 - t0 + rest };
}

/**
 * 3a. Reconfigure latency, proxy alone: notification sent -> route answers 200, through the real DNS
 * path (tasks.<svc> resolved by HAProxy's resolvers from our private DNS). Two kinds of change: a
 * new service (a new backend section: HAProxy reloads) and a path added to a service that exists
 * (a map entry: applied through HAProxy's runtime API, no reload).
 */
export async function reconfigureLatency(
  proxy: StartedProxy,
  dns: Dns,
  records: Record<string, string[]>,
  backendPort: number,
  o: { services: number },
): Promise<Section> {
  const reload = { api: [] as number[], route: [] as number[] };
  const runtime = { api: [] as number[], route: [] as number[] };
  for (let i = 1; i <= o.services; i++) {
    records[`tasks.lat${i}`] = ['127.0.0.1'];
  }
  dns.set(records);
  const svc = (i: number, paths: string): Record<string, string> => ({
    serviceName: `lat${i}`,
    servicePath: paths,
    port: String(backendPort),
    replicas: '1',
  });
  for (let i = 1; i <= o.services; i++) {
    // A trailing slash: `/lat1` would also be a prefix of `/lat10/x` and answer for it.
    const t = await timedChange(proxy, svc(i, `/lat${i}/`), `/lat${i}/x`);
    reload.api.push(t.api);
    reload.route.push(t.route);
  }
  const reloadsBefore = await metric(proxy.apiUrl, 'flowproxy_reloads_total');
  for (let i = 1; i <= o.services; i++) {
    // Let the backend's first DNS answer and health check settle: the change alone is measured.
    await new Promise((r) => setTimeout(r, 20));
    const t = await timedChange(proxy, svc(i, `/lat${i}/,/more${i}/`), `/more${i}/x`);
    runtime.api.push(t.api);
    runtime.route.push(t.route);
  }
  const runtimeReloads = (await metric(proxy.apiUrl, 'flowproxy_reloads_total')) - reloadsBefore;
  const r = dist(reload.route);
  const h = dist(runtime.route);
  return {
    id: 'reconfigureLatency',
    title: '3. Reconfigure latency',
    method: `${o.services} services registered one after another (GET reconfigure as the listener sends it), then a second path added to each of them; each route is polled every 1 ms (a new connection each time) until it answers 200. Backends are found through DNS (tasks.<svc>, HAProxy resolvers, our dnsmasq). A new service needs a new backend section, so HAProxy reloads; a path added to an existing service is a map entry, applied through the runtime API and written to the map file.`,
    figures: [
      {
        name: 'proxy alone, new service (reload): notification -> API answered (ms)',
        value: fmtDist(dist(reload.api), '', 0),
        raw: reload.api,
      },
      {
        name: 'proxy alone, new service (reload): notification -> route 200, p95 (ms)',
        value: fmtP95(r),
        target: '<= 50',
        pass: r.p95 <= 50,
        raw: reload.route,
      },
      {
        name: 'proxy alone, path added to a service (runtime API): notification -> API answered (ms)',
        value: fmtDist(dist(runtime.api), '', 1),
        raw: runtime.api,
      },
      {
        name: 'proxy alone, path added to a service (runtime API): notification -> route 200, p95 (ms)',
        value: `${h.p95.toFixed(1)} (median ${h.median.toFixed(1)}, max ${h.max.toFixed(1)})`,
        target: '<= 10',
        pass: h.p95 <= 10,
        raw: runtime.route,
      },
      {
        name: 'HAProxy reloads during the path additions',
        value: String(runtimeReloads),
        target: '0',
        pass: runtimeReloads === 0,
      },
    ],
  };
}
