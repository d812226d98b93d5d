import type { SyncStatus } from './listener.js';

/** Liveness and readiness of a replica, as the API and the metrics report them. */
export interface Readiness {
  /** Whether LISTENER_ADDRESS is set. */
  readonly listener: boolean;
  /** The initial state from the listener was applied (upstream's successfulinitreload). */
  readonly initialSync: boolean;
  /** The routes are those the listener knows (its latest answer was applied). */
  readonly inSync: boolean;
  /**
   * The container healthcheck (liveness): HAProxy serves. It never depends on the listener: start-up
   * waits for the listener's state at most LISTENER_WAIT before HAProxy binds and the API listens,
   * then a replica that cannot reach it serves what it has instead of being replaced by Swarm.
   */
  readonly healthy: boolean;
  readonly lastSuccess?: string;
  readonly lastError?: string;
  readonly consecutiveFailures: number;
}

export function readiness(status: SyncStatus | undefined, serving: boolean): Readiness {
  if (!status)
    return { listener: false, initialSync: true, inSync: true, healthy: serving, consecutiveFailures: 0 };
  return { listener: true, ...status, healthy: serving };
}
