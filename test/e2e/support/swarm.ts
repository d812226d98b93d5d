import { join } from 'node:path';
import { REPO_ROOT, eventually } from '@flowproxy/testkit';
import { dk, run } from './exec.js';

/** What a stack deployed from docker-compose.yml is called, and the label its listener selects by. */
export interface StackNames {
  readonly stack: string;
  readonly notifyLabel: string;
  readonly network: string;
  readonly proxy: string;
  readonly listener: string;
}

/** The names of a stack `stack` deployed from docker-compose.yml, on its own network and label. */
export function stackNames(stack: string, notifyLabel: string): StackNames {
  return {
    stack,
    notifyLabel,
    network: `${stack}-net`,
    proxy: `${stack}_proxy`,
    listener: `${stack}_swarm-listener`,
  };
}

/**
 * Names of everything the e2e creates, prefixed so nothing collides with the demo (`proxy` stack),
 * and the e2e's own notify label: a listener sees every service in the Swarm, so with the usual
 * com.df.notify the demo's listener would route the e2e's services and the e2e's listener the
 * demo's (both use /demo). The e2e stack's listener selects services by `notifyLabel` instead
 * (DF_NOTIFY_LABEL, the stack file's NOTIFY_LABEL), and the demo never sees them.
 */
export const E2E = {
  stack: 'fpe2e',
  notifyLabel: 'org.flowproxy.e2e.notify',
  network: 'fpe2e-net',
  proxy: 'fpe2e_proxy',
  listener: 'fpe2e_swarm-listener',
  demo: 'fpe2e-go-demo',
  redis: 'fpe2e-redis',
  /** Secret object names; mounted in the proxy under the dfp_* names it reads. */
  secrets: ['fpe2e_stats_user', 'fpe2e_stats_pass', 'fpe2e_users_monitoring'],
} as const;

/** The content-hash tag scripts/build-images.sh gave the current image (rolls out exactly on change). */
export async function imageRef(app: 'proxy' | 'swarm-listener' | 'demo'): Promise<string> {
  const hash = await dk(
    'image',
    'inspect',
    '-f',
    '{{index .Config.Labels "org.flowproxy.content-hash"}}',
    `flowproxy/${app}:latest`,
  );
  if (!hash) throw new Error(`flowproxy/${app}:latest has no content hash: run scripts/build-images.sh`);
  return `flowproxy/${app}:${hash}`;
}

export async function buildImages(): Promise<void> {
  await run('bash', [join(REPO_ROOT, 'scripts', 'build-images.sh')], {
    env: { ...process.env, NO_BUILD: '1' },
  });
}

/**
 * `docker stack deploy` of the real docker-compose.yml under the e2e (or the given) names and ports
 * (and the network, unless the caller created it already to start services on it first).
 */
export async function deployStack(
  ports: { http: number; https: number; networkExists?: boolean },
  names: StackNames = E2E,
): Promise<void> {
  if (!ports.networkExists)
    await dk('network', 'create', '--driver', 'overlay', '--attachable', names.network);
  await run(
    'docker',
    ['stack', 'deploy', '--resolve-image', 'never', '-c', join(REPO_ROOT, 'docker-compose.yml'), names.stack],
    {
      env: {
        ...process.env,
        STACK_NAME: names.stack,
        PROXY_NETWORK: names.network,
        HTTP_PORT: String(ports.http),
        HTTPS_PORT: String(ports.https),
        NOTIFY_LABEL: names.notifyLabel,
        PROXY_IMAGE: await imageRef('proxy'),
        LISTENER_IMAGE: await imageRef('swarm-listener'),
      },
    },
  );
}

export async function exists(kind: 'service' | 'secret' | 'network', name: string): Promise<boolean> {
  try {
    await dk(kind, 'inspect', name);
    return true;
  } catch {
    return false;
  }
}

/** Removes everything the e2e may have created (also leftovers of an earlier, aborted run). */
export async function teardown(): Promise<void> {
  for (const svc of [E2E.demo, E2E.redis]) if (await exists('service', svc)) await dk('service', 'rm', svc);
  await removeStack(E2E, [E2E.demo, E2E.redis], E2E.secrets);
}

/**
 * Removes a stack deployed by deployStack and its network once no container of it (nor of the
 * given services, already removed by the caller) is left, then the given secrets.
 */
