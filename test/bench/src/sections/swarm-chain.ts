import { eventually, freePorts } from '@flowproxy/testkit';
import { dk } from '../../../e2e/support/exec.js';
import { get } from '../../../e2e/support/http.js';
import {
  E2E,
  createService,
  deployStack,
  imageRef,
  runningTasks,
  teardown,
} from '../../../e2e/support/swarm.js';
import { until200 } from '../proxy-api.js';
import type { Section } from '../report.js';
import { dist, fmtDist, fmtP95 } from '../stats.js';

/**
 * 3b. The whole chain in the real Swarm, with the e2e harness: the stack from docker-compose.yml
 * (listener + proxy images), then services created one after another with `docker service create`;
 * each is polled through the proxy's host port every 5 ms until it answers 200.
 */
export async function swarmChain(o: { services: number }): Promise<Section> {
  await teardown();
  const [http, https] = await freePorts(2);
  if (http === undefined || https === undefined) throw new Error('no free ports');
  await deployStack({ http, https });
  const names: string[] = [];
  const createTo200: number[] = [];
  const runningTo200: number[] = [];
  const createToRunning: number[] = [];
  try {
    // Ready = the proxy answers on its host port (503 for an unknown route) and is healthy.
    await eventually(
      async () => {
        if ((await runningTasks(E2E.proxy)).length !== 1 || (await runningTasks(E2E.listener)).length !== 1)
          throw new Error('stack not running');
        await get(http, '/');
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    const demo = await imageRef('demo');
    for (let i = 0; i < o.services; i++) {
      const name = `fpbench-chain-${i}`;
      const host = `chain${i}.bench.test`;
      names.push(name);
      const t0 = Date.now();
      await createService(
        name,
        {
          [E2E.notifyLabel]: 'true',
          'com.df.servicePath': '/demo',
          'com.df.serviceDomain': host,
          'com.df.port': '8080',
        },
        demo,
      );
      const waited = await until200(`http://127.0.0.1:${http}/demo/hello`, { host, timeoutMs: 60_000 });
      if (Number.isNaN(waited)) throw new Error(`swarm chain: ${name} never answered`);
      const routed = Date.now();
      const tasks = await runningTasks(name);
      const running = Math.min(
        ...(await Promise.all(
          tasks.map(async (t) => Date.parse(await dk('inspect', '-f', '{{.Status.Timestamp}}', t))),
        )),
      );
      createTo200.push(routed - t0);
      runningTo200.push(routed - running);
      createToRunning.push(running - t0);
    }
  } finally {
    for (const n of names) await dk('service', 'rm', n).catch(() => '');
    await teardown();
  }
  const r = dist(runningTo200);
  return {
    id: 'swarmChain',
    title: '3b. Reconfigure latency, whole chain in the real Swarm',
    method: `The stack from docker-compose.yml (listener + proxy images, e2e harness), then ${o.services} labelled demo services created one after another (docker service create -d); the route is polled through the proxy's host port every 5 ms. "Task running" is Swarm's own timestamp of the task's running state.`,
    figures: [
      {
        name: 'service create -> first task running (ms), Swarm alone',
        value: fmtDist(dist(createToRunning), '', 0),
        raw: createToRunning,
      },
      {
        name: 'service create -> route 200 (ms)',
        value: fmtDist(dist(createTo200), '', 0),
        raw: createTo200,
      },
      {
        name: 'first task running -> route 200, p95 (ms)',
        value: fmtP95(r),
        target: '<= 300',
        pass: r.p95 <= 300,
        raw: runningTo200,
      },
    ],
    notes: [
      'Upstream (Docker Flow Proxy + Swarm Listener) measured on this kind of machine: about 1.0 s from running to routable, 1.6 s median from create (DESIGN.md section 9).',
    ],
  };
}
