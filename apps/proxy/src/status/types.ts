/** What the status page shows, as `GET /v1/docker-flow-proxy/status?type=json` answers it. */

export interface ServerView {
  readonly name: string;
  readonly addr: string;
  readonly status: string;
  /** UP-ish (UP, `UP 1/3`, `no check`, OPEN) vs anything else. */
  readonly up: boolean;
  readonly sessions: number;
}

export interface RouteView {
  readonly serviceName: string;
  readonly index: number;
  readonly mode: string;
  readonly paths: readonly string[];
  readonly domains: readonly string[];
  /** The task port the backend reaches. */
  readonly port?: number;
  readonly srcPort?: number;
  readonly httpsPort?: number;
  /** Whether a userlist protects the route (never which users or passwords). */
  readonly auth: boolean;
  readonly backends: readonly string[];
  readonly servers: readonly ServerView[];
  /** server-template slots with no task behind them (DNS has fewer records than slots). */
  readonly idleSlots: number;
}

export interface ProblemView {
  readonly serviceName: string;
  readonly kind: 'rejected' | 'warning';
  readonly at?: string;
  readonly code: string;
  readonly param: string;
  readonly message: string;
}

export interface ChangeEntry {
  readonly at: string;
  readonly op: 'reconfigure' | 'remove' | 'reload' | 'resync' | 'cert';
  readonly serviceName?: string;
  readonly outcome: string;
  readonly status: number;
  readonly message?: string;
  /** The notification id (X-Request-Id) that carried the change, when there was one. */
  readonly requestId?: string;
  readonly version: number;
}

export interface ListenerView {
  readonly address: string;
  readonly lastSyncAt?: string;
  readonly outcome?: 'ok' | 'failed';
  /** Services the listener reported in its last successful get-services. */
  readonly servicesWatched?: number;
  readonly error?: string;
}

/** One replica as it describes itself (`status?type=node`). */
export interface NodeView {
  readonly hostname: string;
  readonly appVersion: string;
  readonly stateVersion: number;
  readonly hash: string;
  readonly ready: boolean;
  /** The latest resync from the listener succeeded (absent from replicas that predate it). */
  readonly inSync?: boolean;
  readonly services: number;
  readonly rejected: number;
  readonly listener?: ListenerView;
}

export interface PeerView {
  readonly address: string;
  readonly self: boolean;
  readonly reachable: boolean;
  readonly node?: NodeView;
  readonly error?: string;
  /** Its state hash differs from the one most replicas have, or it did not answer. */
  readonly differs: boolean;
}

export interface ClusterView {
  readonly serviceName: string;
  readonly peers: readonly PeerView[];
  /** Every replica answered with the same state hash. */
  readonly consistent: boolean;
  readonly error?: string;
}

export interface StatusSnapshot {
  readonly generatedAt: string;
  readonly node: NodeView;
  readonly routes: readonly RouteView[];
  readonly problems: readonly ProblemView[];
  readonly changes: readonly ChangeEntry[];
  readonly cluster: ClusterView;
  /** Set when HAProxy's runtime API did not answer: servers are then unknown, not down. */
  readonly haproxyError?: string;
}