export async function removeStack(
  names: StackNames,
  services: readonly string[] = [],
  secrets: readonly string[] = [],
): Promise<void> {
  if ((await dk('stack', 'ls', '--format', '{{.Name}}')).split('\n').includes(names.stack)) {
    await dk('stack', 'rm', names.stack);
  }
  // Containers go a few seconds after their service; secrets and the network are in use until then.
  await eventually(
    async () => {
      let left = await dk('ps', '-aq', '--filter', `label=com.docker.stack.namespace=${names.stack}`);
      for (const svc of services)
        left += await dk('ps', '-aq', '--filter', `label=com.docker.swarm.service.name=${svc}`);
      if (left) throw new Error(`containers still present: ${left}`);
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  for (const s of secrets) if (await exists('secret', s)) await dk('secret', 'rm', s);
  if (await exists('network', names.network)) {
    await eventually(() => dk('network', 'rm', names.network), { timeoutMs: 30_000, intervalMs: 500 });
  }
}

/** IDs of the service's tasks that should run and do (Swarm reports Running only once healthy). */
export async function runningTasks(service: string): Promise<string[]> {
  const out = await dk(
    'service',
    'ps',
    service,
    '--filter',
    'desired-state=running',
    '--format',
    '{{.ID}} {{.CurrentState}}',
  );
  return out
    .split('\n')
    .filter((l) => / Running /.test(`${l} `))
    .map((l) => l.split(' ')[0] ?? '');
}

/**
 * `docker service update -d ...` and waits until exactly `replicas` new tasks run (none of the old
 * ones): assertions made afterwards then talk to the updated proxy, never to the one it replaced.
 */
export async function updateService(service: string, replicas: number, ...args: string[]): Promise<void> {
  const before = new Set(await runningTasks(service));
  await dk('service', 'update', '-d', '--no-resolve-image', ...args, service);
  await eventually(
    async () => {
      const now = await runningTasks(service);
      const fresh = now.filter((id) => !before.has(id));
      if (fresh.length !== replicas || now.length !== replicas) {
        throw new Error(
          `${service}: ${fresh.length}/${replicas} updated tasks running (${now.length} running in all)`,
        );
      }
    },
    { timeoutMs: 90_000, intervalMs: 250 },
  );
}

/** Creates a service on the e2e network (or `opts.network`) with dnsrr (no IPVS here, so no VIP). */
export async function createService(
  name: string,
  labels: Record<string, string>,
  image: string,
  opts: { flags?: readonly string[]; cmd?: readonly string[]; network?: string } = {},
): Promise<void> {
  const labelArgs = Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
  await dk(
    'service',
    'create',
    '-d',
    '--no-resolve-image',
    '--name',
    name,
    '--network',
    opts.network ?? E2E.network,
    '--endpoint-mode',
    'dnsrr',
    ...labelArgs,
    ...(opts.flags ?? []),
    image,
    ...(opts.cmd ?? []),
  );
}

export async function removeService(name: string): Promise<void> {
  await dk('service', 'rm', name);
  await eventually(
    async () => {
      if (await dk('ps', '-aq', '--filter', `label=com.docker.swarm.service.name=${name}`))
        throw new Error(`${name} containers still present`);
    },
    { timeoutMs: 30_000, intervalMs: 250 },
  );
}

/** Container ids of the service's running tasks on this node. */
export async function containersOf(service: string): Promise<string[]> {
  const out = await dk(
    'ps',
    '-q',
    '--filter',
    `label=com.docker.swarm.service.name=${service}`,
    '--filter',
    'status=running',
  );
  return out ? out.split('\n') : [];
}

/** GET from inside a container (node's fetch): status and X-Served-By. */
export async function fetchInside(
  container: string,
  url: string,
): Promise<{ status: number; servedBy: string | null }> {
  const script = `fetch(${JSON.stringify(url)}).then(r=>{console.log(JSON.stringify({status:r.status,servedBy:r.headers.get('x-served-by')}))},e=>{console.log(JSON.stringify({status:0,servedBy:String(e)}))})`;
  return JSON.parse(await dk('exec', container, 'node', '-e', script)) as {
    status: number;
    servedBy: string | null;
  };
}

/** stdout+stderr of a service's logs (the apps log JSON lines to either). */
export async function serviceLogs(service: string): Promise<string> {
  const { stdout, stderr } = await run('docker', ['service', 'logs', '--raw', service]);
  return `${stdout}\n${stderr}`;
}
