import type { StartedProxy } from '@flowproxy/testkit';
import type { Section } from '../report.js';
import { forceReload, metric, reconfigure, remove, until200 } from '../proxy-api.js';
import { wrkUntilStopped } from '../wrk-bg.js';

/**
 * 4. Hitless: a keep-alive client and a new-connection-per-request client load one service while
 * other services are added, changed and removed (100 changes), then during 20 forced reloads.
 */
export async function hitless(
  proxy: StartedProxy,
  backendPort: number,
  o: { changes: number; reloads: number },
): Promise<Section> {
  const svc = (name: string, path: string): Record<string, string> => ({
    serviceName: name,
    servicePath: path,
    port: String(backendPort),
    outboundHostname: '127.0.0.1',
    replicas: '1',
  });
  if ((await reconfigure(proxy.apiUrl, svc('steady', '/steady'))) !== 200)
    throw new Error('hitless: setup failed');
  await until200(`${proxy.httpUrl}/steady/x`);
  const phase = async (
    work: () => Promise<void>,
  ): Promise<{
    ka: Awaited<ReturnType<ReturnType<typeof wrkUntilStopped>['stop']>>;
    close: Awaited<ReturnType<ReturnType<typeof wrkUntilStopped>['stop']>>;
    reloads: number;
  }> => {
    const before = await metric(proxy.apiUrl, 'flowproxy_reloads_total');
    const ka = wrkUntilStopped(`${proxy.httpUrl}/steady/x`, { connections: 50 });
    const close = wrkUntilStopped(`${proxy.httpUrl}/steady/x`, {
      connections: 10,
      headers: ['Connection: close'],
    });
    await new Promise((r) => setTimeout(r, 500));
    await work();
    await new Promise((r) => setTimeout(r, 500));
    const res = { ka: await ka.stop(), close: await close.stop() };
    return { ...res, reloads: (await metric(proxy.apiUrl, 'flowproxy_reloads_total')) - before };
  };
  const changes = await phase(async () => {
    for (let i = 0; i < o.changes; i++) {
      const k = i % 3;
      const n = Math.floor(i / 3);
      const status =
        k === 0
          ? await reconfigure(proxy.apiUrl, svc(`churn${n}`, `/churn${n}`))
          : k === 1
            ? await reconfigure(proxy.apiUrl, svc(`churn${n}`, `/churn${n},/churn${n}b`))
            : await remove(proxy.apiUrl, `churn${n}`);
      if (status !== 200) throw new Error(`hitless: change ${i} got ${status}`);
    }
  });
  const reloads = await phase(async () => {
    for (let i = 0; i < o.reloads; i++) {
      const status = await forceReload(proxy.apiUrl);
      if (status !== 200) throw new Error(`hitless: reload ${i} got ${status}`);
    }
  });
  const figs = (label: string, p: typeof changes): Section['figures'] => [
    { name: `${label}: HAProxy reloads during the phase`, value: String(p.reloads) },
    {
      name: `${label}: keep-alive client (50 conns) failed requests`,
      value: `${p.ka.socketErrors + p.ka.non2xx} of ${p.ka.requests}`,
      target: '0',
      pass: p.ka.socketErrors + p.ka.non2xx === 0,
      raw: p.ka,
    },
    {
      name: `${label}: new connection per request (10 conns) failed requests`,
      value: `${p.close.socketErrors + p.close.non2xx} of ${p.close.requests}`,
      target: '0',
      pass: p.close.socketErrors + p.close.non2xx === 0,
      raw: p.close,
    },
  ];
  return {
    id: 'hitless',
    title: '4. Hitless reconfiguration',
    method: `wrk keep-alive (-c50) and wrk with "Connection: close" (-c10) on one route while ${o.changes} changes of other services (add, label change, remove; each waits for its 200) and then ${o.reloads} forced reloads (GET reload). Failed = socket errors (connect, read, write, timeout) + non-2xx.`,
    figures: [
      ...figs(`${o.changes} reconfigurations`, changes),
      ...figs(`${o.reloads} forced reloads`, reloads),
    ],
  };
}
