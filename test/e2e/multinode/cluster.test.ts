// Multi-node Swarm scenarios on scripts/cluster.sh (three dockerd "nodes" in their own namespaces
// on this machine). Tests run in file order and build on each other like a walkthrough: first one
// manager + two workers (listener on the manager, one proxy per worker), then three managers
// (the listener's manager dies). Each cluster is stopped at the end and nothing may be left behind.
// scripts/test.sh holds /tmp/flowproxy-multinode.lock around this file.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import {
  CLUSTER,
  clusterLeftovers,
  docker,
  eventually,
  killNode,
  nodeDocker,
  sleep,
  startCluster,
  startNode,
  stopCluster,
} from '@flowproxy/testkit';
import {
  MN,
  containersOn,
  createDemo,
  deployStack,
  fromDemo,
  getVia,
  requestLoop,
  runningOn,
  stateHash,
  untilRouted,
} from './support.js';

const SLOW = 300_000;
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
let hostSwarmBefore = '';

async function timed<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  const r = await fn();
  console.log(`${what}: ${secs(Date.now() - t0)}`);
  return r;
}

/** Every proxy in `nodes` reports the same state hash (asserted with a generous timeout). */
async function sameState(nodes: readonly number[], timeoutMs = 30_000): Promise<string> {
  return eventually(
    async () => {
      const hashes = await Promise.all(nodes.map((i) => stateHash(i)));
      if (new Set(hashes).size !== 1) throw new Error(`state hashes differ: ${hashes.join(' ')}`);
      return hashes[0] as string;
    },
    { timeoutMs, intervalMs: 500 },
  );
}

beforeAll(async () => {
  hostSwarmBefore = await docker('info', '--format', '{{.Swarm.NodeID}} {{.Swarm.LocalNodeState}}');
  // A cluster left by an aborted run (or of another size) is replaced, not reused.
  await stopCluster();
}, SLOW);

afterAll(async () => {
  // Normally already stopped by the last test; this covers a failure before it.
  await stopCluster();
}, SLOW);

describe('one manager, one proxy per worker', () => {
  it(
    'the harness starts one manager and two workers, each its own engine',
    async () => {
      console.log(await timed('cluster start (3 nodes)', () => startCluster({ nodes: 3, managers: 1 })));
      const nodes = (
        await nodeDocker(1, 'node', 'ls', '--format', '{{.Hostname}} {{.Status}} {{.ManagerStatus}}')
      )
        .split('\n')
        .map((s) => s.trim())
        .sort();
      expect(nodes).toEqual(['fpn1 Ready Leader', 'fpn2 Ready', 'fpn3 Ready']);
      for (const i of [1, 2, 3]) {
        const info = await nodeDocker(
          i,
          'info',
          '--format',
          '{{.Name}} {{.DockerRootDir}} {{.Swarm.NodeAddr}}',
        );
        expect(info).toBe(
          `${CLUSTER.hostname(i)} /var/lib/flowproxy-cluster/fpn${i}/root ${CLUSTER.addr(i)}`,
        );
      }
      expect(await docker('info', '--format', '{{.Swarm.NodeID}} {{.Swarm.LocalNodeState}}')).toBe(
        hostSwarmBefore,
      );
    },
    SLOW,
  );

  it(
    'start is idempotent: a second start keeps the running cluster',
    async () => {
      const id = await nodeDocker(1, 'info', '--format', '{{.Swarm.Cluster.ID}}');
      await startCluster({ nodes: 3, managers: 1 });
      expect(await nodeDocker(1, 'info', '--format', '{{.Swarm.Cluster.ID}}')).toBe(id);
    },
    SLOW,
  );

  it(
    'runs the listener on the manager and one proxy on each worker',
    async () => {
      await timed('stack + go-demo deployed and routed through both proxies', async () => {
        await deployStack(1, 'worker', 2);
        await createDemo(1, MN.demo, '/demo', 3);
        await untilRouted([2, 3], '/demo/hello', true, 240_000);
      });
      expect(await runningOn(1, MN.listener)).toEqual([1]);
      await eventually(async () => expect(await runningOn(1, MN.proxy)).toEqual([2, 3]), {
        timeoutMs: 60_000,
      });
      expect(await runningOn(1, MN.demo)).toEqual([1, 2, 3]);
    },
    SLOW,
  );

  it(
    'routes through every proxy to every task of a service that runs on every node',
    async () => {
      const tasks = new Set((await Promise.all([1, 2, 3].map((i) => containersOn(i, MN.demo)))).flat());
      expect(tasks.size).toBe(3);
      for (const proxy of [2, 3]) {
        const seen = new Set<string>();
        for (let n = 0; n < 60 && seen.size < tasks.size; n++) {
          const r = await getVia(proxy, '/demo/hello');
          expect(r.status).toBe(200);
          seen.add(String(r.headers['x-served-by']));
        }
        expect([...seen].sort()).toEqual([...tasks].sort());
      }
    },
    SLOW,
  );

  it(
    'a label change reaches every proxy replica (same state hash)',
    async () => {
      const before = await sameState([2, 3]);
      expect(fromDemo(await getVia(2, '/health'))).toBe(false);
      const t0 = Date.now();
      await nodeDocker(
        1,
        'service',
        'update',
        '-d',
        '--label-add',
        'com.df.servicePath=/demo,/health',
        MN.demo,
      );
      const cli = Date.now() - t0;
      // Routed on each replica: measured per proxy from when `service update` returned.
      const routedAfter = await Promise.all(
        [2, 3].map((i) =>
          eventually(
            async () => {
              if (!fromDemo(await getVia(i, '/health', 1000)))
                throw new Error(`fpn${i}: /health not routed yet`);
              return Date.now() - t0 - cli;
            },
            { timeoutMs: 30_000, intervalMs: 20 },
          ),
        ),
      );
      console.log(
        `label change -> routed on every proxy: ${routedAfter.map(secs).join(', ')} after service update returned (it took ${secs(cli)})`,
      );
      const after = await sameState([2, 3]);
      expect(after).not.toBe(before);
    },
    SLOW,
  );

  it(
    'a worker crash under load through the surviving proxy loses no request',
    async () => {
      await untilRouted([2], '/demo/hello');
      let stop = false;
      const load = requestLoop(2, '/demo/hello', {
        workers: 2,
        maxRequests: 5000,
        maxMs: 40_000,
        timeoutMs: 10_000,
        stop: () => stop,
      });
      await sleep(1000);
      const tKill = Date.now();
      await killNode(3);
      // Long enough for the dead task to leave DNS and the health checks (about 6-8 s here).
      await sleep(15_000);
      stop = true;
      const r = await load;
      console.log(
        `node crash under load: ${r.requests} requests, ${r.failed} failed, slowest ${secs(r.slowestMs)} (kill at +1 s, loop ran ${secs(Date.now() - tKill + 1000)})`,
      );
      expect(r.failures).toEqual([]);
      expect(r.requests).toBeGreaterThan(20);
    },
    SLOW,
  );

  it(
    'the crashed node rejoins and its new proxy replica serves only once resynced from the listener',
    async () => {
      // Every HTTP answer fpn3's port 80 gives from the moment the node starts again, until 5 s
      // after its first routed one; refused connections (nothing bound yet) are only counted.
      const answers: string[] = [];
      let refused = 0;
      let firstRoutedAt = 0;
      const watch = (async () => {
        const deadline = Date.now() + 240_000;
        while (Date.now() < deadline && (firstRoutedAt === 0 || Date.now() - firstRoutedAt < 5000)) {
          try {
            const r = await getVia(3, '/demo/hello', 2000);
            // HAProxy's own 503 body tells "no route" from "no server with an address yet".
            answers.push(
              fromDemo(r)
                ? 'routed'
                : `unrouted ${r.status} ${r.body
                    .replace(/<[^>]*>/g, ' ')
                    .trim()
                    .slice(0, 60)}`,
            );
            if (fromDemo(r) && firstRoutedAt === 0) firstRoutedAt = Date.now();
          } catch {
            refused++;
          }
          await sleep(50);
        }
      })();
      await timed('crashed node back and Ready', () => startNode(3));
      await timed('its new proxy replica routing (+5 s watched)', () => watch);
      const unrouted = answers.filter((a) => a !== 'routed');
      console.log(
        `new replica on the rejoined node: ${refused} refused connections, then ${answers.length} answers, ${unrouted.length} not routed (${[...new Set(unrouted)].join(', ') || 'none'})`,
      );
      // HAProxy binds port 80 only once the listener's services are applied (LISTENER_WAIT bounds
      // the wait; the listener is up here): the replica never answers for /demo without routing it.
      expect(firstRoutedAt).toBeGreaterThan(0);
      expect(unrouted).toEqual([]);
      expect(answers.length).toBeGreaterThan(10);
      await eventually(async () => expect(await runningOn(1, MN.proxy)).toEqual([2, 3]), {
        timeoutMs: 60_000,
      });
      expect(await stateHash(3)).toBe(await stateHash(2));
      await untilRouted([3], '/health');
    },
    SLOW,
  );

  it(
    'stop leaves nothing behind',
    async () => {
      await timed('cluster stop', () => stopCluster());
      expect(await clusterLeftovers()).toEqual([]);
    },
    SLOW,
  );
});

