import { killNode, sleep, startCluster, stopCluster } from '@flowproxy/testkit';
import { MN, createDemo, deployStack, requestLoop, untilRouted } from '../../../e2e/multinode/support.js';
import type { Section } from '../report.js';
import { dist } from '../stats.js';
import { labelConvergence } from './label-convergence.js';

/**
 * 8. Label changes converging on every proxy replica (label-convergence.ts), then a worker crash under load on the multi-node harness (scripts/cluster.sh, 3 nodes): the stack
 * with one proxy per worker and go-demo on every node; two loops of sequential GETs through the
 * proxy on fpn2 while fpn3's dockerd is SIGKILLed (its proxy and go-demo task die with it). The
 * proxy's failover settings are its defaults (TIMEOUT_CONNECT, CHECK_*, RETRIES, REDISPATCH_INTERVAL).
 */
export async function nodeCrash(o: { afterKillMs: number; convergenceRounds?: number }): Promise<Section> {
  await stopCluster();
  try {
    await startCluster({ nodes: 3, managers: 1 });
    await deployStack(1, 'worker', 2);
    await createDemo(1, MN.demo, '/demo', 3);
    await untilRouted([2, 3], '/demo/hello', true, 240_000);
    const convergence = await labelConvergence([2, 3], o.convergenceRounds ?? 10);
    let stop = false;
    const load = requestLoop(2, '/demo/hello', {
      workers: 2,
      maxRequests: 20_000,
      maxMs: o.afterKillMs + 30_000,
      timeoutMs: 10_000,
      stop: () => stop,
    });
    await sleep(1000);
    await killNode(3);
    await sleep(o.afterKillMs);
    stop = true;
    const r = await load;
    const d = dist(r.latenciesMs);
    const over1s = r.latenciesMs.filter((ms) => ms > 1000).length;
    return {
      id: 'nodeCrash',
      title: '8. Node crash under load (multi-node harness)',
      method: `3-node Swarm of this machine (scripts/cluster.sh): listener on the manager, one proxy per worker, go-demo on every node. Label changes: ${o.convergenceRounds ?? 10} rounds, each a new com.df.servicePath of go-demo set with one Engine API call, timed until both proxies route the new path (port 80 polled every 10 ms; their state hashes compared after). Node crash: two loops of sequential GETs (fresh connection each, 10 s client timeout) through the proxy on fpn2 from 1 s before to ${o.afterKillMs / 1000} s after fpn3's dockerd is SIGKILLed (its proxy and go-demo task die with it).`,
      figures: [
        ...convergence.figures,
        { name: 'requests', value: String(r.requests) },
        { name: 'failed requests', value: String(r.failed), target: '0', pass: r.failed === 0 },
        {
          name: 'slowest request (ms)',
          value: String(r.slowestMs),
          target: '<= ~1000 (1100)',
          pass: r.slowestMs <= 1100,
        },
        { name: 'requests slower than 1 s', value: String(over1s) },
        { name: 'p95 / median (ms)', value: `${d.p95.toFixed(0)} / ${d.median.toFixed(0)}` },
      ],
      notes: [...convergence.notes, ...r.failures.slice(0, 5).map((f) => `failure: ${f}`)],
    };
  } finally {
    await stopCluster();
  }
}
