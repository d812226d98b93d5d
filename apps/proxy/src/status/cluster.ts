import { networkInterfaces } from 'node:os';
import type { PeerResolver } from '../distribute/peers.js';
import type { ClusterView, NodeView, PeerView } from './types.js';

type Probe = Omit<PeerView, 'differs'>;

/**
 * Marks the replicas that disagree: the reference hash is the one most answering replicas have
 * (a tie goes to this replica's own), so one stale replica among three is the one flagged, and a
 * replica that did not answer is always flagged.
 */
export function markDiffering(probes: readonly Probe[]): { peers: PeerView[]; consistent: boolean } {
  const counts = new Map<string, number>();
  for (const p of probes) if (p.node) counts.set(p.node.hash, (counts.get(p.node.hash) ?? 0) + 1);
  const self = probes.find((p) => p.self)?.node?.hash;
  let reference: string | undefined;
  let best = 0;
  for (const [hash, n] of counts) {
    if (n > best || (n === best && hash === self)) {
      reference = hash;
      best = n;
    }
  }
  const peers = probes.map((p) => ({ ...p, differs: !p.node || p.node.hash !== reference }));
  return { peers, consistent: peers.every((p) => !p.differs) };
}

/** This machine's IPv4 addresses, to tell which `tasks.<service>` record is this replica. */
export function localAddresses(): Set<string> {
  const out = new Set<string>(['127.0.0.1']);
  for (const list of Object.values(networkInterfaces()))
    for (const i of list ?? []) if (i.family === 'IPv4') out.add(i.address);
  return out;
}

/** Another replica's own summary (`status?type=node`). */
export type FetchNode = (address: string) => Promise<NodeView>;

export function httpFetchNode(
  prefix: string,
  timeoutMs: number,
  headers: () => Record<string, string> = () => ({}),
): FetchNode {
  return async (address) => {
    const res = await fetch(`http://${address}${prefix}/status?type=node`, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: headers(),
    });
    if (res.status !== 200) throw new Error(`answered ${res.status}`);
    const body = (await res.json()) as Partial<NodeView>;
    if (typeof body.hash !== 'string' || typeof body.stateVersion !== 'number')
      throw new Error('answered something that is not a replica summary');
    return body as NodeView;
  };
}

export interface ClusterDeps {
  readonly serviceName: string;
  readonly peers: PeerResolver;
  readonly fetchNode: FetchNode;
  readonly self: () => NodeView;
  readonly localAddresses?: () => Set<string>;
}

/** Every replica `tasks.<SERVICE_NAME>` lists, probed in parallel; this one answers from memory. */
export async function clusterView(deps: ClusterDeps): Promise<ClusterView> {
  const mine = (deps.localAddresses ?? localAddresses)();
  let addresses: string[];
  try {
    addresses = await deps.peers();
  } catch (e) {
    const { peers, consistent } = markDiffering([
      { address: 'this replica', self: true, reachable: true, node: deps.self() },
    ]);
    return { serviceName: deps.serviceName, peers, consistent, error: (e as Error).message };
  }
  const isSelf = (a: string): boolean => mine.has(a.replace(/:[0-9]+$/, ''));
  if (!addresses.some(isSelf)) addresses = ['this replica', ...addresses];
  const probes = await Promise.all(
    addresses.map(async (address): Promise<Probe> => {
      if (address === 'this replica' || isSelf(address))
        return { address, self: true, reachable: true, node: deps.self() };
      try {
        return { address, self: false, reachable: true, node: await deps.fetchNode(address) };
      } catch (e) {
        const err = e as Error & { cause?: { code?: string } };
        return { address, self: false, reachable: false, error: err.cause?.code ?? err.message };
      }
    }),
  );
  return { serviceName: deps.serviceName, ...markDiffering(probes) };
}
