import { dk } from '../../../e2e/support/exec.js';
import { createService } from '../../../e2e/support/swarm.js';

/**
 * The churn: what the soak asked Swarm for, and the next operation. Choosing is pure (a seeded
 * random source), applying is one docker CLI call. Routing checks never trust this model: they
 * compare the proxy with what `docker service inspect` says (expected.ts).
 */

/** Every soak service carries this service label and container label (cleanup and filters). */
export const SOAK_LABEL = 'org.flowproxy.soak';
export const STABLE = 'fpsoak-stable';
export const DOMAIN_SUFFIX = 'soak.test';

/** Path label values; the demo answers /demo/hello and /demo/person, so each set routes one or both. */
export const PATH_SETS: readonly (readonly string[])[] = [
  ['/demo'],
  ['/demo/hello'],
  ['/demo/person'],
  ['/demo/hello', '/demo/person'],
];
export const PORTS = [8080, 8081] as const;

export interface ChurnService {
  readonly name: string;
  readonly replicas: number;
  readonly pathSet: number;
  readonly domainVersion: number;
  readonly port: number;
  /** Bumped on every change that replaces the tasks; part of SERVED_BY, so a stale task shows. */
  readonly generation: number;
}

export type OpKind = 'create' | 'paths' | 'domain' | 'port' | 'scale' | 'rolling' | 'remove';

export interface Op {
  readonly kind: OpKind;
  readonly before?: ChurnService;
  /** Undefined after a remove. */
  readonly after?: ChurnService;
}

export type Rand = () => number;

/** mulberry32: a small seeded generator, so a run's sequence of operations can be replayed. */
export function seeded(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;

export const domainOf = (s: Pick<ChurnService, 'name' | 'domainVersion'>): string =>
  `${s.name}-d${s.domainVersion}.${DOMAIN_SUFFIX}`;
export const servedBy = (s: Pick<ChurnService, 'name' | 'generation'>): string => `${s.name}@${s.generation}`;

/**
 * The next operation on the live set: creates keep it between a third of `max` and `max`,
 * otherwise every kind of change is equally likely, on a random live service.
 */
export function nextOp(live: readonly ChurnService[], max: number, counter: number, rand: Rand): Op {
  const wantCreate = live.length < Math.ceil(max / 3) || (live.length < max && rand() < 0.2);
  if (wantCreate || live.length === 0) {
    const after: ChurnService = {
      name: `fpsoak-c${counter}`,
      replicas: 1 + Math.floor(rand() * 2),
      pathSet: Math.floor(rand() * PATH_SETS.length),
      domainVersion: 0,
      port: pick(rand, PORTS),
      generation: 0,
    };
    return { kind: 'create', after };
  }
  const before = pick(rand, live);
  const kind = pick(rand, ['paths', 'domain', 'port', 'scale', 'rolling', 'remove'] as const);
  switch (kind) {
    case 'paths':
      return { kind, before, after: { ...before, pathSet: (before.pathSet + 1) % PATH_SETS.length } };
    case 'domain':
      return { kind, before, after: { ...before, domainVersion: before.domainVersion + 1 } };
    case 'port':
      return {
        kind,
        before,
        after: { ...before, port: before.port === 8080 ? 8081 : 8080, generation: before.generation + 1 },
      };
    case 'scale':
      return { kind, before, after: { ...before, replicas: before.replicas === 1 ? 2 : 1 } };
    case 'rolling':
      return { kind, before, after: { ...before, generation: before.generation + 1 } };
    case 'remove':
      return { kind, before };
  }
}

export function labelsOf(s: ChurnService, notifyLabel: string): Record<string, string> {
  return {
    [notifyLabel]: 'true',
    [SOAK_LABEL]: '1',
    'com.df.servicePath': (PATH_SETS[s.pathSet] ?? []).join(','),
    'com.df.serviceDomain': domainOf(s),
    'com.df.port': String(s.port),
  };
}

/** Creates a soak service: the demo image answering as `name@generation` on `port`. */
export async function createSoakService(
  s: ChurnService,
  ctx: { notifyLabel: string; network: string; image: string },
): Promise<void> {
  await createService(s.name, labelsOf(s, ctx.notifyLabel), ctx.image, {
    network: ctx.network,
    flags: [
      '--replicas',
      String(s.replicas),
      '--env',
      `PORT=${s.port}`,
      '--env',
      `SERVED_BY=${servedBy(s)}`,
      '--container-label',
      `${SOAK_LABEL}=1`,
      '--stop-grace-period',
      '3s',
    ],
  });
}

/** Applies one operation with one docker CLI call (detached: Swarm converges in the background). */
export async function applyOp(
  op: Op,
  ctx: { notifyLabel: string; network: string; image: string },
): Promise<void> {
  const { before, after } = op;
  const update = (name: string, ...args: string[]): Promise<string> =>
    dk('service', 'update', '-d', '--no-resolve-image', ...args, name);
  if (op.kind === 'create' && after) return createSoakService(after, ctx);
  if (!before) throw new Error(`soak: ${op.kind} without a service`);
  if (op.kind === 'remove' || !after) {
    await dk('service', 'rm', before.name);
    return;
  }
  const labels = labelsOf(after, ctx.notifyLabel);
  switch (op.kind) {
    case 'paths':
      await update(before.name, '--label-add', `com.df.servicePath=${labels['com.df.servicePath']}`);
      return;
    case 'domain':
      await update(before.name, '--label-add', `com.df.serviceDomain=${labels['com.df.serviceDomain']}`);
      return;
    case 'port':
      // Label and listening port in one update: a rolling update that moves the route to the new port.
      await update(
        before.name,
        '--label-add',
        `com.df.port=${after.port}`,
        '--env-add',
        `PORT=${after.port}`,
        '--env-add',
        `SERVED_BY=${servedBy(after)}`,
      );
      return;
    case 'scale':
      await update(before.name, '--replicas', String(after.replicas));
      return;
    case 'rolling':
      await update(before.name, '--env-add', `SERVED_BY=${servedBy(after)}`);
      return;
    default:
      throw new Error(`soak: unexpected operation ${op.kind}`);
  }
}
