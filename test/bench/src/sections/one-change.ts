import type { StartedProxy } from '@flowproxy/testkit';
import type { Section } from '../report.js';
import { cpuSeconds } from '../proc.js';
import { reconfigure, until200 } from '../proxy-api.js';
import { dist, fmtDist } from '../stats.js';

/** 6. One change at 1,000 services: time until the new route answers, and control-plane CPU for it. */
export async function oneChange(
  proxy: StartedProxy,
  registerSeconds: number,
  backendPort: number,
  o: { rounds: number },
): Promise<Section> {
  const times: number[] = [];
  const cpu: number[] = [];
  const pid = proxy.process.pid;
  for (let r = 0; r < o.rounds; r++) {
    await new Promise((res) => setTimeout(res, 300));
    const c0 = cpuSeconds(pid);
    const t0 = performance.now();
    const status = await reconfigure(proxy.apiUrl, {
      serviceName: `one${r}`,
      servicePath: `/one${r}`,
      port: String(backendPort),
      outboundHostname: '127.0.0.1',
      replicas: '1',
    });
    if (status !== 200) throw new Error(`one-change: ${status}`);
    if (Number.isNaN(await until200(`${proxy.httpUrl}/one${r}/x`, { intervalMs: 2 })))
      throw new Error(`one-change: /one${r} never answered`);
    times.push(performance.now() - t0);
    cpu.push(cpuSeconds(pid) - c0);
  }
  const t = dist(times);
  const c = dist(cpu);
  return {
    id: 'oneChange',
    title: '6. One change at 1,000 services',
    method: `A proxy holding 1,000 path + 1,000 domain services gets one new service, ${o.rounds} rounds. CPU = user+system seconds of the control-plane process (/proc/<pid>/stat) across the change; HAProxy's own work (haproxy -c, reload) runs in child processes and is not included.`,
    figures: [
      {
        name: 'registering 2,000 services (50 concurrent requests) took (s)',
        value: registerSeconds.toFixed(1),
        target: '< 30 (1,000 services)',
        pass: registerSeconds < 30,
      },
      {
        name: 'one change -> routable (ms)',
        value: fmtDist(t, '', 0),
        target: '< 1000',
        pass: t.max < 1000,
        raw: times,
      },
      {
        name: 'control-plane CPU for the change (s)',
        value: fmtDist(c, '', 2),
        target: '< 0.5',
        pass: c.max < 0.5,
        raw: cpu,
      },
    ],
  };
}
