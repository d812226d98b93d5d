import { join } from 'node:path';
import { CLUSTER, REPO_ROOT, eventually, nodeDocker } from '@flowproxy/testkit';
import { run } from '../support/exec.js';
import { get, type HttpResult } from '../support/http.js';

/** The stack as users deploy it: docker-compose.yml + docker-compose.per-node.yml, default names. */
export const MN = {
  stack: 'proxy',
  network: 'proxy',
  proxy: 'proxy_proxy',
  listener: 'proxy_swarm-listener',
  demo: 'go-demo',
} as const;

export const demoLabels = (path: string): Record<string, string> => ({
  'com.df.notify': 'true',
  'com.df.servicePath': path,
  'com.df.port': '8080',
});

/** True when a demo task answered (HAProxy's own answers carry no X-Served-By). */
export const fromDemo = (r: HttpResult): boolean => typeof r.headers['x-served-by'] === 'string';

/** GET through the proxy on node `i` (host-mode port 80 at 10.99.0.i). */
export function getVia(i: number, path: string, timeoutMs = 3000): Promise<HttpResult> {
  return get(80, path, { address: CLUSTER.addr(i), timeoutMs });
}

/** The content-hash tag of a flowproxy image as scripts/cluster.sh loaded it into node `i`. */
export async function nodeImage(i: number, app: 'proxy' | 'swarm-listener' | 'demo'): Promise<string> {
  const hash = await nodeDocker(
    i,
    'image',
    'inspect',
    '-f',
    '{{index .Config.Labels "org.flowproxy.content-hash"}}',
    `flowproxy/${app}:latest`,
  );
  return `flowproxy/${app}:${hash}`;
}

/** `docker stack deploy` through manager `mgr`, one proxy per node of `role`. */
export async function deployStack(mgr: number, role: 'worker' | 'manager', replicas: number): Promise<void> {
  await nodeDocker(mgr, 'network', 'create', '--driver', 'overlay', '--attachable', MN.network);
  await run(
    'docker',
    [
      '-H',
      `unix://${CLUSTER.socket(mgr)}`,
      'stack',
      'deploy',
      '--resolve-image',
      'never',
      '-c',
      join(REPO_ROOT, 'docker-compose.yml'),
      '-c',
      join(REPO_ROOT, 'docker-compose.per-node.yml'),
      MN.stack,
    ],
    {
      env: {
        ...process.env,
        PROXY_IMAGE: await nodeImage(mgr, 'proxy'),
        LISTENER_IMAGE: await nodeImage(mgr, 'swarm-listener'),
        PROXY_REPLICAS: String(replicas),
        PROXY_NODE_ROLE: role,
      },
    },
  );
}

/** A labelled demo service with at most one task per node (dnsrr: no IPVS here). */
export async function createDemo(mgr: number, name: string, path: string, replicas: number): Promise<void> {
  const labels = Object.entries(demoLabels(path)).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
  await nodeDocker(
    mgr,
    'service',
    'create',
    '-d',
    '--no-resolve-image',
    '--name',
    name,
    '--network',
    MN.network,
    '--endpoint-mode',
    'dnsrr',
    '--replicas',
    String(replicas),
    '--replicas-max-per-node',
    '1',
    ...labels,
    await nodeImage(mgr, 'demo'),
  );
}

/** Nodes (numbers) on which the service has a task that should run and does. */
export async function runningOn(mgr: number, service: string): Promise<number[]> {
  const out = await nodeDocker(
    mgr,
    'service',
    'ps',
    service,
    '--filter',
    'desired-state=running',
    '--format',
    '{{.Node}} {{.CurrentState}}',
  );
  return out
    .split('\n')
    .filter((l) => / Running /.test(`${l} `))
    .map((l) => Number(l.replace(/^fpn([0-9]+) .*$/, '$1')))
    .sort();
}

/** Short container ids (= X-Served-By) of the service's running tasks on node `i`. */
export async function containersOn(i: number, service: string): Promise<string[]> {
  const out = await nodeDocker(
    i,
    'ps',
    '-q',
    '--filter',
    `label=com.docker.swarm.service.name=${service}`,
    '--filter',
    'status=running',
  );
  return out ? out.split('\n') : [];
}

/** The proxy replica's state hash on node `i` (X-Flowproxy-State of its API, read from inside). */
export async function stateHash(i: number): Promise<string> {
  const [cid] = await containersOn(i, MN.proxy);
  if (!cid) throw new Error(`no running proxy on fpn${i}`);
  const script =
    "fetch('http://127.0.0.1:8080/v1/docker-flow-proxy/ping').then(r=>console.log(r.headers.get('x-flowproxy-state')))";
  const hash = await nodeDocker(i, 'exec', cid, 'node', '-e', script);
  if (!/^[0-9a-f]{8,}$/.test(hash)) throw new Error(`fpn${i}: no state hash (${hash})`);
  return hash;
}

/** Waits until every proxy in `nodes` routes `path` to a demo task (or, with routed=false, does not). */
export async function untilRouted(
  nodes: readonly number[],
  path: string,
  routed = true,
  timeoutMs = 120_000,
): Promise<void> {
  await eventually(
    async () => {
      for (const i of nodes) {
        const r = await getVia(i, path);
        if (fromDemo(r) !== routed) throw new Error(`fpn${i} ${path}: ${r.status} (want routed=${routed})`);
      }
    },
    { timeoutMs, intervalMs: 200 },
  );
}

export interface LoadResult {
  readonly requests: number;
  readonly failed: number;
  readonly slowestMs: number;
  /** Every request's duration in ms, in completion order. */
  readonly latenciesMs: readonly number[];
  readonly failures: readonly string[];
}

/**
 * Sequential GETs (a fresh connection each) from `workers` loops through node `i` until `stop()`
 * says so; bounded by `maxRequests` and `maxMs` whatever happens.
 */
export async function requestLoop(
  i: number,
  path: string,
  opts: { workers: number; maxRequests: number; maxMs: number; timeoutMs: number; stop: () => boolean },
): Promise<LoadResult> {
  const deadline = Date.now() + opts.maxMs;
  let requests = 0;
  const latenciesMs: number[] = [];
  const failures: string[] = [];
  const worker = async (): Promise<void> => {
    while (!opts.stop() && Date.now() < deadline && requests < opts.maxRequests) {
      requests++;
      const t0 = Date.now();
      try {
        const r = await getVia(i, path, opts.timeoutMs);
        if (r.status !== 200 || !fromDemo(r)) failures.push(`${new Date().toISOString()} ${r.status}`);
      } catch (e) {
        failures.push(`${new Date().toISOString()} ${(e as Error).message}`);
      }
      latenciesMs.push(Date.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: opts.workers }, worker));
  const slowestMs = latenciesMs.reduce((a, b) => Math.max(a, b), 0);
  return { requests, failed: failures.length, slowestMs, latenciesMs, failures };
}