describe('three managers', () => {
  it('when the listener manager dies, the listener moves and routes changed meanwhile converge', async () => {
    await timed('cluster start (3 managers)', () => startCluster({ nodes: 3, managers: 3 }));
    await deployStack(1, 'manager', 3);
    await createDemo(1, MN.demo, '/demo', 3);
    await createDemo(1, 'old', '/old', 1);
    await untilRouted([1, 2, 3], '/old/x', true, 240_000);
    const [listenerNode] = await runningOn(1, MN.listener);
    expect(listenerNode).toBeDefined();
    const dead = listenerNode as number;
    const alive = [1, 2, 3].filter((i) => i !== dead);
    const mgr = alive[0] as number;

    const t0 = Date.now();
    await killNode(dead);
    // Managers may be electing a new leader: retry until the Swarm takes the changes.
    await eventually(() => createDemo(mgr, 'new', '/new', 1), { timeoutMs: 120_000, intervalMs: 1000 });
    await eventually(() => nodeDocker(mgr, 'service', 'rm', 'old'), { timeoutMs: 120_000, intervalMs: 1000 });
    console.log(`route changes accepted by the Swarm ${secs(Date.now() - t0)} after the kill`);
    await eventually(
      async () => {
        const on = await runningOn(mgr, MN.listener);
        if (on.length !== 1 || on[0] === dead) throw new Error(`listener on ${on.join(',') || 'no node'}`);
      },
      { timeoutMs: 180_000, intervalMs: 500 },
    );
    console.log(`listener running on another manager ${secs(Date.now() - t0)} after the kill`);
    await untilRouted(alive, '/new/x', true, 180_000);
    await untilRouted(alive, '/old/x', false, 180_000);
    await sameState(alive, 60_000);
    console.log(`routes converged on the surviving proxies ${secs(Date.now() - t0)} after the kill`);
  }, 600_000);

  it(
    'stop leaves nothing behind',
    async () => {
      await timed('cluster stop', () => stopCluster());
      expect(await clusterLeftovers()).toEqual([]);
    },
    SLOW,
  );
});
