import { dk } from '../../../e2e/support/exec.js';
import { SOAK_LABEL } from './churn.js';

/** One route as Swarm defines it (labels and env of `docker service inspect`). */
export interface SwarmRoute {
  readonly name: string;
  readonly replicas: number;
  readonly paths: readonly string[];
  readonly domains: readonly string[];
  readonly port: number;
  readonly servedBy: string;
  /** Every desired task runs and no update is in progress: the listener has had the chance to notify. */
  readonly converged: boolean;
}

/** The part of a `config?type=json` service the soak compares. */
export interface ProxyService {
  readonly replicas?: number;
  readonly destinations: readonly {
    readonly servicePath: readonly string[];
    readonly serviceDomain: readonly string[];
    readonly port?: number;
  }[];
}

interface InspectedService {
  readonly Spec: {
    readonly Name: string;
    readonly Labels?: Record<string, string>;
    readonly Mode?: { readonly Replicated?: { readonly Replicas?: number } };
    readonly TaskTemplate?: { readonly ContainerSpec?: { readonly Env?: readonly string[] } };
  };
  readonly UpdateStatus?: { readonly State?: string };
}

const list = (v: string | undefined): string[] =>
  (v ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '')
    .sort();

/** Pure: inspect output + running counts (`service ls` "running/desired") -> routes. */
export function toSwarmRoutes(
  inspected: readonly InspectedService[],
  running: ReadonlyMap<string, number>,
): SwarmRoute[] {
  return inspected.map((s) => {
    const labels = s.Spec.Labels ?? {};
    const env = new Map(
      (s.Spec.TaskTemplate?.ContainerSpec?.Env ?? []).map((e) => [
        e.slice(0, e.indexOf('=')),
        e.slice(e.indexOf('=') + 1),
      ]),
    );
    const replicas = s.Spec.Mode?.Replicated?.Replicas ?? 0;
    const state = s.UpdateStatus?.State;
    return {
      name: s.Spec.Name,
      replicas,
      paths: list(labels['com.df.servicePath']),
      domains: list(labels['com.df.serviceDomain']),
      port: Number(labels['com.df.port']),
      servedBy: env.get('SERVED_BY') ?? '',
      converged:
        running.get(s.Spec.Name) === replicas && state !== 'updating' && state !== 'rollback_started',
    };
  });
}

/** What Swarm says about every soak service now (two docker calls). */
export async function swarmRoutes(): Promise<SwarmRoute[]> {
  const ls = await dk(
    'service',
    'ls',
    '--filter',
    `label=${SOAK_LABEL}`,
    '--format',
    '{{.Name}} {{.Replicas}}',
  );
  const running = new Map<string, number>();
  for (const line of ls.split('\n').filter((l) => l !== '')) {
    const [name, reps] = line.split(' ');
    running.set(name ?? '', Number((reps ?? '0/0').split('/')[0]));
  }
  if (running.size === 0) return [];
  // A service removed between the two calls makes inspect fail: ask again next poll.
  const inspected = JSON.parse(await dk('service', 'inspect', ...running.keys())) as InspectedService[];
  return toSwarmRoutes(inspected, running);
}

const same = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);

/**
 * Pure: every difference between the Swarm's soak services and the proxy's, one line each. A
 * service not converged in Swarm may legitimately be absent or stale in the proxy (the listener
 * notifies once its tasks run), so only converged ones count.
 */
export function compare(
  swarm: readonly SwarmRoute[],
  proxy: Readonly<Record<string, ProxyService>>,
): string[] {
  const out: string[] = [];
  const known = new Set(swarm.map((s) => s.name));
  for (const s of swarm) {
    if (!s.converged) continue;
    const p = proxy[s.name];
    if (!p) {
      out.push(`${s.name}: missing in the proxy`);
      continue;
    }
    const d = p.destinations[0];
    if (!d) {
      out.push(`${s.name}: no destination in the proxy`);
      continue;
    }
    if (!same(d.servicePath, s.paths))
      out.push(`${s.name}: paths ${d.servicePath.join(',')} != ${s.paths.join(',')}`);
    if (!same(d.serviceDomain, s.domains))
      out.push(`${s.name}: domains ${d.serviceDomain.join(',')} != ${s.domains.join(',')}`);
    if (d.port !== s.port) out.push(`${s.name}: port ${String(d.port)} != ${s.port}`);
    if (p.replicas !== s.replicas) out.push(`${s.name}: replicas ${String(p.replicas)} != ${s.replicas}`);
  }
  for (const name of Object.keys(proxy))
    if (name.startsWith('fpsoak-') && !known.has(name))
      out.push(`${name}: removed from Swarm, still in the proxy`);
  return out;
}
