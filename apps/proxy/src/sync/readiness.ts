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
   * The container healthcheck: healthy once in sync, or once LISTENER_WAIT has passed, so a
   * replica that cannot reach the listener serves what it has instead of being replaced by Swarm.
   */
  readonly healthy: boolean;
  readonly lastSuccess?: string;
  readonly lastError?: string;
  readonly consecutiveFailures: number;
}

export function readiness(
  status: SyncStatus | undefined,
  startedAt: number,
  waitMs: number,
  now: number,
): Readiness {
  if (!status)
    return { listener: false, initialSync: true, inSync: true, healthy: true, consecutiveFailures: 0 };
  return {
    listener: true,
    ...status,
    healthy: status.initialSync || now - startedAt >= waitMs,
  };
}
