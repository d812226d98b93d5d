import type { Logger } from '@flowproxy/runtime';
import type { DockerEvent, EventKinds, SwarmApi } from '../docker/types.js';
import { abortableSleep } from './sleep.js';

export interface FollowOptions {
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  /** A stream that stayed open this long resets the backoff. */
  readonly stableMs: number;
}

export const DEFAULT_FOLLOW: FollowOptions = { minBackoffMs: 100, maxBackoffMs: 5000, stableMs: 10_000 };

/**
 * Reconnect delay and the one after it: doubling from min to max, back to min after a stream that
 * stayed open long enough (a flapping stream must not reconnect in a tight loop).
 */
export function nextBackoff(
  current: number,
  openForMs: number | null,
  o: FollowOptions,
): { delay: number; next: number } {
  const delay = openForMs !== null && openForMs >= o.stableMs ? o.minBackoffMs : current;
  return { delay, next: Math.min(delay * 2, o.maxBackoffMs) };
}

/**
 * Follows the service event stream until `signal` aborts, reopening it with backoff whenever it
 * ends or fails. `onOpen` runs each time Docker accepted the subscription: the caller reconciles
 * then, which covers whatever happened while the stream was down (and at start-up, before it).
 */
export async function followEvents(
  api: SwarmApi,
  handlers: {
    onEvent: (e: DockerEvent) => void;
    onOpen: (reconnect: boolean) => void;
    onReconnect: () => void;
  },
  log: Logger,
  signal: AbortSignal,
  o: FollowOptions = DEFAULT_FOLLOW,
  kinds?: EventKinds,
): Promise<void> {
  let backoff = o.minBackoffMs;
  let connectedBefore = false;
  while (!signal.aborted) {
    let openedAt: number | null = null;
    try {
      const reconnect = connectedBefore;
      for await (const ev of api.events(
        signal,
        () => {
          openedAt = Date.now();
          connectedBefore = true;
          log.info(reconnect ? 'event stream reopened' : 'event stream open');
          handlers.onOpen(reconnect);
        },
        kinds,
      )) {
        handlers.onEvent(ev);
      }
      if (!signal.aborted) log.warn('event stream ended');
    } catch (e) {
      if (!signal.aborted)
        log.warn('event stream failed', { error: e instanceof Error ? e.message : String(e) });
    }
    if (signal.aborted) break;
    handlers.onReconnect();
    const b = nextBackoff(backoff, openedAt === null ? null : Date.now() - openedAt, o);
    backoff = b.next;
    log.info('reconnecting to the event stream', { inMs: b.delay });
    await abortableSleep(b.delay, signal);
  }
}
