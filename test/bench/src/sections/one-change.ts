import type { StartedProxy } from '@flowproxy/testkit';
import type { Figure, Section } from '../report.js';
import { cpuSeconds } from '../proc.js';
import { reconfigure, until200 } from '../proxy-api.js';
import { dist, fmt, fmtDist, type Dist } from '../stats.js';

/** A proxy holding `services` services (half path, half domain), registered in `registerSeconds`. */
export interface ScalePoint {
  readonly proxy: StartedProxy;
  readonly services: number;
  readonly registerSeconds: number;
}

interface ChangeCost {
  readonly ms: Dist;
  readonly cpu: Dist;
  readonly rawMs: number[];
  readonly rawCpu: number[];
}

/** `rounds` changes made by `params(r)`, each until `path(r)` answers 200: time and control-plane CPU. */
async function measure(
  proxy: StartedProxy,
  rounds: number,
  params: (r: number) => Record<string, string>,
  path: (r: number) => string,
): Promise<ChangeCost> {
  const times: number[] = [];
  const cpu: number[] = [];
  const pid = proxy.process.pid;
  for (let r = 0; r < rounds; r++) {
    await new Promise((res) => setTimeout(res, 300));
    const c0 = cpuSeconds(pid);
    const t0 = performance.now();
    const status = await reconfigure(proxy.apiUrl, params(r));
    if (status !== 200) throw new Error(`one-change: ${status}`);
    if (Number.isNaN(await until200(`${proxy.httpUrl}${path(r)}`, { intervalMs: 2, timeoutMs: 60000 })))
      throw new Error(`one-change: ${path(r)} never answered`);
    times.push(performance.now() - t0);
    cpu.push(cpuSeconds(pid) - c0);
  }
  return { ms: dist(times), cpu: dist(cpu), rawMs: times, rawCpu: cpu };
}

const n = (x: number): string => x.toLocaleString('en-US');

/**
 * 6. One change at scale: a new service (new backend: reload) and a path added to an existing
 * service (map entry: runtime API) on proxies holding each number of services; how each grows.
 */
export async function oneChange(
  points: readonly ScalePoint[],
  backendPort: number,
  o: { rounds: number },
): Promise<Section> {
  const figures: Figure[] = [];
  const costs: { point: ScalePoint; reload: ChangeCost; runtime: ChangeCost }[] = [];
  for (const point of points) {
    const upstream = { port: String(backendPort), outboundHostname: '127.0.0.1', replicas: '1' };
    const reload = await measure(
      point.proxy,
      o.rounds,
      (r) => ({ serviceName: `one${r}`, servicePath: `/one${r}/`, ...upstream }),
      (r) => `/one${r}/x`,
    );
    const runtime = await measure(
      point.proxy,
      o.rounds,
      (r) => ({ serviceName: 's1', servicePath: `/s1/,/s1more${r}/`, ...upstream }),
      (r) => `/s1more${r}/x`,
    );
    costs.push({ point, reload, runtime });
    const top = point === points[points.length - 1];
    const at = `at ${n(point.services)} services`;
    figures.push(
      {
        name: `registering ${n(point.services)} services (${n(point.services / 2)} path + ${n(point.services / 2)} domain, 50 concurrent callers) took (s)`,
        value: point.registerSeconds.toFixed(1),
        ...(top ? { target: '< 30', pass: point.registerSeconds < 30 } : {}),
      },
      {
        name: `new service -> routable ${at} (ms)`,
        value: fmtDist(reload.ms, '', 0),
        ...(top ? { target: '< 300', pass: reload.ms.max < 300 } : {}),
        raw: reload.rawMs,
      },
      {
        name: `control-plane CPU for a new service ${at} (s)`,
        value: fmtDist(reload.cpu, '', 2),
        ...(top ? { target: '< 0.2', pass: reload.cpu.max < 0.2 } : {}),
        raw: reload.rawCpu,
      },
      {
        name: `path added to a service -> routable ${at} (ms)`,
        value: fmtDist(runtime.ms, '', 1),
        ...(top ? { target: '< 300', pass: runtime.ms.max < 300 } : {}),
        raw: runtime.rawMs,
      },
      {
        name: `control-plane CPU for a path added ${at} (s)`,
        value: fmtDist(runtime.cpu, '', 3),
        ...(top ? { target: '< 0.2', pass: runtime.cpu.max < 0.2 } : {}),
        raw: runtime.rawCpu,
      },
    );
  }
  const first = costs[0];
  const last = costs[costs.length - 1];
  if (first && last && first !== last) {
    const x = last.point.services / first.point.services;
    const grow = (a: number, b: number): string => `×${fmt(b / a, 1)} for ×${fmt(x, 0)} services`;
    figures.push(
      {
        name: `growth ${n(first.point.services)} -> ${n(last.point.services)}: registering all`,
        value: grow(first.point.registerSeconds, last.point.registerSeconds),
      },
      {
        name: `growth: new service -> routable (median)`,
        value: grow(first.reload.ms.median, last.reload.ms.median),
      },
      {
        name: `growth: control-plane CPU for a new service (median)`,
        value: grow(first.reload.cpu.median, last.reload.cpu.median),
      },
      {
        name: `growth: path added -> routable (median)`,
        value: grow(first.runtime.ms.median, last.runtime.ms.median),
      },
      {
        name: `growth: control-plane CPU for a path added (median)`,
        value: grow(Math.max(first.runtime.cpu.median, 0.01), Math.max(last.runtime.cpu.median, 0.01)),
      },
    );
  }
  return {
    id: 'oneChange',
    title: '6. One change at scale',
    method: `Proxies holding ${points.map((p) => n(p.services)).join(' and ')} services (half path /sI/, half domain dI.bench.test; registered by 50 concurrent callers, each sending a path and a domain service and waiting for both) get, ${o.rounds} rounds each, one new service (a new backend section: HAProxy reloads) and one path added to an existing service (a map entry: runtime API, no reload). CPU = user+system seconds of the control-plane process (/proc/<pid>/stat) across the change; HAProxy's own work (haproxy -c, reload) runs in other processes and is not included. CPU is sampled in clock ticks (10 ms).`,
    figures,
  };
}
