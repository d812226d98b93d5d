import type { PeerResolver } from '../distribute/peers.js';
import type { ProxyConfig } from '../env.js';
import { runtimePaths } from '../haproxy/master.js';
import { readServerStats } from '../haproxy/server-stats.js';
import type { ReloadPipeline } from '../reload/pipeline.js';
import type { ListenerSync } from '../sync/listener.js';
import type { Readiness } from '../sync/readiness.js';
import { httpFetchNode } from './cluster.js';
import { statusGuard, type Credentials } from './guard.js';
import type { StatusDeps } from './http.js';
import type { ChangeJournal } from './journal.js';
import type { ListenerView } from './types.js';
import { appVersion } from './version.js';

export interface StatusWiring {
  readonly cfg: ProxyConfig;
  readonly apiPrefix: string;
  readonly pipeline: ReloadPipeline;
  readonly journal: ChangeJournal;
  /** Accepted services' parse warnings (unknown parameters and the like), by service. */
  readonly warnings: () => ReadonlyMap<string, readonly { param: string; message: string }[]>;
  readonly readiness: () => Readiness;
  /** The listener sync, once created (it is made after the API). */
  readonly sync: () => ListenerSync | undefined;
  /** LISTENER_ADDRESS as base URLs. */
  readonly listenerBases: readonly string[];
  readonly peers: PeerResolver;
}

/** The stats credentials also protect the status page (`none`/`none` means stats without login). */
export function statusCredentials(cfg: Pick<ProxyConfig, 'statsUser' | 'statsPass'>): Credentials[] {
  const { statsUser: user, statsPass: pass } = cfg;
  return user !== '' && pass !== '' && !(user === 'none' && pass === 'none') ? [{ user, pass }] : [];
}

/** The status page's view of the running proxy; called once by the composition root. */
export function statusDeps(w: StatusWiring): StatusDeps {
  const login = statusCredentials(w.cfg);
  // Replicas share their configuration, so this replica's credentials open the others' summaries.
  const peerHeaders: Record<string, string> = login[0]
    ? { authorization: `Basic ${Buffer.from(`${login[0].user}:${login[0].pass}`).toString('base64')}` }
    : {};
  const listener = (): ListenerView | undefined => {
    if (w.listenerBases.length === 0) return undefined;
    const st = w.sync()?.status;
    return {
      address: w.listenerBases.join(','),
      ...(st?.lastAttempt ? { lastSyncAt: st.lastAttempt, outcome: st.inSync ? 'ok' : 'failed' } : {}),
      ...(st?.services !== undefined ? { servicesWatched: st.services } : {}),
      ...(st?.lastError !== undefined && !st.inSync ? { error: st.lastError } : {}),
    };
  };
  return {
    refreshMs: 2000,
    guard: statusGuard(login),
    sources: {
      services: () => w.pipeline.services,
      rejected: () => w.pipeline.rejected,
      warnings: w.warnings,
      hash: () => w.pipeline.hash,
      version: () => w.pipeline.version,
      ready: () => w.readiness().initialSync,
      inSync: () => w.readiness().inSync,
      listener,
      serverStats: () => readServerStats(runtimePaths(w.cfg.runtimeDir).adminSock),
      journal: w.journal,
      globalAuth: w.cfg.users.length > 0,
      appVersion: appVersion(),
      cluster: {
        serviceName: w.cfg.serviceName,
        peers: w.peers,
        fetchNode: httpFetchNode(w.apiPrefix, 1500, () => peerHeaders),
      },
    },
  };
}
