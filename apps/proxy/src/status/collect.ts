import { hostname } from 'node:os';
import type { ServiceSpec } from '@flowproxy/protocol';
import type { ServerStat } from '../haproxy/server-stats.js';
import type { Rejection } from '../reload/pipeline.js';
import { clusterView, type ClusterDeps } from './cluster.js';
import type { ChangeJournal } from './journal.js';
import { problemViews, routeViews } from './routes.js';
import type { ListenerView, NodeView, StatusSnapshot } from './types.js';

/** What the status page reads; every source is the live object, read at request time. */
export interface StatusSources {
  readonly services: () => ReadonlyMap<string, ServiceSpec>;
  readonly rejected: () => ReadonlyMap<string, Rejection>;
  /** Accepted services with warnings (unknown parameters and the like), by service name. */
  readonly warnings: () => ReadonlyMap<string, readonly { param: string; message: string }[]>;
  readonly hash: () => string;
  readonly version: () => number;
  /** The initial state is applied (successfulinitreload). */
  readonly ready: () => boolean;
  /** The latest listener resync succeeded (always true without LISTENER_ADDRESS). */
  readonly inSync?: () => boolean;
  readonly listener: () => ListenerView | undefined;
  readonly serverStats: () => Promise<ServerStat[]>;
  readonly journal: ChangeJournal;
  readonly globalAuth: boolean;
  readonly appVersion: string;
  readonly cluster: Omit<ClusterDeps, 'self'>;
  readonly hostname?: string;
}

/** This replica's own summary: what peers ask for and what the cluster panel compares. */
export function nodeView(src: StatusSources): NodeView {
  const listener = src.listener();
  return {
    hostname: src.hostname ?? hostname(),
    appVersion: src.appVersion,
    stateVersion: src.version(),
    hash: src.hash(),
    ready: src.ready(),
    inSync: src.inSync?.() ?? true,
    services: src.services().size,
    rejected: src.rejected().size,
    ...(listener ? { listener } : {}),
  };
}

export async function collectStatus(src: StatusSources): Promise<StatusSnapshot> {
  let stats: ServerStat[] = [];
  let haproxyError: string | undefined;
  const [statsResult, cluster] = await Promise.all([
    src.serverStats().then(
      (s) => ({ ok: true as const, s }),
      (e: Error) => ({ ok: false as const, e }),
    ),
    clusterView({ ...src.cluster, self: () => nodeView(src) }),
  ]);
  if (statsResult.ok) stats = statsResult.s;
  else haproxyError = statsResult.e.message;
  return {
    generatedAt: new Date().toISOString(),
    node: nodeView(src),
    routes: routeViews(src.services(), stats, src.globalAuth),
    problems: problemViews(src.rejected(), src.warnings()),
    changes: src.journal.list(),
    cluster,
    ...(haproxyError !== undefined ? { haproxyError } : {}),
  };
}
