// The multi-node harness (scripts/cluster.sh): a Swarm of three dockerd "nodes" in their own
// namespaces on this machine. Tests run in file order and share the cluster; the last one stops
// it and checks that nothing is left behind. scripts/test.sh holds /tmp/flowproxy-multinode.lock.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { CLUSTER, clusterLeftovers, docker, nodeDocker, startCluster, stopCluster } from '@flowproxy/testkit';

const SLOW = 300_000;
let hostSwarmBefore = '';

beforeAll(async () => {
  hostSwarmBefore = await docker('info', '--format', '{{.Swarm.NodeID}} {{.Swarm.LocalNodeState}}');
  // A cluster left by an aborted run (or of another size) is replaced, not reused.
  await stopCluster();
  const t0 = Date.now();
  console.log(await startCluster({ nodes: 3, managers: 1 }));
  console.log(`cluster start: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}, SLOW);

afterAll(async () => {
  // Normally already stopped by the last test; this covers a failure before it.
  await stopCluster();
}, SLOW);

describe('multi-node harness', () => {
  it('starts one manager and two workers, all Ready, each its own engine', async () => {
    const nodes = (
      await nodeDocker(1, 'node', 'ls', '--format', '{{.Hostname}} {{.Status}} {{.ManagerStatus}}')
    )
      .split('\n')
      .sort();
    expect(nodes.map((s) => s.trim())).toEqual(['fpn1 Ready Leader', 'fpn2 Ready', 'fpn3 Ready']);
    for (const i of [1, 2, 3]) {
      const info = await nodeDocker(
        i,
        'info',
        '--format',
        '{{.Name}} {{.DockerRootDir}} {{.Swarm.NodeAddr}}',
      );
      expect(info).toBe(`${CLUSTER.hostname(i)} /var/lib/flowproxy-cluster/fpn${i}/root ${CLUSTER.addr(i)}`);
    }
  });

  it('leaves the host engine and its Swarm as they were', async () => {
    expect(await docker('info', '--format', '{{.Swarm.NodeID}} {{.Swarm.LocalNodeState}}')).toBe(
      hostSwarmBefore,
    );
  });

  it(
    'is idempotent: a second start keeps the running cluster',
    async () => {
      const id = await nodeDocker(1, 'info', '--format', '{{.Swarm.Cluster.ID}}');
      await startCluster({ nodes: 3, managers: 1 });
      expect(await nodeDocker(1, 'info', '--format', '{{.Swarm.Cluster.ID}}')).toBe(id);
    },
    SLOW,
  );

  it(
    'stop leaves nothing behind',
    async () => {
      const t0 = Date.now();
      await stopCluster();
      console.log(`cluster stop: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      expect(await clusterLeftovers()).toEqual([]);
    },
    SLOW,
  );
});
